package bans

import (
	"testing"
	"time"

	"banlist/backend/apperr"
)

// Undo after Unban: the same ban comes back with its notes and expiry, the
// history says restored, and it lapses at its expiry like any ban.
func TestRestoreBringsBackTheSameBan(t *testing.T) {
	f := newFixture(t)
	b := f.ban("203.0.113.7", "1d", "abusive")
	f.op = "bob"
	if _, err := f.svc.Unban(f.ctx, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(5 * time.Second)
	f.op = "carol"
	r, err := f.svc.Restore(f.ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != b.ID || r.Status != StatusActive || r.Notes != "abusive" || !r.ExpiresAt.Equal(b.ExpiresAt) || r.RemovedAt != nil || r.RemovedBy != "" {
		t.Fatalf("restored = %+v, want ban %+v active again", r, b)
	}
	if c, _ := f.svc.Check(f.ctx, "203.0.113.7"); !c.Blocked || c.BanID != b.ID {
		t.Fatalf("check after restore = %+v", c)
	}
	if n := f.count(`SELECT count(*) FROM ban_events WHERE ban_id = ? AND kind = 'restored' AND actor = 'carol' AND notes = 'abusive'`, b.ID); n != 1 {
		t.Fatalf("restored events = %d", n)
	}
	// Restoring again: nothing to undo.
	_, err = f.svc.Restore(f.ctx, b.ID)
	wantAppErr(t, err, apperr.CodeConflict, "", nil, "nothing to undo")

	// It still lapses at its expiry, and the history derives that.
	f.clk.Advance(25 * time.Hour)
	h, err := f.svc.BanHistory(f.ctx, "203.0.113.7")
	if err != nil || len(h) != 4 || h[0].Kind != EventExpired || h[1].Kind != EventRestored || h[2].Kind != EventUnbanned || h[3].Kind != EventBanned {
		t.Fatalf("history = %+v, %v", h, err)
	}
}

func TestRestoreRefusesWhatCannotComeBack(t *testing.T) {
	f := newFixture(t)
	old := f.ban("198.51.100.1", "1h", "")
	if _, err := f.svc.Unban(f.ctx, old.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(2 * time.Hour)
	_, err := f.svc.Restore(f.ctx, old.ID)
	ae := wantAppErr(t, err, apperr.CodeConflict, "", nil, "would have ended at {expiresAt}", "block the address again")
	if ae.Data.(Ban).ExpiresAt != old.ExpiresAt {
		t.Errorf("data = %+v", ae.Data)
	}

	// Unbanned, then a range covering it was blocked: restoring would duplicate.
	one := f.ban("198.51.100.9", "1d", "")
	if _, err := f.svc.Unban(f.ctx, one.ID, ""); err != nil {
		t.Fatal(err)
	}
	f.ban("198.51.100.0/24", "1d", "")
	_, err = f.svc.Restore(f.ctx, one.ID)
	wantAppErr(t, err, apperr.CodeAlreadyBlocked, "ip", ErrAlreadyBlocked, "part of the range 198.51.100.0/24")

	_, err = f.svc.Restore(f.ctx, 999)
	wantAppErr(t, err, apperr.CodeNotFound, "", ErrNotFound)
}

func TestEditNotesOfAnActiveBan(t *testing.T) {
	f := newFixture(t)
	b := f.ban("203.0.113.7", "1d", "first")
	f.op = "bob"
	got, err := f.svc.EditNotes(f.ctx, b.ID, "first, then threats on 2 Dec")
	if err != nil || got.Notes != "first, then threats on 2 Dec" || got.CreatedBy != "alice" {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	if again, _ := f.svc.GetBan(f.ctx, b.ID); again.Notes != got.Notes {
		t.Fatalf("stored notes = %q", again.Notes)
	}
	if n := f.count(`SELECT count(*) FROM ban_events WHERE ban_id = ? AND kind = 'notes_edited' AND actor = 'bob' AND notes = ?`, b.ID, got.Notes); n != 1 {
		t.Fatalf("notes_edited events = %d", n)
	}
	// The same text again records nothing new.
	if _, err := f.svc.EditNotes(f.ctx, b.ID, got.Notes); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM ban_events WHERE ban_id = ? AND kind = 'notes_edited'`, b.ID); n != 1 {
		t.Fatalf("notes_edited events after no change = %d", n)
	}
	_, err = f.svc.EditNotes(f.ctx, b.ID, "bad\x00byte")
	wantAppErr(t, err, apperr.CodeInvalid, "notes", ErrInvalidNotes)
	// An ended ban keeps its notes.
	f.clk.Advance(25 * time.Hour)
	_, err = f.svc.EditNotes(f.ctx, b.ID, "later")
	wantAppErr(t, err, apperr.CodeConflict, "notes", nil, "no longer active")
}
