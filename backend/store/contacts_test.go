package store_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"banlist/backend/clock"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// The contacts methods on both engines. The report (ListContacts) is
// checked against the same question answered in Go over every stored
// contact, for every shape of query it plans differently, so that both
// engines are held to one meaning rather than to each other.
func TestContactMethodsOnBothEngines(t *testing.T) {
	onEngines(t, map[string]func(t *testing.T, db *store.DB, clk *clock.Fixed){
		"insert and read": testContactsInsertAndRead,
		"report":          testContactsReport,
		"demo claim":      testDemoClaim,
	})
}

func contactRow(name, email, ip, agent string, startedAt int64) store.Contact {
	key := ipaddr.Key(netip.MustParseAddr(ip))
	return store.Contact{VisitorName: name, Email: email, IP: ip, IPKey: key[:], Channel: "chat", StartedAt: startedAt, Agent: agent}
}

func insertContacts(t *testing.T, db *store.DB, rows []store.Contact) {
	t.Helper()
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.InsertContacts(rows) }); err != nil {
		t.Fatalf("InsertContacts: %v", err)
	}
}

func testContactsInsertAndRead(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	rows := []store.Contact{
		contactRow("Ana", "ana@example.com", "192.0.2.1", "Ben", epochMs),
		contactRow("Bo", "", "2001:db8::1", "", epochMs+1),
		contactRow("Cy", "", "192.0.2.1", "Alice", epochMs+2),
	}
	rows[0].EndedAt, rows[0].Rating, rows[0].ID = ptr(epochMs+5), ptr(4), 99 // a given id is ignored
	insertContacts(t, db, rows)
	if rows[0].ID == 99 || rows[0].ID == 0 || rows[1].ID != rows[0].ID+1 || rows[2].ID != rows[1].ID+1 {
		t.Fatalf("ids %d %d %d, want three in a row from the database", rows[0].ID, rows[1].ID, rows[2].ID)
	}
	got, ok, err := db.GetContact(ctx, rows[0].ID)
	if err != nil || !ok || got.VisitorName != "Ana" || got.Email != "ana@example.com" || !bytes.Equal(got.IPKey, rows[0].IPKey) ||
		got.EndedAt == nil || *got.EndedAt != epochMs+5 || got.Rating == nil || *got.Rating != 4 || got.Channel != "chat" {
		t.Fatalf("GetContact = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := db.GetContact(ctx, 12345); ok || err != nil {
		t.Fatalf("GetContact(unknown) = %v, %v", ok, err)
	}
	if n, err := db.Session(ctx).CountContacts(); n != 3 || err != nil {
		t.Errorf("CountContacts = %d, %v", n, err)
	}
	one := target(t, "192.0.2.1")
	if n, err := db.CountContactsInRange(ctx, one.Lo(), one.Hi()); n != 2 || err != nil {
		t.Errorf("CountContactsInRange(one address) = %d, %v", n, err)
	}
	tg := target(t, "192.0.2.0/24")
	if n, err := db.CountContactsInRange(ctx, tg.Lo(), tg.Hi()); n != 2 || err != nil {
		t.Errorf("CountContactsInRange = %d, %v", n, err)
	}
	if a, err := db.ContactAgents(ctx); !slices.Equal(a, []string{"Alice", "Ben"}) || err != nil {
		t.Errorf("ContactAgents = %q, %v", a, err)
	}
	// A batch JSON cannot carry goes in as bound parameters; only SQLite
	// can store such text.
	odd := []store.Contact{contactRow("nul\x00name", "", "192.0.2.9", "", epochMs)}
	err = db.Write(ctx, func(tx *store.Tx) error { return tx.InsertContacts(odd) })
	if db.Engine == store.Postgres {
		if err == nil {
			t.Error("PostgreSQL stored a NUL")
		}
		return
	}
	if got, ok, _ := db.GetContact(ctx, odd[0].ID); err != nil || !ok || got.VisitorName != "nul\x00name" {
		t.Errorf("row-by-row insert: %v, %+v", err, got)
	}
}

func testDemoClaim(t *testing.T, db *store.DB, _ *clock.Fixed) {
	claim := func() bool {
		var load bool
		if err := db.Write(context.Background(), func(tx *store.Tx) (err error) { load, err = tx.ClaimDemoSeed("now"); return err }); err != nil {
			t.Fatal(err)
		}
		return load
	}
	if !claim() {
		t.Fatal("first claim on an empty database: not told to load")
	}
	if claim() {
		t.Fatal("second claim: told to load again")
	}
	other, _ := engineOpen(t, db)
	insertContacts(t, other, []store.Contact{contactRow("x", "", "192.0.2.1", "", epochMs)})
	var load bool
	if err := other.Write(context.Background(), func(tx *store.Tx) (err error) { load, err = tx.ClaimDemoSeed("now"); return err }); err != nil || load {
		t.Fatalf("claim on a database with contacts = %v, %v", load, err)
	}
}

// engineOpen opens another fresh database on db's engine.
func engineOpen(t *testing.T, db *store.DB) (*store.DB, *clock.Fixed) {
	for _, e := range engines {
		if (e.name == "postgres") == (db.Engine == store.Postgres) {
			return e.open(t)
		}
	}
	t.Fatal("no engine")
	return nil, nil
}

// reportData is 3,000 contacts, oldest first, three to a millisecond (ties
// broken by id): three in four are "Ana"s, the oldest 1,100 "Oldtimer"s
// from 10.9.0.0/16, and some names carry LIKE wildcards, quotes and letters
// whose case folds outside ASCII. It is big enough to leave the "few
// matches" paths.
func reportData() []store.Contact {
	special := []string{"100% Real", "snake_case", `Back\slash`, `Quote "Q"`, "Zoé Müller", "ZOÉ MÜLLER", "Kelvin \u212a", "İstanbul"}
	agents := []string{"Alice", "Ben", "Chiara", ""}
	out := make([]store.Contact, 3000)
	for i := range out {
		var name, ip string
		switch {
		case i < 1100:
			name, ip = fmt.Sprintf("Oldtimer %d", i), netip.AddrFrom4([4]byte{10, 9, byte(i / 250), byte(1 + i%250)}).String()
		case i%3 == 0:
			ip = netip.AddrFrom4([4]byte{10, 1, byte(i % 50), byte(1 + i%200)}).String()
		case i%3 == 1:
			ip = fmt.Sprintf("2001:db8:1::%x", i%300)
		default:
			ip = netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + i%250)}).String()
		}
		if name == "" {
			switch {
			case i%4 != 1:
				name = fmt.Sprintf("Ana %d", i)
			case i%11 == 0:
				name = special[i%len(special)]
			default:
				name = fmt.Sprintf("Visitor %d", i)
			}
		}
		email := fmt.Sprintf("user%d@example.com", i%97)
		if i%13 == 0 {
			email = "promo_50%@example.com"
		}
		out[i] = contactRow(name, email, ip, agents[i%len(agents)], epochMs-int64(3000-i/3)*60_000)
	}
	return out
}

// asciiLower lowers ASCII letters only, as both engines' lower() does here.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// expected answers q over all rows in Go: the total, the page's ids, and
// for a short search how many contacts its window held.
func expected(all []store.Contact, spans [][2][]byte, q store.ContactQuery) (ids []int64, total int64) {
	s := strings.ToLower(q.Search)
	var keep []store.Contact
	for _, c := range all {
		if q.Search != "" && !strings.Contains(asciiLower(c.VisitorName), s) && !strings.Contains(asciiLower(c.Email), s) &&
			!strings.Contains(c.IP, s) {
			continue
		}
		if q.Agent != "" && c.Agent != q.Agent {
			continue
		}
		if q.BlockedOnly && !slices.ContainsFunc(spans, func(sp [2][]byte) bool {
			return bytes.Compare(sp[0], c.IPKey) <= 0 && bytes.Compare(c.IPKey, sp[1]) <= 0
		}) {
			continue
		}
		keep = append(keep, c)
	}
	slices.SortFunc(keep, func(a, b store.Contact) int {
		var c int
		switch q.Sort {
		case store.SortVisitorName:
			c = strings.Compare(a.VisitorName, b.VisitorName)
		case store.SortIP:
			c = bytes.Compare(a.IPKey, b.IPKey)
		default:
			c = int(a.StartedAt - b.StartedAt)
		}
		if c == 0 {
			c = int(a.ID - b.ID)
		}
		if q.Desc {
			return -c
		}
		return c
	})
	for i := q.Offset; i < min(len(keep), q.Offset+q.Limit); i++ {
		ids = append(ids, keep[i].ID)
	}
	return ids, int64(len(keep))
}

func testContactsReport(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	all := reportData()
	insertContacts(t, db, all)
	day := 24 * hour
	// Active at epochMs: a /16 over the oldest contacts, a /16 with a /24
	// twice and an address nested inside, an IPv6 /48 and an address in it.
	// Not active: an expired and a lifted ban.
	var spans [][2][]byte
	for _, b := range []struct {
		target  string
		expires int64
		removed *int64
	}{
		{"10.9.0.0/16", epochMs + 30*day, nil}, {"10.1.0.0/16", epochMs + day, nil}, {"10.1.3.0/24", epochMs + day, nil},
		{"10.1.3.0/24", epochMs + day, nil}, {"10.1.3.7", epochMs + day, nil}, {"2001:db8:1::/48", epochMs + day, nil},
		{"2001:db8:1::100", epochMs + day, nil}, {"198.51.100.0/24", epochMs - day, nil}, {"198.51.100.9", epochMs + day, ptr(epochMs - hour)},
	} {
		fixtureBan(t, db, b.target, "", epochMs-day, b.expires, b.removed)
		if b.expires > epochMs && b.removed == nil {
			tg := target(t, b.target)
			lo, hi := tg.Lo(), tg.Hi()
			spans = append(spans, [2][]byte{lo[:], hi[:]})
		}
	}
	n := 0
	check := func(q store.ContactQuery) {
		t.Helper()
		n++
		if q.Limit == 0 {
			q.Limit = 25
		}
		q.ShortWindow = 1 << 20 // a window bigger than the report: short searches are exact
		got, err := db.ListContacts(ctx, q)
		if err != nil {
			t.Fatalf("ListContacts(%+v): %v", q, err)
		}
		ids := make([]int64, len(got.Rows))
		for i, r := range got.Rows {
			ids[i] = r.ID
		}
		want, total := expected(all, spans, q)
		if got.Total != total || !slices.Equal(ids, want) {
			t.Errorf("ListContacts(search=%q blocked=%v sort=%v desc=%v offset=%d agent=%q):\n total %d ids %v\n want %d ids %v",
				q.Search, q.BlockedOnly, q.Sort, q.Desc, q.Offset, q.Agent, got.Total, ids, total, want)
		}
	}
	for _, s := range []string{"", "ana", "ANA", "zo", "oldtimer", "müller", "MÜLLER", "k", "%", "50%", "_", `\`, `"q"`,
		"10.1.3", "2001:db8", "nobody-at-all"} {
		for _, offset := range []int{0, 25, 900, 2975} {
			check(store.ContactQuery{Search: s, Offset: offset, Desc: true})
			check(store.ContactQuery{Search: s, Offset: offset})
		}
		check(store.ContactQuery{Search: s, Sort: store.SortVisitorName, Desc: true, Limit: 7, Offset: 14})
		check(store.ContactQuery{Search: s, Agent: "Ben", Limit: 500})
	}
	for _, offset := range []int{0, 25, 650, 675, 2500, 25000} {
		check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs, Offset: offset, Desc: true})
		check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs, Offset: offset})
	}
	check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs, Sort: store.SortIP, Desc: true})
	check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs, Search: "ana"})
	check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs, Agent: "Alice", Limit: 50})
	// Two days on only the /16 over the oldest contacts is still active.
	spans = spans[:1]
	check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs + 2*day, Desc: true})
	check(store.ContactQuery{BlockedOnly: true, BlockedAt: epochMs + 2*day, Offset: 1075, Desc: true})
	t.Logf("%d queries compared", n)

	// A short search looks through the window only, in the report's order.
	p, err := db.ListContacts(ctx, store.ContactQuery{Search: "zo", Desc: true, Limit: 25, ShortWindow: 100})
	if err != nil || !p.Partial || p.Scanned != 100 {
		t.Fatalf("short search: partial %v scanned %d, %v", p.Partial, p.Scanned, err)
	}
	want, _ := expected(all[len(all)-100:], nil, store.ContactQuery{Search: "zo", Desc: true, Limit: 25})
	if len(p.Rows) != len(want) || int(p.Total) != len(want) {
		t.Errorf("short search in the newest 100: %d rows, total %d; want %d", len(p.Rows), p.Total, len(want))
	}
}
