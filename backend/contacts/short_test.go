package contacts_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
)

// Thirty contacts, one a minute, newest last inserted; every third has a
// "q" in its name, and every second is agent A's.
func seedShort(t *testing.T, e engine) (*contacts.Store, []contacts.Contact) {
	t.Helper()
	s := e.store(t)
	cs := make([]contacts.Contact, 30)
	for i := range cs {
		name := fmt.Sprintf("visitor %02d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("quentin %02d", i)
		}
		agent := "B"
		if i%2 == 0 {
			agent = "A"
		}
		cs[i] = contacts.Contact{VisitorName: name, IP: "192.0.2.1", Agent: agent, StartedAt: storetest.Epoch.Add(-time.Duration(30-i) * time.Minute)}
	}
	if err := s.Insert(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	got := list(t, s, contacts.Query{PageSize: contacts.MaxPageSize})
	return s, got.Items // newest first, with ids
}

// inOrder lists the names as the page has them (names sorts them).
func inOrder(items []contacts.Contact) []string {
	out := make([]string, len(items))
	for i, c := range items {
		out[i] = c.VisitorName
	}
	return out
}

func TestShortSearchLooksThroughAWindowInReportOrder(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, newest := seedShort(t, e)
		defer contacts.SetShortWindow(10)()
		match := func(c contacts.Contact) bool { return c.VisitorName[0] == 'q' }

		// Newest first: the window is the ten newest contacts.
		p := list(t, s, contacts.Query{Search: "q", PageSize: 2})
		var want []string
		for _, c := range newest[:10] {
			if match(c) {
				want = append(want, c.VisitorName)
			}
		}
		if !p.Partial || p.Scanned != 10 || p.Total != int64(len(want)) || !slices.Equal(inOrder(p.Items), want[:2]) {
			t.Fatalf("newest first: %q total %d partial %v scanned %d; want %q total %d, partial over 10", inOrder(p.Items), p.Total, p.Partial, p.Scanned, want[:2], len(want))
		}
		p = list(t, s, contacts.Query{Search: "q", PageSize: 2, Page: 2})
		if !slices.Equal(inOrder(p.Items), want[2:min(4, len(want))]) {
			t.Errorf("page 2: %q, want %q", inOrder(p.Items), want[2:min(4, len(want))])
		}
		if p := list(t, s, contacts.Query{Search: "q", PageSize: 2, Page: 9}); len(p.Items) != 0 || p.Total != int64(len(want)) {
			t.Errorf("a page past the matches: %d rows, total %d", len(p.Items), p.Total)
		}

		// By name, A to Z: the window is the first ten names, all "quentin".
		p = list(t, s, contacts.Query{Search: "q", Sort: "visitorName", PageSize: 25})
		if p.Total != 10 || len(p.Items) != 10 || !slices.IsSorted(inOrder(p.Items)) {
			t.Errorf("by name: %q total %d, want the ten quentins in order", names(p.Items), p.Total)
		}

		// With the agent filter the window holds the agent's ten newest.
		p = list(t, s, contacts.Query{Search: "q", Agent: "A", PageSize: 25})
		want = want[:0]
		n := 0
		for _, c := range newest {
			if c.Agent == "A" && n < 10 {
				n++
				if match(c) {
					want = append(want, c.VisitorName)
				}
			}
		}
		if !slices.Equal(inOrder(p.Items), want) || p.Total != int64(len(want)) {
			t.Errorf("agent A: %q, want %q", names(p.Items), want)
		}
	})
}

func TestShortSearchIsExactWhenTheReportFitsTheWindow(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s, all := seedShort(t, e)
		defer contacts.SetShortWindow(100)()
		p := list(t, s, contacts.Query{Search: "q", PageSize: contacts.MaxPageSize})
		if p.Partial || p.Total != 10 || p.Scanned != int64(len(all)) {
			t.Errorf("30 contacts, window 100: total %d partial %v scanned %d; want 10 exact", p.Total, p.Partial, p.Scanned)
		}
		// Three characters or more use the index and scan nothing.
		if p := list(t, s, contacts.Query{Search: "que", PageSize: contacts.MaxPageSize}); p.Partial || p.Scanned != 0 || p.Total != 10 {
			t.Errorf("indexed search: total %d partial %v scanned %d", p.Total, p.Partial, p.Scanned)
		}
	})
}
