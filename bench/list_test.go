package bench_test

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// TestListMatchesPlainSQL checks that every shape contacts.List picks (the
// trigram index, the walks down the date index and their fall-backs, the
// blocked-only spans) returns exactly what the plain one-statement query
// returns: the same total and the same ids in the same order. The data is
// big enough (3,000 contacts) to leave the "few matches" path.
func TestListMatchesPlainSQL(t *testing.T) {
	ctx := context.Background()
	epoch := time.Date(2026, 1, 31, 14, 3, 0, 0, time.UTC)
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(t.TempDir(), "l.db"), Clock: clock.NewFixed(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	cs := listData(epoch)
	st := contacts.New(db)
	if err := st.Insert(ctx, cs); err != nil {
		t.Fatal(err)
	}
	day := int64(24 * time.Hour / time.Millisecond)
	now := epoch.UnixMilli()
	// Bans: A lasts 30 days and covers the oldest quarter of the contacts;
	// the others last one day and nest (a /24 twice and a single inside a
	// /16, a single inside an IPv6 /48); plus expired and removed ones.
	for _, b := range []struct {
		target  string
		expires int64
		removed bool
	}{
		{"10.9.0.0/16", now + 30*day, false},
		{"10.1.0.0/16", now + day, false},
		{"10.1.3.0/24", now + day, false},
		{"10.1.3.0/24", now + day, false},
		{"10.1.3.7", now + day, false},
		{"2001:db8:1::/48", now + day, false},
		{"2001:db8:1::100", now + day, false},
		{"198.51.100.0/24", now - day, false},
		{"198.51.100.9", now + day, true},
	} {
		addBan(t, db, b.target, now-day, b.expires, b.removed)
	}

	searches := []string{"", "ana", "ANA", "zo", "oldtimer", "müller", "MÜLLER", "k", "ſ", "%", "50%", "_", "e_c",
		`\`, `"`, `a"b`, "10.1.3", "2001:db8", "::1", "user1@", "nobody-at-all", "İ", "i̇"}
	pages := []int{1, 2, 37, 400}
	if raceDetector {
		// The race detector makes the pure-Go SQLite ~20× slower: one query
		// per path of List (make test runs this), the full matrix without.
		searches, pages = []string{"", "ana", "oldtimer", "müller", "50%", `a"b`, "zo"}, []int{1, 25}
	}
	at := []time.Time{epoch, epoch.Add(48 * time.Hour)} // at +2 days only ban A is active: blocked contacts are all old
	n := 0
	check := func(q contacts.Query) {
		t.Helper()
		n++
		got, err := st.List(ctx, q)
		if err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		wantIDs, wantTotal := plainList(t, db, q)
		if got.Total != wantTotal || !slices.Equal(pageIDs(got.Items), wantIDs) {
			t.Errorf("List(search=%q blocked=%v at=%v sort=%s desc=%v page=%d size=%d agent=%q):\n total %d ids %v\n want %d ids %v",
				q.Search, q.BlockedOnly, q.BlockedAt, q.Sort, q.Desc, q.Page, q.PageSize, q.Agent,
				got.Total, pageIDs(got.Items), wantTotal, wantIDs)
		}
	}
	for _, s := range searches {
		for _, page := range pages {
			check(contacts.Query{Search: s, Page: page})
			if !raceDetector {
				check(contacts.Query{Search: s, Page: page, Sort: "startedAt", Desc: false})
			}
		}
		check(contacts.Query{Search: s, Sort: "visitorName", Desc: true, PageSize: 7, Page: 3})
		if !raceDetector {
			check(contacts.Query{Search: s, Agent: "Ben", PageSize: 500})
		}
	}
	blockedPages := []int{1, 2, 26, 27, 100, 1000}
	if raceDetector {
		blockedPages = []int{1, 27}
	}
	for _, a := range at {
		a := a
		for _, page := range blockedPages {
			check(contacts.Query{BlockedOnly: true, BlockedAt: &a, Page: page})
			check(contacts.Query{BlockedOnly: true, BlockedAt: &a, Page: page, Sort: "startedAt", Desc: false})
		}
		check(contacts.Query{BlockedOnly: true, BlockedAt: &a, Sort: "ip", Desc: true})
		check(contacts.Query{BlockedOnly: true, BlockedAt: &a, Search: "ana"})
		if !raceDetector {
			check(contacts.Query{BlockedOnly: true, BlockedAt: &a, PageSize: 500, Page: 2})
			check(contacts.Query{BlockedOnly: true, BlockedAt: &a, Agent: "Alice", PageSize: 50})
		}
	}
	// Two bans that overlap without nesting (not CIDR blocks; the app never
	// writes such rows) must still be counted once.
	addRawBan(t, db, netip.MustParseAddr("10.0.255.0"), netip.MustParseAddr("10.1.0.255"), now+day)
	addRawBan(t, db, netip.MustParseAddr("10.1.255.0"), netip.MustParseAddr("10.2.0.255"), now+day)
	for _, page := range []int{1, 3} {
		check(contacts.Query{BlockedOnly: true, BlockedAt: &at[0], Page: page})
	}
	t.Logf("%d queries compared", n)
}

func pageIDs(items []contacts.Contact) []int64 {
	out := make([]int64, len(items))
	for i, c := range items {
		out[i] = c.ID
	}
	return out
}

// plainList is the report query as one plain statement: LIKE for the
// search, an IN over the bans join for blocked-only.
func plainList(t *testing.T, db *store.DB, q contacts.Query) ([]int64, int64) {
	t.Helper()
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	var conds []string
	var args []any
	if q.Search != "" {
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		p := "%" + r.Replace(strings.ToLower(q.Search)) + "%"
		conds = append(conds, `(lower(visitor_name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR ip LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p)
	}
	if q.Agent != "" {
		conds, args = append(conds, "agent = ?"), append(args, q.Agent)
	}
	if q.BlockedOnly {
		conds = append(conds, `id IN (SELECT c.id FROM bans b CROSS JOIN contacts c
			WHERE b.removed_at IS NULL AND b.expires_at > ? AND c.ip_key BETWEEN b.lo AND b.hi)`)
		args = append(args, q.BlockedAt.UnixMilli())
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int64
	if err := db.Raw("SELECT count(*) FROM contacts"+where, args...).Scan(&total).Error; err != nil {
		t.Fatal(err)
	}
	cols := map[string]string{"startedAt": "started_at", "visitorName": "visitor_name", "ip": "ip_key"}
	dir := "ASC"
	if q.Desc {
		dir = "DESC"
	}
	var ids []int64
	if err := db.Raw("SELECT id FROM contacts"+where+" ORDER BY "+cols[q.Sort]+" "+dir+", id "+dir+" LIMIT ? OFFSET ?",
		append(args, q.PageSize, (q.Page-1)*q.PageSize)...).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, total
}

func addBan(t *testing.T, db *store.DB, target string, created, expires int64, removed bool) {
	t.Helper()
	tg, err := ipaddr.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := tg.Lo(), tg.Hi()
	var rm any
	if removed {
		rm = created + 1
	}
	if err := db.Exec(`INSERT INTO bans(target, is_range, lo, hi, period, created_by, created_at, expires_at, removed_at)
		VALUES (?, ?, ?, ?, '1d', 'test', ?, ?, ?)`, tg.String(), tg.IsRange, lo[:], hi[:], created, expires, rm).Error; err != nil {
		t.Fatal(err)
	}
}

func addRawBan(t *testing.T, db *store.DB, lo, hi netip.Addr, expires int64) {
	t.Helper()
	l, h := lo.As16(), hi.As16()
	if err := db.Exec(`INSERT INTO bans(target, is_range, lo, hi, period, created_by, created_at, expires_at)
		VALUES ('raw', 1, ?, ?, '1d', 'test', 0, ?)`, l[:], h[:], expires).Error; err != nil {
		t.Fatal(err)
	}
}

// listData is 3,000 contacts, oldest first, three to a timestamp (ties
// broken by id). Three visitors in four are Anas; the oldest 1,100 are
// "Oldtimer"s from 10.9.0.0/16; names and mails carry LIKE wildcards,
// quotes, backslashes and letters whose case folds outside ASCII.
func listData(epoch time.Time) []contacts.Contact {
	special := []string{"100% Real", "snake_case", "snakeXcase", `Back\slash`, `Quote "Q" Man`, "Zoé Müller",
		"ZOÉ MÜLLER", "Kelvin \u212a", "Long \u017ft", "İstanbul Ñandú", "Carla 50%off", "mixed Ana\"b"}
	agents := []string{"Alice", "Ben", "Chiara", ""}
	out := make([]contacts.Contact, 3000)
	for i := range out {
		c := contacts.Contact{
			StartedAt: epoch.Add(-time.Duration(3000-i/3) * time.Minute),
			Agent:     agents[i%len(agents)],
			Email:     fmt.Sprintf("user%d@example.com", i%97),
		}
		switch {
		case i < 1100:
			c.VisitorName = fmt.Sprintf("Oldtimer %d", i)
			c.IP = netip.AddrFrom4([4]byte{10, 9, byte(i / 250), byte(1 + i%250)}).String()
		case i%3 == 0:
			c.IP = netip.AddrFrom4([4]byte{10, 1, byte(i % 50), byte(1 + i%200)}).String()
		case i%3 == 1:
			c.IP = fmt.Sprintf("2001:db8:1::%x", i%300)
		default:
			c.IP = netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + i%250)}).String()
		}
		if c.VisitorName == "" {
			switch {
			case i%4 != 1:
				c.VisitorName = fmt.Sprintf("Ana %d", i)
			case i%11 == 0:
				c.VisitorName = special[i%len(special)]
			default:
				c.VisitorName = fmt.Sprintf("Visitor %d", i)
			}
		}
		if i%13 == 0 {
			c.Email = "promo_50%@example.com"
		}
		out[i] = c
	}
	return out
}
