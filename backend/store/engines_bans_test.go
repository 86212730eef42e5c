package store_test

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// The statements of package bans, on both engines.
func TestBanMethodsOnBothEngines(t *testing.T) {
	onEngines(t, map[string]func(t *testing.T, db *store.DB, clk *clock.Fixed){
		"ban rows":     testBanRows,
		"ban list":     testBanList,
		"ban index":    testBanIndex,
		"change stamp": testChangeStamp,
		"lock bans":    testLockBans,
	})
}

// addBan blocks s through the store's methods, as package bans does, and
// returns the row.
func addBan(t *testing.T, db *store.DB, s, notes string, createdAt, expiresAt int64) store.Ban {
	t.Helper()
	tg := target(t, s)
	var b store.Ban
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		b, err = tx.InsertBan(store.Ban{Target: tg.String(), IsRange: tg.IsRange, Period: "1d", Notes: notes,
			CreatedBy: "sam", CreatedAt: createdAt, ExpiresAt: expiresAt}, tg.Lo(), tg.Hi())
		if err != nil {
			return err
		}
		return tx.InsertBanEvent(store.BanEvent{BanID: b.ID, Target: b.Target, Kind: "banned", Actor: "sam",
			At: createdAt, Period: "1d", Notes: notes, ExpiresAt: &expiresAt, Source: "desktop"})
	})
	if err != nil {
		t.Fatalf("add ban %s: %v", s, err)
	}
	return b
}

// los lists the first addresses of every block from /8 (or /16) up to t.
func los(t *testing.T, s string) [][16]byte {
	tg := target(t, s)
	bits := ipaddr.MinBitsIPv6
	if tg.Prefix.Addr().Is4() {
		bits = ipaddr.MinBitsIPv4
	}
	var out [][16]byte
	for l := bits; l <= tg.Prefix.Bits(); l++ {
		lo := netip.PrefixFrom(tg.Prefix.Addr(), l).Masked().Addr().As16()
		if !slices.Contains(out, lo) {
			out = append(out, lo)
		}
	}
	return out
}

func testBanRows(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	wide := addBan(t, db, "203.0.113.0/24", "wide", epochMs-hour, epochMs+3*hour)
	one := addBan(t, db, "203.0.113.7", "one", epochMs-hour, epochMs+hour)
	old := addBan(t, db, "198.51.100.1", "", epochMs-2*hour, epochMs-hour) // expired
	s := db.Session(ctx)
	got, ok, err := s.GetBan(wide.ID)
	if err != nil || !ok || got.Target != "203.0.113.0/24" || !got.IsRange || got.Notes != "wide" || got.RemovedAt != nil ||
		got.ExpiresAt != epochMs+3*hour || got.CreatedBy != "sam" || got.Renewals != 0 {
		t.Fatalf("GetBan: %+v %v %v", got, ok, err)
	}
	if _, ok, err := s.GetBan(999); ok || err != nil {
		t.Errorf("GetBan of a missing id: %v %v", ok, err)
	}
	if rows, err := s.BansByID([]int64{one.ID, old.ID, 999}); err != nil || len(rows) != 2 {
		t.Errorf("BansByID: %+v %v", rows, err)
	}
	// The ban on the address itself comes first, though the range lasts longer.
	c, ok, err := s.CoveringBan("203.0.113.7", los(t, "203.0.113.7"), target(t, "203.0.113.7").Hi(), epochMs, 0)
	if err != nil || !ok || c.ID != one.ID {
		t.Errorf("CoveringBan of 203.0.113.7: %+v %v %v", c, ok, err)
	}
	c, ok, _ = s.CoveringBan("203.0.113.7", los(t, "203.0.113.7"), target(t, "203.0.113.7").Hi(), epochMs, one.ID)
	if !ok || c.ID != wide.ID {
		t.Errorf("CoveringBan except the address's own: %+v %v", c, ok)
	}
	if _, ok, _ := s.CoveringBan("203.0.112.0/23", los(t, "203.0.112.0/23"), target(t, "203.0.112.0/23").Hi(), epochMs, 0); ok {
		t.Error("a /24 does not cover the /23 around it")
	}
	if _, ok, _ := s.CoveringBan("198.51.100.1", los(t, "198.51.100.1"), target(t, "198.51.100.1").Hi(), epochMs, 0); ok {
		t.Error("an expired ban covers nothing")
	}
	if n, ok, err := s.NewerActiveBan("203.0.113.7", old.ID, epochMs); err != nil || !ok || n.ID != one.ID {
		t.Errorf("NewerActiveBan: %+v %v %v", n, ok, err)
	}
	if _, ok, _ := s.NewerActiveBan("203.0.113.7", one.ID, epochMs); ok {
		t.Error("NewerActiveBan found the excepted ban")
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RenewBan(old.ID, "1w", epochMs+7*24*hour); err != nil {
			return err
		}
		if err := tx.RemoveBan(one.ID, epochMs, "kim"); err != nil {
			return err
		}
		return tx.SetBanNotes(wide.ID, "wider")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.GetBan(old.ID); got.Period != "1w" || got.ExpiresAt != epochMs+7*24*hour || got.Renewals != 1 {
		t.Errorf("after RenewBan: %+v", got)
	}
	if got, _, _ := s.GetBan(one.ID); got.RemovedAt == nil || *got.RemovedAt != epochMs || got.RemovedBy != "kim" {
		t.Errorf("after RemoveBan: %+v", got)
	}
	if got, _, _ := s.GetBan(wide.ID); got.Notes != "wider" {
		t.Errorf("after SetBanNotes: %+v", got)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.UnremoveBan(one.ID) }); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.GetBan(one.ID); got.RemovedAt != nil || got.RemovedBy != "" {
		t.Errorf("after UnremoveBan: %+v", got)
	}
	addBan(t, db, "203.0.113.7", "again", epochMs, epochMs+hour)
	events, err := s.BanEventsOfTarget("203.0.113.7")
	if err != nil || len(events) != 2 || events[0].BanID != one.ID || events[1].Notes != "again" ||
		events[0].Source != "desktop" || events[0].ExpiresAt == nil || *events[0].ExpiresAt != epochMs+hour || events[0].At != epochMs-hour {
		t.Errorf("BanEventsOfTarget: %+v %v", events, err)
	}
}

func testBanList(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	a := addBan(t, db, "203.0.113.7", "Spam_bot", epochMs-3*hour, epochMs+48*hour)
	r := addBan(t, db, "203.0.113.0/24", "100% abuse", epochMs-2*hour, epochMs+2*hour)
	x := addBan(t, db, "198.51.100.1", "", epochMs-4*hour, epochMs-hour) // expired
	v6 := addBan(t, db, "2001:db8::1", "spam_BOT é", epochMs-hour, epochMs+hour)
	gone := addBan(t, db, "192.0.2.1", "", epochMs-hour, epochMs+hour)
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.RemoveBan(gone.ID, epochMs, "kim") }); err != nil {
		t.Fatal(err)
	}
	ids := func(rows []store.Ban) []int64 {
		var out []int64
		for _, b := range rows {
			out = append(out, b.ID)
		}
		return out
	}
	for name, tc := range map[string]struct {
		q     store.BanListQuery
		want  []int64
		total int64
	}{
		"active by expiry":  {store.BanListQuery{Status: store.BanListActive}, []int64{v6.ID, r.ID, a.ID}, 3},
		"active desc":       {store.BanListQuery{Status: store.BanListActive, Desc: true}, []int64{a.ID, r.ID, v6.ID}, 3},
		"expiring":          {store.BanListQuery{Status: store.BanListExpiring, Until: epochMs + 24*hour}, []int64{v6.ID, r.ID}, 2},
		"expired":           {store.BanListQuery{Status: store.BanListExpired}, []int64{x.ID}, 1},
		"removed":           {store.BanListQuery{Status: store.BanListRemoved}, []int64{gone.ID}, 1},
		"all by created":    {store.BanListQuery{Status: store.BanListAll, Sort: store.BanListByCreated}, []int64{x.ID, a.ID, r.ID, v6.ID, gone.ID}, 5},
		"all by address":    {store.BanListQuery{Status: store.BanListAll, Sort: store.BanListByAddress}, []int64{gone.ID, x.ID, r.ID, a.ID, v6.ID}, 5},
		"page 2":            {store.BanListQuery{Status: store.BanListAll, Sort: store.BanListByAddress, Limit: 2, Offset: 2}, []int64{r.ID, a.ID}, 5},
		"search ASCII case": {store.BanListQuery{Status: store.BanListAll, Search: "SPAM_BOT"}, []int64{v6.ID, a.ID}, 2},
		"search literal _":  {store.BanListQuery{Status: store.BanListAll, Search: "m_b"}, []int64{v6.ID, a.ID}, 2},
		"search literal %":  {store.BanListQuery{Status: store.BanListAll, Search: "0%"}, []int64{r.ID}, 1},
		"search target":     {store.BanListQuery{Status: store.BanListAll, Search: "203.0.113."}, []int64{r.ID, a.ID}, 2},
		"search non-ASCII":  {store.BanListQuery{Status: store.BanListAll, Search: "É"}, nil, 0},
	} {
		q := tc.q
		q.Now = epochMs
		if q.Limit == 0 {
			q.Limit = 10
		}
		rows, total, err := db.Session(ctx).ListBans(q)
		if err != nil || total != tc.total || !slices.Equal(ids(rows), tc.want) {
			t.Errorf("%s: %v of %d, %v; want %v of %d", name, ids(rows), total, err, tc.want, tc.total)
		}
	}
}

func testBanIndex(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	s := db.Session(ctx)
	if stamp, err := s.BanStamp(); err != nil || stamp != 0 {
		t.Fatalf("BanStamp of an empty database: %d %v", stamp, err)
	}
	a := addBan(t, db, "203.0.113.7", "", epochMs-hour, epochMs+hour)
	r := addBan(t, db, "203.0.113.0/24", "", epochMs-hour, epochMs+hour)
	addBan(t, db, "198.51.100.1", "", epochMs-2*hour, epochMs-hour) // expired
	stamp, err := s.BanStamp()
	if err != nil || stamp != 3 {
		t.Fatalf("BanStamp = %d %v", stamp, err)
	}
	b := addBan(t, db, "203.0.113.8", "", epochMs-hour, epochMs+2*hour)
	var seen []store.BanSpan
	err = s.EachActiveBan(epochMs, func(x store.BanSpan) error {
		x.Lo, x.Hi = slices.Clone(x.Lo), slices.Clone(x.Hi)
		seen = append(seen, x)
		return nil
	})
	slices.SortFunc(seen, func(p, q store.BanSpan) int { return int(p.ID - q.ID) })
	wantLo, wantHi := target(t, "203.0.113.0/24").Lo(), target(t, "203.0.113.0/24").Hi()
	if err != nil || len(seen) != 3 || seen[0].ID != a.ID || seen[1].ID != r.ID || !seen[1].IsRange || seen[0].IsRange ||
		string(seen[1].Lo) != string(wantLo[:]) || string(seen[1].Hi) != string(wantHi[:]) || seen[2].ExpiresAt != epochMs+2*hour || seen[0].Target != "203.0.113.7" {
		t.Fatalf("EachActiveBan: %+v %v", seen, err)
	}
	if ids, err := s.BanIDsChanged(stamp, stamp+1, 10); err != nil || !slices.Equal(ids, []int64{b.ID}) {
		t.Errorf("BanIDsChanged: %v %v", ids, err)
	}
	if ids, _ := s.BanIDsChanged(0, stamp+1, 2); len(ids) != 2 {
		t.Errorf("BanIDsChanged up to a limit of 2: %v", ids)
	}
	spans, err := s.BanSpansByID([]int64{r.ID})
	if err != nil || len(spans) != 1 || !spans[0].IsRange || string(spans[0].Lo) != string(wantLo[:]) {
		t.Errorf("BanSpansByID: %+v %v", spans, err)
	}
	keys := [][16]byte{target(t, "203.0.113.7").Lo(), target(t, "198.51.100.1").Lo(), target(t, "203.0.113.0/24").Lo()}
	singles, err := s.ActiveAddressBans(keys, epochMs)
	if err != nil || len(singles) != 1 || singles[0].ID != a.ID || singles[0].Target != "203.0.113.7" || singles[0].ExpiresAt != epochMs+hour {
		t.Errorf("ActiveAddressBans: %+v %v", singles, err)
	}
	ranges, err := s.ActiveRangeBans(epochMs)
	if err != nil || len(ranges) != 1 || ranges[0].ID != r.ID || string(ranges[0].Hi) != string(wantHi[:]) {
		t.Errorf("ActiveRangeBans: %+v %v", ranges, err)
	}
	if ranges, _ := s.ActiveRangeBans(epochMs + hour); len(ranges) != 0 {
		t.Errorf("a range ending at now is not active: %+v", ranges)
	}
}

// reopen opens db's database a second time, as another process would.
func reopen(t *testing.T, db *store.DB) *store.DB {
	if db.Engine == store.Postgres {
		other, _ := pgtest.OpenDSN(t, db.Path)
		return other
	}
	other, _ := storetest.OpenAt(t, db.Path, db.Shared)
	return other
}

func testChangeStamp(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	other := reopen(t, db)
	before, err := db.ChangeStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := db.ChangeStamp(ctx); again != before {
		t.Errorf("ChangeStamp moved without a write: %d, %d", before, again)
	}
	addBan(t, other, "203.0.113.7", "", epochMs, epochMs+hour)
	if after, err := db.ChangeStamp(ctx); err != nil || after == before {
		t.Errorf("ChangeStamp after another connection's ban: %d → %d, %v", before, after, err)
	}
}

// Two writers that take LockBans run one after the other.
func testLockBans(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	other := reopen(t, db)
	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.LockBans(); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	second := make(chan error, 1)
	go func() {
		second <- other.Write(ctx, func(tx *store.Tx) error { return tx.LockBans() })
	}()
	select {
	case err := <-second:
		t.Fatalf("the second writer did not wait for the first: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// On a shared file ChangeStamp reads the header's counter, which every
// commit moves, this process's own included.
func TestChangeStampOnASharedFile(t *testing.T) {
	path := t.TempDir() + "/shared.db"
	db, _ := storetest.OpenAt(t, path, true)
	other, _ := storetest.OpenAt(t, path, true)
	ctx := context.Background()
	before, err := db.ChangeStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	addBan(t, other, "203.0.113.7", "", epochMs, epochMs+hour)
	if after, err := db.ChangeStamp(ctx); err != nil || after == before {
		t.Errorf("ChangeStamp after another process's ban: %d → %d, %v", before, after, err)
	}
}
