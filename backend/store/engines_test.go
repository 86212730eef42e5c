package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"banlist/backend/actor"
	"banlist/backend/clock"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// engines opens a fresh database on each engine: an SQLite file and a
// PostgreSQL database. The store's methods must behave the same on both.
var engines = []struct {
	name string
	open func(testing.TB) (*store.DB, *clock.Fixed)
}{
	{"sqlite", storetest.Open},
	{"postgres", pgtest.Open},
}

// onEngines runs each case against each engine, on a database of its own.
func onEngines(t *testing.T, cases map[string]func(t *testing.T, db *store.DB, clk *clock.Fixed)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			for name, run := range cases {
				t.Run(name, func(t *testing.T) {
					db, clk := e.open(t)
					run(t, db, clk)
				})
			}
		})
	}
}

var epochMs = storetest.Epoch.UnixMilli()

const hour = int64(time.Hour / time.Millisecond)

func target(t *testing.T, s string) ipaddr.Target {
	t.Helper()
	tg, err := ipaddr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// fixtureBan writes a ban and its "banned" event the way package bans does,
// in SQL both engines accept, and returns the ban's id.
func fixtureBan(t *testing.T, db *store.DB, s, notes string, createdAt, expiresAt int64, removedAt *int64) int64 {
	t.Helper()
	tg := target(t, s)
	lo, hi := tg.Lo(), tg.Hi()
	isRange := 0
	if tg.IsRange {
		isRange = 1
	}
	var id int64
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.Gorm().Raw(`INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by, created_at, expires_at, removed_at)
			VALUES (?, ?, ?, ?, '1d', ?, 'sam', ?, ?, ?) RETURNING id`,
			tg.String(), isRange, lo[:], hi[:], notes, createdAt, expiresAt, removedAt).Scan(&id).Error; err != nil {
			return err
		}
		return fixtureEvent(tx, id, tg.String(), "banned", createdAt, &expiresAt)
	})
	if err != nil {
		t.Fatalf("fixture ban %s: %v", s, err)
	}
	return id
}

func fixtureEvent(tx *store.Tx, banID int64, target, kind string, at int64, expires *int64) error {
	return tx.Gorm().Exec(`INSERT INTO ban_events(ban_id, target, kind, actor, at, period, notes, expires_at, source)
		VALUES (?, ?, ?, 'sam', ?, '1d', '', ?, 'desktop')`, banID, target, kind, at, expires).Error
}

func fixtureContact(t *testing.T, db *store.DB, ip, name, email string, startedAt int64) {
	t.Helper()
	key := ipaddr.Key(target(t, ip).Addr())
	if err := db.Exec(`INSERT INTO contacts(visitor_name, email, ip, ip_key, started_at) VALUES (?, ?, ?, ?, ?)`,
		name, email, ip, key[:], startedAt).Error; err != nil {
		t.Fatal(err)
	}
}

func ptr(v int64) *int64 { return &v }

func as(name string) context.Context {
	return actor.With(context.Background(), actor.Actor{Name: name, Source: actor.CLI, Remote: "198.51.100.4"})
}

func TestStoreMethodsOnBothEngines(t *testing.T) {
	onEngines(t, map[string]func(t *testing.T, db *store.DB, clk *clock.Fixed){
		"audit":     testAudit,
		"tokens":    testTokens,
		"bouncers":  testBouncers,
		"protected": testProtected,
		"decisions": testDecisions,
		"history":   testHistory,
		"write":     testWrite,
	})
}

func testAudit(t *testing.T, db *store.DB, clk *clock.Fixed) {
	ctx := context.Background()
	fixtureBan(t, db, "203.0.113.7", "", epochMs-hour, epochMs+hour, nil)
	for i, who := range []string{"Alice", "Émile", "bob"} {
		clk.Set(storetest.Epoch.Add(time.Duration(i) * time.Minute))
		if err := db.Session(as(who)).RecordAudit(store.AuditEntry{Kind: "import", Target: "f.csv", Detail: "Imported."}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Session(ctx).RecordAudit(store.AuditEntry{Kind: "token_added", Target: "x"}); err != nil {
		t.Fatal(err)
	}
	all, n, err := db.ListAudit(ctx, store.AuditQuery{Limit: 10})
	if err != nil || n != 5 || len(all) != 5 {
		t.Fatalf("ListAudit: %d of %d, %v", len(all), n, err)
	}
	// Newest first; at the same millisecond the audit row before the ban event.
	if all[0].Actor != "unknown" || all[len(all)-1].Origin != "ban" || all[len(all)-1].ID != 1 {
		t.Errorf("order: %+v", all)
	}
	if r := all[1]; r.Actor != "bob" || r.Source != actor.CLI || r.Remote != "198.51.100.4" || r.Kind != "import" || r.Detail != "Imported." || r.Origin != "audit" {
		t.Errorf("record: %+v", r)
	}
	for q, want := range map[string]int{"ALI": 1, "li": 1, "émile": 0, "Émile": 1, "%": 0, "o": 2} {
		got, n, err := db.ListAudit(ctx, store.AuditQuery{Actor: q, Limit: 10})
		if err != nil || int(n) != want || len(got) != want {
			t.Errorf("actor %q: %d rows of %d, want %d (%v)", q, len(got), n, want, err)
		}
	}
	page, n, err := db.ListAudit(ctx, store.AuditQuery{Kind: "import", From: epochMs + 30_000, To: epochMs + 10*60_000, Limit: 1, Offset: 1})
	if err != nil || n != 2 || len(page) != 1 || page[0].Actor != "Émile" {
		t.Errorf("kind+time page: %+v of %d, %v", page, n, err)
	}
	kinds, err := db.AuditKinds(ctx)
	if err != nil || strings.Join(kinds, ",") != "banned,import,token_added" {
		t.Errorf("AuditKinds = %v, %v", kinds, err)
	}
}

func testTokens(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	a, err := db.Session(ctx).AddToken(store.Token{Name: "zeta", Role: "check", Hash: "h1", CreatedBy: "sam", CreatedAt: epochMs})
	if err != nil || a.ID == 0 {
		t.Fatalf("AddToken: %+v, %v", a, err)
	}
	if _, err := db.Session(ctx).AddToken(store.Token{Name: "alpha", Role: "agent", Hash: "h2", CreatedBy: "sam", CreatedAt: epochMs}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx).AddToken(store.Token{Name: "zeta", Role: "agent", Hash: "h3", CreatedBy: "sam", CreatedAt: epochMs}); !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Errorf("duplicate name: %v, want ErrDuplicatedKey", err)
	}
	list, err := db.ListTokens(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "alpha" || list[1].LastUsedAt != nil {
		t.Fatalf("ListTokens: %+v, %v", list, err)
	}
	if got, ok, err := db.Session(ctx).TokenByName("zeta"); err != nil || !ok || got != a {
		t.Errorf("TokenByName: %+v %v %v", got, ok, err)
	}
	if _, ok, err := db.TokenByHash(ctx, "nope"); err != nil || ok {
		t.Errorf("TokenByHash of an unknown hash: %v %v", ok, err)
	}
	for _, at := range []int64{epochMs, epochMs + 30_000, epochMs + 61_000} {
		if err := db.TouchToken(ctx, a.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	// The touch 30 s later is within the minute and not written.
	if got, _, _ := db.TokenByHash(ctx, "h1"); got.LastUsedAt == nil || *got.LastUsedAt != epochMs+61_000 {
		t.Errorf("last used %v", got.LastUsedAt)
	}
	if err := db.Session(ctx).DeleteToken(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Session(ctx).TokenByName("zeta"); ok {
		t.Error("deleted token still found")
	}
}

func testBouncers(t *testing.T, db *store.DB, clk *clock.Fixed) {
	ctx := as("sam")
	for _, name := range []string{"gamma", "Beta", "alpha"} {
		if _, err := db.AddBouncer(ctx, name, "k"+name); err != nil {
			t.Fatalf("AddBouncer %s: %v", name, err)
		}
	}
	if _, err := db.AddBouncer(ctx, "BETA", "other"); !errors.Is(err, store.ErrBouncerExists) {
		t.Errorf("name differing in case: %v, want ErrBouncerExists", err)
	}
	if _, err := db.AddBouncer(ctx, "ßeta", "k2"); err != nil {
		t.Errorf("a name equal only under Unicode folding is another name: %v", err)
	}
	list, err := db.ListBouncers(ctx)
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
	}
	if err != nil || strings.Join(names, ",") != "alpha,Beta,gamma,ßeta" {
		t.Fatalf("ListBouncers: %v, %v", names, err)
	}
	b, ok, err := db.BouncerByKeyHash(ctx, "kBeta")
	if err != nil || !ok || b.Name != "Beta" || b.CreatedBy != "sam" || b.CreatedAt != epochMs || b.LastPullAt != nil {
		t.Fatalf("BouncerByKeyHash: %+v %v %v", b, ok, err)
	}
	pull := store.BouncerPull{CursorEvent: 7, CursorAt: epochMs + 5, At: clk.Now().Add(time.Second), Remote: "10.0.0.2", Agent: "cs-firewall-bouncer/v0.0.28"}
	if err := db.SaveBouncerPull(ctx, b.ID, pull); err != nil {
		t.Fatal(err)
	}
	b, _, _ = db.BouncerByKeyHash(ctx, "kBeta")
	if b.CursorEvent != 7 || b.CursorAt != epochMs+5 || b.LastPullAt == nil || *b.LastPullAt != epochMs+1000 || b.LastRemote != "10.0.0.2" || b.LastAgent != pull.Agent {
		t.Errorf("after pull: %+v", b)
	}
	if err := db.DeleteBouncer(ctx, "bEtA"); err != nil {
		t.Fatalf("DeleteBouncer ignoring case: %v", err)
	}
	if err := db.DeleteBouncer(ctx, "beta"); !errors.Is(err, store.ErrNoBouncer) {
		t.Errorf("second delete: %v", err)
	}
	kinds, _, _ := db.ListAudit(ctx, store.AuditQuery{Kind: "bouncer_deleted", Limit: 5})
	if len(kinds) != 1 || kinds[0].Target != "bEtA" || kinds[0].Actor != "sam" {
		t.Errorf("audit of the delete: %+v", kinds)
	}
}

func testProtected(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	add := func(s string) store.Protected {
		tg := target(t, s)
		p, err := db.Session(ctx).AddProtected(store.Protected{Target: tg.String(), IsRange: tg.IsRange, Notes: "office", CreatedBy: "sam", CreatedAt: epochMs}, tg.Lo(), tg.Hi())
		if err != nil {
			t.Fatalf("AddProtected %s: %v", s, err)
		}
		return p
	}
	office := add("192.0.2.0/24")
	single := add("10.1.2.3")
	add("2001:db8::/64")
	list, err := db.ListProtected(ctx)
	if err != nil || len(list) != 3 || list[0].Target != "10.1.2.3" || list[0].IsRange || !list[1].IsRange || list[2].Target != "2001:db8::/64" {
		t.Fatalf("ListProtected in address order: %+v, %v", list, err)
	}
	in := target(t, "192.0.2.77")
	over, err := db.Session(ctx).ProtectedOverlapping(in.Lo(), in.Hi())
	if err != nil || len(over) != 1 || over[0].ID != office.ID {
		t.Errorf("overlapping 192.0.2.77: %+v, %v", over, err)
	}
	wide := target(t, "10.1.0.0/16")
	if over, _ := db.Session(ctx).ProtectedOverlapping(wide.Lo(), wide.Hi()); len(over) != 1 || over[0].ID != single.ID {
		t.Errorf("overlapping 10.1/16: %+v", over)
	}
	if p, ok, err := db.Session(ctx).ProtectedByTarget("192.0.2.0/24"); err != nil || !ok || p != office {
		t.Errorf("ProtectedByTarget: %+v %v %v", p, ok, err)
	}
	if _, err := db.Session(ctx).AddProtected(office, target(t, "192.0.2.0/24").Lo(), target(t, "192.0.2.0/24").Hi()); !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Errorf("same target twice: %v", err)
	}
	active := fixtureBan(t, db, "10.1.2.0/24", "", epochMs-hour, epochMs+hour, nil)
	fixtureBan(t, db, "10.1.2.3", "", epochMs-2*hour, epochMs-hour, nil)          // expired
	fixtureBan(t, db, "10.1.2.4", "", epochMs-hour, epochMs+hour, ptr(epochMs-1)) // removed
	one := target(t, single.Target)
	ids, err := db.Session(ctx).ActiveBanIDsOverlapping(one.Lo(), one.Hi(), epochMs)
	if err != nil || len(ids) != 1 || ids[0] != active {
		t.Errorf("active bans over 10.1.2.3: %v, %v", ids, err)
	}
	if err := db.Session(ctx).DeleteProtected(single.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.Session(ctx).GetProtected(single.ID); ok {
		t.Error("deleted entry still there")
	}
}
