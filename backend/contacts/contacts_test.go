package contacts_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
)

// newStore returns a contacts store on a fresh test database.
func newStore(t testing.TB) *contacts.Store {
	t.Helper()
	db, _ := storetest.Open(t)
	return contacts.New(db)
}

func ptr[T any](v T) *T { return &v }

// listFixture is a small report with ties, special characters and both IP
// families, so that every filter and sort key has something to tell apart.
func listFixture(base time.Time) []contacts.Contact {
	names := []string{"Ana Silva", "100% Real", "snake_case", "snakeXcase", "Bruno Rossi", "ana silva", "Zoé Müller",
		"Back\\slash", "", "Carla 50%off", "Diego", "Elena"}
	agents := []string{"Alice", "Ben", "Alice", "Chiara", "Ben", ""}
	ips := []string{"192.0.2.10", "10.0.0.1", "2001:db8::1", "198.51.100.7", "::1", "192.0.2.9", "203.0.113.200",
		"2001:db8::ff", "1.2.3.4", "192.0.2.10", "fe80::1", "255.255.255.255"}
	out := make([]contacts.Contact, len(names))
	for i, n := range names {
		c := contacts.Contact{
			VisitorName: n,
			Email:       fmt.Sprintf("user%d@example.com", i%5),
			IP:          ips[i],
			Channel:     []string{"chat", "web", "mobile"}[i%3],
			StartedAt:   base.Add(time.Duration(i%7) * time.Hour),
			DurationSec: int64((i * 37) % 11),
			Agent:       agents[i%len(agents)],
			Department:  []string{"Sales", "Support", "Billing", "Technical"}[i%4],
			Messages:    int64(i % 4),
			Country:     []string{"PT", "DE", "", "IT"}[i%4],
		}
		if i%2 == 0 {
			c.Rating = ptr(int64(i%5 + 1))
		}
		out[i] = c
	}
	out[5].Email = "promo_50%@example.com"
	return out
}

func seedList(t *testing.T, e engine) (*contacts.Store, []contacts.Contact) {
	t.Helper()
	s := e.store(t)
	cs := listFixture(storetest.Epoch.Add(-24 * time.Hour))
	if err := s.Insert(context.Background(), cs); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	return s, cs
}

func list(t *testing.T, s *contacts.Store, q contacts.Query) contacts.Page {
	t.Helper()
	p, err := s.List(context.Background(), q)
	if err != nil {
		t.Fatalf("List(%+v): %v", q, err)
	}
	return p
}

func names(items []contacts.Contact) []string {
	out := make([]string, len(items))
	for i, c := range items {
		out[i] = c.VisitorName
	}
	slices.Sort(out)
	return out
}

func ids(items []contacts.Contact) []int64 {
	out := make([]int64, len(items))
	for i, c := range items {
		out[i] = c.ID
	}
	return out
}

func TestInsertNormalizesAndGetReturnsIt(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		ctx := context.Background()
		ended := storetest.Epoch.Add(5 * time.Minute)
		cs := []contacts.Contact{
			{VisitorName: "Mapped", IP: " ::ffff:192.0.2.1 ", StartedAt: storetest.Epoch, EndedAt: &ended, DurationSec: 300, Rating: ptr(int64(4))},
			{VisitorName: "Upper", IP: "2001:DB8::1", StartedAt: storetest.Epoch, Channel: "web"},
		}
		if err := s.Insert(ctx, cs); err != nil {
			t.Fatal(err)
		}
		if cs[0].ID == 0 || cs[1].ID == 0 || cs[0].IP != "192.0.2.1" || cs[1].IP != "2001:db8::1" {
			t.Fatalf("ids and normalized IPs not written back: %+v", cs)
		}
		got, err := s.Get(ctx, cs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := cs[0]
		want.Channel = "chat" // the default
		if got.IP != want.IP || got.Channel != "chat" || !got.StartedAt.Equal(want.StartedAt) ||
			got.EndedAt == nil || !got.EndedAt.Equal(ended) || got.Rating == nil || *got.Rating != 4 || got.DurationSec != 300 {
			t.Fatalf("Get = %+v, want %+v", got, want)
		}
		if n, _ := s.CountByIP(ctx, "192.0.2.1"); n != 1 {
			t.Fatalf("CountByIP = %d, want 1", n)
		}
	})
}

func TestInsertIsAllOrNothing(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		ctx := context.Background()
		err := s.Insert(ctx, []contacts.Contact{
			{IP: "192.0.2.1", StartedAt: storetest.Epoch},
			{IP: "fe80::1%eth0", StartedAt: storetest.Epoch},
		})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || ae.Field != "ip" {
			t.Fatalf("Insert with a zoned IP = %v, want invalid ip", err)
		}
		if n, _ := s.Count(ctx); n != 0 {
			t.Fatalf("%d contacts stored after a failed Insert, want 0", n)
		}
	})
}

func TestGetUnknownIsNotFound(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		_, err := s.Get(context.Background(), 42)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.CodeNotFound || !errors.Is(err, contacts.ErrNotFound) {
			t.Fatalf("Get(42) = %v, want not_found wrapping ErrNotFound", err)
		}
		if !strings.Contains(ae.Message, "42") {
			t.Errorf("message %q does not name the id", ae.Message)
		}
	})
}

func TestListSearch(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, _ := seedList(t, e)
		for _, tc := range []struct {
			search string
			want   []string
		}{
			{"ana", []string{"Ana Silva", "ana silva"}},               // case-insensitive
			{"  ANA SILVA ", []string{"Ana Silva", "ana silva"}},      // trimmed
			{"%", []string{"100% Real", "Carla 50%off", "ana silva"}}, // literal %, also in the email
			{"0%", []string{"100% Real", "Carla 50%off", "ana silva"}},
			{"e_c", []string{"snake_case"}},            // _ is not a wildcard
			{"_", []string{"ana silva", "snake_case"}}, // ana silva's email has one
			{`k\s`, []string{`Back\slash`}},            // backslash is literal too
			{"müller", []string{"Zoé Müller"}},
			{"user3@", []string{"", "snakeXcase"}},                // email
			{"2001:db8::", []string{"Back\\slash", "snake_case"}}, // ip
			{"192.0.2.1", []string{"Ana Silva", "Carla 50%off"}},
			{"nobody", []string{}},
		} {
			p := list(t, s, contacts.Query{Search: tc.search, PageSize: contacts.MaxPageSize})
			if got := names(p.Items); !slices.Equal(got, tc.want) || p.Total != int64(len(tc.want)) {
				t.Errorf("search %q = %q (total %d), want %q", tc.search, got, p.Total, tc.want)
			}
		}
	})
}

func TestListAgentAndDateRange(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, cs := seedList(t, e)
		p := list(t, s, contacts.Query{Agent: "Alice", PageSize: contacts.MaxPageSize})
		for _, c := range p.Items {
			if c.Agent != "Alice" {
				t.Errorf("agent filter let %q through", c.Agent)
			}
		}
		if want := countWhere(cs, func(c contacts.Contact) bool { return c.Agent == "Alice" }); p.Total != want || len(p.Items) != int(want) {
			t.Errorf("agent Alice: %d items, total %d; want %d", len(p.Items), p.Total, want)
		}

		base := storetest.Epoch.Add(-24 * time.Hour)
		from, to := base.Add(2*time.Hour), base.Add(4*time.Hour) // From inclusive, To exclusive
		p = list(t, s, contacts.Query{From: &from, To: &to, PageSize: contacts.MaxPageSize})
		want := countWhere(cs, func(c contacts.Contact) bool { return !c.StartedAt.Before(from) && c.StartedAt.Before(to) })
		if p.Total != want || want == 0 {
			t.Errorf("date range: total %d, want %d", p.Total, want)
		}
		for _, c := range p.Items {
			if c.StartedAt.Before(from) || !c.StartedAt.Before(to) {
				t.Errorf("date range let %v through", c.StartedAt)
			}
		}
		p = list(t, s, contacts.Query{From: &from, To: &to, Agent: "Ben", Search: "o", PageSize: contacts.MaxPageSize})
		for _, c := range p.Items {
			if c.Agent != "Ben" || c.StartedAt.Before(from) || !c.StartedAt.Before(to) {
				t.Errorf("combined filters let %+v through", c)
			}
		}

		if _, err := s.List(context.Background(), contacts.Query{From: &to, To: &from}); !isInvalid(err, "to") {
			t.Errorf("To before From: %v, want invalid to", err)
		}
	})
}

func countWhere(cs []contacts.Contact, keep func(contacts.Contact) bool) int64 {
	var n int64
	for _, c := range cs {
		if keep(c) {
			n++
		}
	}
	return n
}

func isInvalid(err error, field string) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Code == apperr.CodeInvalid && ae.Field == field
}

func TestListSortsByEveryKeyBothWays(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, cs := seedList(t, e)
		keys := map[string]func(a, b contacts.Contact) int{
			"startedAt":   func(a, b contacts.Contact) int { return a.StartedAt.Compare(b.StartedAt) },
			"visitorName": func(a, b contacts.Contact) int { return cmp.Compare(a.VisitorName, b.VisitorName) },
			"email":       func(a, b contacts.Contact) int { return cmp.Compare(a.Email, b.Email) },
			"ip": func(a, b contacts.Contact) int {
				ka, kb := netip.MustParseAddr(a.IP).As16(), netip.MustParseAddr(b.IP).As16()
				return bytes.Compare(ka[:], kb[:])
			},
			"agent":       func(a, b contacts.Contact) int { return cmp.Compare(a.Agent, b.Agent) },
			"channel":     func(a, b contacts.Contact) int { return cmp.Compare(a.Channel, b.Channel) },
			"durationSec": func(a, b contacts.Contact) int { return cmp.Compare(a.DurationSec, b.DurationSec) },
		}
		for key, compare := range keys {
			for _, desc := range []bool{false, true} {
				want := slices.Clone(cs)
				slices.SortFunc(want, func(a, b contacts.Contact) int {
					c := cmp.Or(compare(a, b), cmp.Compare(a.ID, b.ID)) // ties: by id, same direction
					if desc {
						return -c
					}
					return c
				})
				p := list(t, s, contacts.Query{Sort: key, Desc: desc, PageSize: contacts.MaxPageSize})
				if !slices.Equal(ids(p.Items), ids(want)) {
					t.Errorf("sort %s desc=%v: ids %v, want %v", key, desc, ids(p.Items), ids(want))
				}
			}
		}
		// Only orders an index serves are offered: an unindexed sort reads every contact.
		for _, key := range []string{"id", "messages", "department", "country"} {
			if _, err := s.List(context.Background(), contacts.Query{Sort: key}); !isInvalid(err, "sort") {
				t.Errorf("sort by %q: %v, want invalid sort", key, err)
			}
		}
		// The default order is newest first.
		p := list(t, s, contacts.Query{PageSize: contacts.MaxPageSize})
		if !slices.IsSortedFunc(p.Items, func(a, b contacts.Contact) int { return -a.StartedAt.Compare(b.StartedAt) }) {
			t.Error("default order is not newest first")
		}
	})
}

func TestListPaging(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		cs := make([]contacts.Contact, 23)
		for i := range cs {
			cs[i] = contacts.Contact{IP: "192.0.2.1", StartedAt: storetest.Epoch.Add(-time.Duration(i) * time.Minute)}
		}
		if err := s.Insert(context.Background(), cs); err != nil {
			t.Fatal(err)
		}
		var seen []int64
		for page, wantLen := range map[int]int{1: 10, 2: 10, 3: 3, 4: 0} {
			p := list(t, s, contacts.Query{Page: page, PageSize: 10})
			if len(p.Items) != wantLen || p.Total != 23 || p.Page != page || p.PageSize != 10 {
				t.Errorf("page %d: %d items, total %d, page %d, size %d; want %d items of 23",
					page, len(p.Items), p.Total, p.Page, p.PageSize, wantLen)
			}
			seen = append(seen, ids(p.Items)...)
		}
		slices.Sort(seen)
		if len(slices.Compact(seen)) != 23 {
			t.Errorf("the pages do not cover all 23 contacts exactly once: %v", seen)
		}

		p := list(t, s, contacts.Query{})
		if p.Page != 1 || p.PageSize != contacts.DefaultPageSize || len(p.Items) != 23 {
			t.Errorf("defaults: page %d size %d items %d", p.Page, p.PageSize, len(p.Items))
		}
		if p := list(t, s, contacts.Query{PageSize: contacts.MaxPageSize}); len(p.Items) != 23 {
			t.Errorf("MaxPageSize: %d items", len(p.Items))
		}
		for _, q := range []contacts.Query{
			{PageSize: contacts.MaxPageSize + 1}, {PageSize: -1},
		} {
			if _, err := s.List(context.Background(), q); !isInvalid(err, "pageSize") {
				t.Errorf("page size %d: %v, want invalid pageSize", q.PageSize, err)
			}
		}
		if _, err := s.List(context.Background(), contacts.Query{Page: -1}); !isInvalid(err, "page") {
			t.Errorf("page -1: %v, want invalid page", err)
		}
		if _, err := s.List(context.Background(), contacts.Query{Search: strings.Repeat("x", 201)}); !isInvalid(err, "search") {
			t.Errorf("long search: %v, want invalid search", err)
		}
	})
}

func TestAgents(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, _ := seedList(t, e)
		got, err := s.Agents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Alice", "Ben", "Chiara"}; !slices.Equal(got, want) {
			t.Errorf("Agents = %q, want %q", got, want)
		}
	})
}

// BlockedOnly joins the bans table that package bans owns; its tests cover it.
