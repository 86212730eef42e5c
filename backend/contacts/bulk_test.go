package contacts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
)

// Three bulk statements' worth (the last one partial): every contact gets
// the id of its own row, every field arrives as sent, and the search index
// finds them.
func TestInsertInBulkAssignsEachContactItsRow(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		ctx := context.Background()
		if err := s.Insert(ctx, []contacts.Contact{{VisitorName: "before", IP: "192.0.2.1", StartedAt: storetest.Epoch}}); err != nil {
			t.Fatal(err)
		}
		cs := make([]contacts.Contact, 12_001)
		for i := range cs {
			ended := storetest.Epoch.Add(time.Duration(i) * time.Second)
			cs[i] = contacts.Contact{VisitorName: fmt.Sprintf("Bulk “%d” O'Neil", i), Email: fmt.Sprintf("b%d@example.org", i),
				IP: fmt.Sprintf("2001:db8::%x", i), StartedAt: storetest.Epoch.Add(-time.Duration(i) * time.Second), EndedAt: &ended,
				DurationSec: int64(i), Messages: 3, FirstMessage: "line one\nline two\t\"quoted\" \\ back"}
			if i%2 == 0 {
				r := int64(i % 5)
				cs[i].Rating = &r
			}
		}
		if err := s.Insert(ctx, cs); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 1, 4999, 5000, 9999, 10000, 12000} {
			got, err := s.Get(ctx, cs[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			want := cs[i]
			if got.VisitorName != want.VisitorName || got.Email != want.Email || got.IP != want.IP || got.FirstMessage != want.FirstMessage ||
				!got.StartedAt.Equal(want.StartedAt) || !got.EndedAt.Equal(*want.EndedAt) || got.DurationSec != want.DurationSec ||
				(want.Rating == nil) != (got.Rating == nil) || want.Rating != nil && *got.Rating != *want.Rating || got.Channel != "chat" {
				t.Errorf("contact %d (id %d): got %+v, want %+v", i, cs[i].ID, got, want)
			}
		}
		p := list(t, s, contacts.Query{Search: "bulk “10000”"})
		if p.Total != 1 || p.Items[0].ID != cs[10000].ID {
			t.Errorf("search finds %d contacts, want contact %d", p.Total, cs[10000].ID)
		}
	})
}

// Text that JSON cannot carry byte for byte (invalid UTF-8, NUL) is stored
// as it came, through the row-by-row path.
func TestInsertKeepsTextJSONCannotCarry(t *testing.T) {
	storetest.SQLiteOnly(t) // PostgreSQL refuses such text: TestPostgresRefusesTextItCannotStore
	s := newStore(t)
	ctx := context.Background()
	cs := []contacts.Contact{
		{VisitorName: "ok", IP: "192.0.2.1", StartedAt: storetest.Epoch},
		{VisitorName: "bad \xff byte", IP: "192.0.2.2", StartedAt: storetest.Epoch, FirstMessage: "nul\x00inside"},
	}
	if err := s.Insert(ctx, cs); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, cs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.VisitorName != "bad \xff byte" || got.FirstMessage != "nul\x00inside" {
		t.Errorf("stored %q / %q", got.VisitorName, got.FirstMessage)
	}
}

// PostgreSQL stores no NUL and no invalid UTF-8 in text: such a contact is
// refused with the storage fault's words and nothing of the batch is kept;
// a search for such text finds nothing instead of failing.
func TestPostgresRefusesTextItCannotStore(t *testing.T) {
	s := engines[1].store(t)
	ctx := context.Background()
	for _, bad := range []contacts.Contact{
		{VisitorName: "bad \xff byte", IP: "192.0.2.2", StartedAt: storetest.Epoch},
		{VisitorName: "ok", IP: "192.0.2.2", StartedAt: storetest.Epoch, FirstMessage: "nul\x00inside"},
	} {
		err := s.Insert(ctx, []contacts.Contact{{VisitorName: "ok", IP: "192.0.2.1", StartedAt: storetest.Epoch}, bad})
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.CodeUnavailable || !strings.HasPrefix(ae.Message, "Could not save contacts") {
			t.Errorf("Insert(%q, %q) = %v, want unavailable", bad.VisitorName, bad.FirstMessage, err)
		}
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want nothing stored", n, err)
	}
	if err := s.Insert(ctx, []contacts.Contact{{VisitorName: "ok", IP: "192.0.2.1", StartedAt: storetest.Epoch}}); err != nil {
		t.Fatal(err)
	}
	for _, search := range []string{"\xff", "o\x00", "ok\xff", "ok\x00k"} {
		if p := list(t, s, contacts.Query{Search: search}); p.Total != 0 || len(p.Items) != 0 {
			t.Errorf("search %q: total %d, want 0", search, p.Total)
		}
	}
}
