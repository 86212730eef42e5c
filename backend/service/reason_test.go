package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/service"
)

// A renewal and an unban may say why; the reason is trimmed, kept with its
// event, returned by the history and shown in the audit trail. Too long a
// reason is refused with a field error and changes nothing.
func TestRenewAndUnbanRecordTheirReasonInTheHistory(t *testing.T) {
	svc, _, clk := fresh(t)
	desk := actor.With(context.Background(), actor.Actor{Source: actor.Desktop})
	b, err := svc.BanIP(desk, "192.0.2.61", "1d", "Insulted agent Ben")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)

	long := strings.Repeat("é", bans.MaxReason+1)
	_, err = svc.Renew(desk, b.ID, "1w", false, long)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || ae.Field != "reason" || !errors.Is(err, bans.ErrInvalidReason) ||
		!strings.Contains(ae.Message, "the limit is 500") {
		t.Fatalf("renew with a %d-character reason: %#v", bans.MaxReason+1, err)
	}
	if _, err := svc.Unban(desk, b.ID, long); !errors.As(err, &ae) || ae.Field != "reason" {
		t.Fatalf("unban with a too long reason: %v", err)
	}
	if _, err := svc.Unban(desk, b.ID, "a\x00b"); !errors.As(err, &ae) || ae.Field != "reason" {
		t.Fatalf("unban with a NUL in the reason: %v", err)
	}
	if g, _ := svc.GetBan(desk, b.ID); g.Status != bans.StatusActive || g.Renewals != 0 {
		t.Fatalf("refused reasons changed the ban: %+v", g)
	}

	// Exactly the limit is fine, and surrounding blanks go.
	if _, err := svc.Renew(desk, b.ID, "1w", false, "  Came back with a new name \n"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := svc.Renew(desk, b.ID, "1mo", false, ""); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	atLimit := strings.Repeat("é", bans.MaxReason)
	res, err := svc.Unban(desk, b.ID, atLimit)
	if err != nil || res.AlreadyRemoved {
		t.Fatalf("unban: %+v, %v", res, err)
	}

	hist, err := svc.BanHistory(desk, "192.0.2.61")
	if err != nil {
		t.Fatal(err)
	}
	type ev struct{ kind, reason, notes string }
	var got []ev
	for _, e := range hist {
		got = append(got, ev{e.Kind, e.Reason, e.Notes})
	}
	want := []ev{
		{bans.EventUnbanned, atLimit, ""},
		{bans.EventRenewed, "", ""},
		{bans.EventRenewed, "Came back with a new name", ""},
		{bans.EventBanned, "", "Insulted agent Ben"},
	}
	if len(got) != len(want) {
		t.Fatalf("history = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	// Undo keeps working after an unban with a reason: the same ban and
	// notes are back; the reason stays with the unban.
	restored, err := svc.RestoreBan(desk, b.ID)
	if err != nil || restored.Status != bans.StatusActive || restored.Notes != "Insulted agent Ben" {
		t.Fatalf("restore: %+v, %v", restored, err)
	}
	hist, _ = svc.BanHistory(desk, "192.0.2.61")
	if hist[0].Kind != bans.EventRestored || hist[0].Reason != "" || hist[1].Reason != atLimit {
		t.Fatalf("history after restore: %+v", hist[:2])
	}

	page, err := svc.ListAudit(desk, service.AuditFilter{Kind: bans.EventRenewed})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[1].Detail != "Renewed for 1 week: Came back with a new name" || page.Items[0].Detail != "Renewed for 1 month" {
		t.Fatalf("audit of renewals: %+v", page.Items)
	}
}
