package bans

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"banlist/backend/ipaddr"
)

// A second service on the same file sees every change through the
// incremental path, and answers exactly as a freshly loaded index does,
// through random bans, nested ranges, renewals, unbans and expiries.
func TestIncrementalIndexMatchesAFullLoad(t *testing.T) {
	f := newFixture(t)
	watcher := New(f.db, nil) // another process's view: it never writes
	t.Cleanup(func() { _ = watcher.Close() })
	r := rand.New(rand.NewPCG(7, 11))
	addr := func() string { return fmt.Sprintf("198.51.100.%d", r.IntN(40)) }
	targets := []string{"198.51.100.0/24", "198.51.100.0/28", "198.51.100.16/29", "2001:db8::/64"}
	var probes []string
	for i := 0; i < 48; i++ {
		probes = append(probes, fmt.Sprintf("198.51.100.%d", i))
	}
	probes = append(probes, "2001:db8::1", "2001:db8:1::1", "203.0.113.9")
	periods := []string{"1h", "1d", "1w"}
	var active []Ban
	if _, err := watcher.Check(f.ctx, "192.0.2.1"); err != nil { // the base load
		t.Fatal(err)
	}
	base := watcher.idx.Load()
	deltas := 0
	for step := 0; step < 120; step++ {
		switch op := r.IntN(10); {
		case op < 4:
			if b, err := f.svc.BanIP(f.ctx, addr(), periods[r.IntN(3)], ""); err == nil {
				active = append(active, b)
			}
		case op < 5:
			if b, err := f.svc.BanIP(f.ctx, targets[r.IntN(len(targets))], periods[r.IntN(3)], ""); err == nil {
				active = append(active, b)
			}
		case op < 7 && len(active) > 0:
			_, _ = f.svc.Renew(f.ctx, active[r.IntN(len(active))].ID, periods[r.IntN(3)], true, "")
		case op < 9 && len(active) > 0:
			i := r.IntN(len(active))
			_, _ = f.svc.Unban(f.ctx, active[i].ID, "")
			active = append(active[:i], active[i+1:]...)
		default:
			f.clk.Advance(time.Duration(r.IntN(90)) * time.Minute) // some 1h bans lapse
		}
		// Another process: it learns of the change only from the stamp.
		watcher.gen.Add(1)
		fresh := New(f.db, nil)
		for _, p := range probes {
			got, err := watcher.Check(f.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fresh.Check(f.ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if got.Blocked != want.Blocked || got.BanID != want.BanID {
				t.Fatalf("step %d, %s: incremental says %+v, a full load %+v", step, p, got, want)
			}
		}
		_ = fresh.Close()
		if ix := watcher.idx.Load(); len(ix.overlay) > 0 && sameMap(ix.exact, base.exact) {
			deltas++
		}
	}
	if deltas < 50 {
		t.Errorf("only %d of 120 changes were applied incrementally", deltas)
	}
}

func sameMap(a, b map[key]entry) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		_, ok := b[k]
		if !ok {
			return false
		}
	}
	return true
}

// Past maxOverlay changed addresses the index is folded by a full reload,
// and still answers right.
func TestIncrementalIndexFoldsWhenTheOverlayIsFull(t *testing.T) {
	f := newFixture(t)
	watcher := New(f.db, nil)
	t.Cleanup(func() { _ = watcher.Close() })
	if _, err := watcher.Check(f.ctx, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	ips := make([]string, 0, maxOverlay+10)
	for i := 0; len(ips) < maxOverlay+10; i++ {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		ips = append(ips, a.String())
	}
	// Written straight into the file in one transaction, as a bulk import in
	// another process would.
	now := f.clk.Now().UnixMilli()
	tx := f.db.Begin()
	for _, ip := range ips {
		k := ipaddr.Key(netip.MustParseAddr(ip))
		var id int64
		if err := tx.Raw(`INSERT INTO bans(target, is_range, lo, hi, period, created_by, created_at, expires_at) VALUES (?, 0, ?, ?, '1d', 'bulk', ?, ?) RETURNING id`,
			ip, k[:], k[:], now, now+86_400_000).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		if err := tx.Exec(`INSERT INTO ban_events(ban_id, target, kind, actor, at) VALUES (?, ?, 'banned', 'bulk', ?)`, id, ip, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit().Error; err != nil {
		t.Fatal(err)
	}
	watcher.gen.Add(1)
	res, err := watcher.Check(f.ctx, ips[len(ips)-1])
	if err != nil || !res.Blocked {
		t.Fatalf("after %d bans: %+v %v", len(ips), res, err)
	}
	if ix := watcher.idx.Load(); len(ix.overlay) != 0 || len(ix.exact) != len(ips) {
		t.Errorf("overlay %d, base %d: want a folded base of %d", len(ix.overlay), len(ix.exact), len(ips))
	}
}
