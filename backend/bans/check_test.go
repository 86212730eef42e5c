package bans

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"banlist/backend/apperr"
	"banlist/backend/clock"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

func TestCheck(t *testing.T) {
	f := newFixture(t)
	single := f.ban("203.0.113.7", "1h", "")
	v4range := f.ban("10.1.2.0/24", "1d", "")
	v6single := f.ban("2001:db8::7", "1w", "")
	v6range := f.ban("2001:db8:1::/48", "1mo", "")
	removed := f.ban("192.0.2.1", "1d", "")
	if _, err := f.svc.Unban(f.ctx, removed.ID, ""); err != nil {
		t.Fatal(err)
	}
	type want struct {
		blocked bool
		ban     Ban
	}
	cases := []struct {
		ip, norm string
		want     want
	}{
		{"203.0.113.7", "203.0.113.7", want{true, single}},
		{" 203.0.113.7 ", "203.0.113.7", want{true, single}},
		{"::ffff:203.0.113.7", "203.0.113.7", want{true, single}},
		{"203.0.113.7/32", "203.0.113.7", want{true, single}},
		{"203.0.113.8", "203.0.113.8", want{}},
		{"10.1.2.0", "10.1.2.0", want{true, v4range}},
		{"10.1.2.255", "10.1.2.255", want{true, v4range}},
		{"::ffff:10.1.2.77", "10.1.2.77", want{true, v4range}},
		{"10.1.3.0", "10.1.3.0", want{}},
		{"10.1.1.255", "10.1.1.255", want{}},
		{"2001:DB8::7", "2001:db8::7", want{true, v6single}},
		{"2001:db8::8", "2001:db8::8", want{}},
		{"2001:db8:1:ffff::1", "2001:db8:1:ffff::1", want{true, v6range}},
		{"2001:db8:2::1", "2001:db8:2::1", want{}},
		{"192.0.2.1", "192.0.2.1", want{}},
		{"::ffff:a01:203", "10.1.2.3", want{true, v4range}},
	}
	for _, tc := range cases {
		r := f.check(tc.ip)
		if r.IP != tc.norm || r.Blocked != tc.want.blocked {
			t.Errorf("Check(%q) = %+v, want ip %s blocked %v", tc.ip, r, tc.norm, tc.want.blocked)
			continue
		}
		if tc.want.blocked && (r.BanID != tc.want.ban.ID || r.Target != tc.want.ban.Target || r.Until == nil || !r.Until.Equal(tc.want.ban.ExpiresAt)) {
			t.Errorf("Check(%q) = %+v, want ban %+v", tc.ip, r, tc.want.ban)
		}
		if !tc.want.blocked && (r.BanID != 0 || r.Until != nil || r.Target != "") {
			t.Errorf("Check(%q) = %+v, want no ban details", tc.ip, r)
		}
	}
	// Expiry is judged at lookup time, with no reload.
	f.clk.Advance(time.Hour)
	if r := f.check("203.0.113.7"); r.Blocked {
		t.Errorf("expired single still blocks: %+v", r)
	}
	if r := f.check("10.1.2.3"); !r.Blocked {
		t.Errorf("range should still block: %+v", r)
	}
	f.clk.Advance(24 * time.Hour)
	if r := f.check("10.1.2.3"); r.Blocked {
		t.Errorf("expired range still blocks: %+v", r)
	}
	for _, bad := range []struct {
		ip   string
		kind error
	}{{"10.1.2.0/24", ipaddr.ErrNotSingle}, {"1.2.3", ipaddr.ErrInvalid}, {"", ipaddr.ErrEmpty}, {"fe80::1%eth0", ipaddr.ErrZone}} {
		_, err := f.svc.Check(f.ctx, bad.ip)
		wantAppErr(t, err, apperr.CodeInvalid, "ip", bad.kind)
	}
}

func TestCheckNestedBansReportTheLongest(t *testing.T) {
	f := newFixture(t)
	inner := f.ban("10.9.9.9", "1mo", "")
	outer := f.ban("10.9.0.0/16", "1h", "")
	mid := f.ban("10.8.1.0/24", "1w", "")
	wide := f.ban("10.8.0.0/16", "1d", "") // contains mid, ends sooner
	for ip, want := range map[string]Ban{
		"10.9.9.9": inner, "10.9.9.8": outer, "10.8.1.1": mid, "10.8.2.1": wide, "10.8.0.0": wide, "10.8.255.255": wide,
	} {
		if r := f.check(ip); r.BanID != want.ID {
			t.Errorf("Check(%s) = ban #%d, want #%d (%s)", ip, r.BanID, want.ID, want.Target)
		}
	}
	f.clk.Advance(2 * time.Hour) // outer lapses; inner still there
	if r := f.check("10.9.9.8"); r.Blocked {
		t.Errorf("lapsed /16 still blocks: %+v", r)
	}
	f.clk.Advance(2 * 24 * time.Hour) // wide lapses; mid still there
	if r := f.check("10.8.1.1"); r.BanID != mid.ID {
		t.Errorf("Check(10.8.1.1) = %+v, want #%d", r, mid.ID)
	}
	if r := f.check("10.8.2.1"); r.Blocked {
		t.Errorf("lapsed wide range still blocks: %+v", r)
	}
}

func TestCheckSeesOwnWritesImmediately(t *testing.T) {
	f := newFixture(t)
	f.svc.Start(f.ctx)
	for i := 0; i < 20; i++ {
		ip := fmt.Sprintf("192.0.2.%d", i)
		b := f.ban(ip, "1h", "")
		if r := f.check(ip); !r.Blocked || r.BanID != b.ID {
			t.Fatalf("right after BanIP: %+v", r)
		}
		if _, err := f.svc.Unban(f.ctx, b.ID, ""); err != nil {
			t.Fatal(err)
		}
		if r := f.check(ip); r.Blocked {
			t.Fatalf("right after Unban: %+v", r)
		}
	}
}

// CheckMany answers as Check does, for many addresses at once.
func TestCheckMany(t *testing.T) {
	f := newFixture(t)
	single := f.ban("203.0.113.7", "1d", "s")
	rng := f.ban("10.1.2.0/24", "1h", "r")
	gone := f.ban("198.51.100.1", "1d", "")
	f.svc.Unban(f.ctx, gone.ID, "")
	got, err := f.svc.CheckMany(f.ctx, []string{
		"203.0.113.7", "::ffff:203.0.113.7", "10.1.2.9", "10.1.2.10", "10.1.2.9",
		"198.51.100.1", "8.8.8.8", "not-an-ip", "", "10.1.2.0/24",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"203.0.113.7": single.ID, "::ffff:203.0.113.7": single.ID, "10.1.2.9": rng.ID, "10.1.2.10": rng.ID}
	if len(got) != len(want) {
		t.Fatalf("CheckMany = %v, want keys %v", got, want)
	}
	for ip, id := range want {
		r, one := got[ip], f.check(ip)
		if !r.Blocked || r.BanID != id || r.Until == nil || !reflect.DeepEqual(r, one) {
			t.Errorf("%s: %+v, want ban #%d as Check gives it (%+v)", ip, r, id, one)
		}
	}
	f.clk.Advance(time.Hour)
	got, _ = f.svc.CheckMany(f.ctx, []string{"10.1.2.9", "203.0.113.7"})
	if _, ok := got["10.1.2.9"]; ok || got["203.0.113.7"].BanID != single.ID {
		t.Fatalf("after the range lapsed: %v", got)
	}
	if empty, err := f.svc.CheckMany(f.ctx, nil); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("CheckMany(nil) = %v, %v", empty, err)
	}
}

func TestSubscribeSeesOwnChanges(t *testing.T) {
	f := newFixture(t)
	f.svc.Start(f.ctx)
	f.check("192.0.2.1") // first load
	var calls atomic.Int32
	fired := make(chan struct{}, 10)
	cancel := f.svc.Subscribe(func() { calls.Add(1); fired <- struct{}{} })
	f.ban("192.0.2.1", "1h", "")
	select {
	case <-fired:
	case <-time.After(2 * time.Second):
		t.Fatal("no change notification within 2 s")
	}
	cancel()
	time.Sleep(100 * time.Millisecond) // let a call under way finish
	before := calls.Load()
	f.ban("192.0.2.2", "1h", "")
	time.Sleep(600 * time.Millisecond)
	if calls.Load() != before {
		t.Fatal("notified after unsubscribing")
	}
}

func TestCloseStopsWatcher(t *testing.T) {
	f := newFixture(t)
	f.svc.Start(f.ctx)
	f.svc.Start(f.ctx) // second Start is a no-op
	if err := f.svc.Close(); err != nil {
		t.Fatal(err)
	}
	if f.svc.running.Load() {
		t.Fatal("watcher still running after Close")
	}
	// Lookups still work, polling on their own.
	f.ban("192.0.2.3", "1h", "")
	if !f.check("192.0.2.3").Blocked {
		t.Fatal("Check after Close")
	}
	f.svc.Subscribe(func() {})() // no-op after Close
}

// TestIndexMatchesBruteForce builds indexes from random nested and disjoint
// blocks and compares every lookup with a scan of all bans.
func TestIndexMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type ban struct {
		t ipaddr.Target
		e entry
	}
	for round := 0; round < 200; round++ {
		var bans []ban
		exact := map[key]entry{}
		var ranges []rangeBan
		n := 1 + rng.IntN(40)
		for i := 0; i < n; i++ {
			var p netip.Prefix
			if rng.IntN(3) == 0 {
				// IPv6 inside 2001:db8::/120 at the end of the key space too.
				base := [16]byte{0x20, 0x01, 0x0d, 0xb8}
				if rng.IntN(4) == 0 {
					base = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
				}
				base[15] = byte(rng.IntN(256))
				p = netip.PrefixFrom(netip.AddrFrom16(base), 120+rng.IntN(9)).Masked()
			} else {
				p = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))}), 24+rng.IntN(9)).Masked()
			}
			tg, err := ipaddr.Parse(p.String())
			if err != nil {
				t.Fatal(err)
			}
			e := entry{id: int64(i + 1), expires: int64(rng.IntN(10)), target: tg.String()}
			bans = append(bans, ban{tg, e})
			lo, hi := keyOf(tg.Lo()), keyOf(tg.Hi())
			if !tg.IsRange {
				if old, ok := exact[lo]; ok {
					e = later(old, e)
				}
				exact[lo] = e
			} else {
				ranges = append(ranges, rangeBan{lo: lo, hi: hi, e: e})
			}
		}
		ix := newIndex(1, 0, exact, ranges)
		// Segments must be sorted and disjoint.
		for i := 1; i < len(ix.segs); i++ {
			if !ix.segs[i-1].hi.less(ix.segLo[i]) {
				t.Fatalf("round %d: segments overlap", round)
			}
		}
		var probes []netip.Addr
		for _, b := range bans {
			lo, hi := b.t.Lo(), b.t.Hi()
			for _, k := range [][16]byte{lo, hi} {
				a := netip.AddrFrom16(k).Unmap()
				probes = append(probes, a, a.Next(), a.Prev())
			}
		}
		for i := 0; i < 50; i++ {
			probes = append(probes, netip.AddrFrom4([4]byte{10, 0, 0, byte(rng.IntN(256))}))
		}
		for _, a := range probes {
			if !a.IsValid() {
				continue
			}
			for now := int64(-1); now < 10; now++ {
				var want entry
				found := false
				for _, b := range bans {
					if b.t.Contains(a) && b.e.expires > now && (!found || b.e.expires > want.expires) {
						want, found = b.e, true
					}
				}
				got, ok := ix.lookup(keyOf(ipaddr.Key(a)), now)
				if ok != found || (found && got.expires != want.expires) {
					t.Fatalf("round %d: lookup(%s, now=%d) = %+v %v, want %+v %v", round, a, now, got, ok, want, found)
				}
				if ok {
					tg, _ := ipaddr.Parse(got.target)
					if !tg.Contains(a) {
						t.Fatalf("round %d: %s reported blocked by %s", round, a, got.target)
					}
				}
			}
		}
	}
}

// openWithTimeout opens path with a short busy timeout, to reach the retry
// paths quickly.
func openWithTimeout(t *testing.T, path string, shared bool, timeout time.Duration) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{
		Path: path, Shared: shared, Clock: clock.NewFixed(storetest.Epoch), BusyTimeout: timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// hold runs fn inside a transaction on other, begun with begin, keeps it open
// for d, then ends it. It returns once the lock is held.
func hold(t *testing.T, other *store.DB, begin string, d time.Duration) <-chan error {
	t.Helper()
	locked, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- other.Connection(func(c *gorm.DB) error {
			if err := c.Exec(begin).Error; err != nil {
				close(locked)
				return err
			}
			var n int64
			if err := c.Raw(`SELECT count(*) FROM bans`).Scan(&n).Error; err != nil {
				close(locked)
				return err
			}
			close(locked)
			time.Sleep(d)
			return c.Exec("COMMIT").Error
		})
	}()
	<-locked
	return done
}

func TestWriteRetriesWhileAnotherWriterHoldsTheLock(t *testing.T) {
	storetest.SQLiteOnly(t)
	for _, shared := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "b.db")
		db := openWithTimeout(t, path, shared, 30*time.Millisecond)
		other := openWithTimeout(t, path, shared, 30*time.Millisecond)
		svc := New(db, nil)
		done := hold(t, other, "BEGIN IMMEDIATE", 400*time.Millisecond)
		start := time.Now()
		b, err := svc.BanIP(t.Context(), "192.0.2.1", "1h", "")
		if err != nil {
			t.Fatalf("shared=%v: BanIP while locked: %v", shared, err)
		}
		if time.Since(start) < 300*time.Millisecond {
			t.Fatalf("shared=%v: BanIP did not wait for the lock", shared)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got, err := svc.GetBan(t.Context(), b.ID); err != nil || got.Target != "192.0.2.1" {
			t.Fatalf("GetBan = %+v, %v", got, err)
		}
	}
}

// In rollback-journal mode a reader's SHARED lock makes COMMIT itself return
// SQLITE_BUSY, leaving SQLite's transaction open. The service must roll it
// back, retry, and leave the connection usable.
func TestBusyCommitIsRolledBackAndRetried(t *testing.T) {
	storetest.SQLiteOnly(t)
	path := filepath.Join(t.TempDir(), "b.db")
	db := openWithTimeout(t, path, true, 30*time.Millisecond)
	other := openWithTimeout(t, path, true, 30*time.Millisecond)
	svc := New(db, nil)
	done := hold(t, other, "BEGIN", 400*time.Millisecond) // reader keeps SHARED
	b, err := svc.BanIP(t.Context(), "192.0.2.1", "1h", "")
	if err != nil {
		t.Fatalf("BanIP while a reader holds the file: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var n int64
	other.Raw(`SELECT count(*) FROM bans`).Scan(&n)
	if n != 1 || b.ID != 1 {
		t.Fatalf("bans = %d, id %d; want exactly one", n, b.ID)
	}
	// Seen from another connection, so nothing is left uncommitted.
	if _, err := svc.Renew(t.Context(), b.ID, "1d", false, ""); err != nil {
		t.Fatal(err)
	}
	var renewals int
	other.Raw(`SELECT renewals FROM bans WHERE id = ?`, b.ID).Scan(&renewals)
	if renewals != 1 {
		t.Fatalf("renewals seen by another connection = %d", renewals)
	}
}

func TestBusyBeyondBudgetIsUnavailable(t *testing.T) {
	storetest.SQLiteOnly(t)
	path := filepath.Join(t.TempDir(), "b.db")
	db := openWithTimeout(t, path, false, 20*time.Millisecond)
	other := openWithTimeout(t, path, false, 20*time.Millisecond)
	svc := New(db, nil)
	svc.retryPolicy = store.RetryPolicy{Attempts: 4, Budget: 300 * time.Millisecond, First: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
	done := hold(t, other, "BEGIN IMMEDIATE", time.Second)
	_, err := svc.BanIP(t.Context(), "192.0.2.1", "1h", "")
	<-done
	ae := wantAppErr(t, err, apperr.CodeUnavailable, "", store.ErrBusy, "Could not block 192.0.2.1", "locked by another")
	if !errors.Is(ae, store.ErrBusy) {
		t.Fatal("cause lost")
	}
	// Afterwards everything works again.
	if _, err := svc.BanIP(t.Context(), "192.0.2.1", "1h", ""); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContext(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.svc.BanIP(ctx, "192.0.2.1", "1h", "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("BanIP on a canceled context = %v", err)
	}
	// The connection is still fine.
	f.ban("192.0.2.1", "1h", "")
}
