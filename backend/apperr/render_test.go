package apperr

import (
	"testing"
	"time"
)

func TestRenderFillsPlaceholdersInUTC(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	e := &Error{Code: CodeShortens, Message: "This shortens the block on {target} from {current} to {proposed}; {unknown} stays.",
		Data: map[string]any{"target": "203.0.113.0/24", "current": time.Date(2026, 12, 8, 11, 0, 0, 0, berlin), "proposed": time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}}
	want := "This shortens the block on 203.0.113.0/24 from 8 Dec 2026 10:00 UTC to 1 Dec 2026 10:00 UTC; {unknown} stays."
	if got := e.Error(); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if plain := (&Error{Message: "No {data} here."}).Error(); plain != "No {data} here." {
		t.Fatalf("without data: %q", plain)
	}
	if Status(CodeShortens) != 409 || Status(CodeMisdirected) != 421 {
		t.Fatal("statuses")
	}
}

// A struct in Data (the ban an already_blocked error carries) fills the
// placeholders named after its JSON fields.
func TestRenderFillsFromAStruct(t *testing.T) {
	type ban struct {
		Target    string    `json:"target"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	e := &Error{Message: "{target} is blocked until {expiresAt}; {other} stays.",
		Data: ban{Target: "203.0.113.0/24", ExpiresAt: time.Date(2026, 12, 2, 14, 3, 0, 0, time.FixedZone("CET", 3600))}}
	if got, want := Render(e), "203.0.113.0/24 is blocked until 2 Dec 2026 13:03 UTC; {other} stays."; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}
