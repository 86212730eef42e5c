package service_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/clock"
	"banlist/backend/service"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// fresh is a service on a new database with its fixed clock and the store.
func fresh(t *testing.T) (*service.Service, *store.DB, *clock.Fixed) {
	t.Helper()
	db, clk := storetest.OpenAt(t, filepath.Join(t.TempDir(), "b.db"), false)
	svc := service.New(context.Background(), db, nil)
	t.Cleanup(func() { _ = svc.Close() })
	return svc, db, clk
}

func wantCode(t *testing.T, err error, code apperr.Code, contains string) {
	t.Helper()
	e := apperr.From(err)
	if err == nil || e.Code != code {
		t.Fatalf("got %v, want code %s", err, code)
	}
	if !strings.Contains(e.Message, contains) {
		t.Fatalf("message %q lacks %q", e.Message, contains)
	}
}

func TestProtectedEntriesRefuseOverlappingBansBothWays(t *testing.T) {
	svc, _, _ := fresh(t)
	ctx := context.Background()
	for _, p := range []struct{ target, notes string }{
		{"203.0.113.0/24", "Head office NAT"},
		{"198.51.100.7", "Partner gateway"},
		{"2001:db8:1::/48", "Chat platform"},
	} {
		if _, err := svc.AddProtected(ctx, p.target, p.notes); err != nil {
			t.Fatalf("protect %s: %v", p.target, err)
		}
	}
	for _, c := range []struct{ ban, entry string }{
		{"203.0.113.7", "203.0.113.0/24"},      // an address inside a protected range
		{"203.0.113.0/24", "203.0.113.0/24"},   // the same range
		{"203.0.113.128/25", "203.0.113.0/24"}, // a range inside it
		{"203.0.0.0/16", "203.0.113.0/24"},     // a range containing it
		{"198.51.100.0/24", "198.51.100.7"},    // a range containing a protected address
		{"198.51.100.7", "198.51.100.7"},       // the address itself
		{"2001:db8:1:2::5", "2001:db8:1::/48"}, // IPv6 inside
		{"2001:db8::/32", "2001:db8:1::/48"},   // IPv6 around
	} {
		_, err := svc.BanIP(ctx, c.ban, "1h", "")
		wantCode(t, err, apperr.CodeProtected, c.entry)
		if !errors.Is(err, bans.ErrProtected) || apperr.From(err).Field != "ip" {
			t.Errorf("ban %s: %v (field %q)", c.ban, err, apperr.From(err).Field)
		}
	}
	if _, err := svc.BanIP(ctx, "203.0.112.255", "1h", ""); err != nil {
		t.Fatalf("the address just below the range: %v", err)
	}
	if _, err := svc.BanIP(ctx, "198.51.100.8", "1h", ""); err != nil {
		t.Fatalf("the neighbour of a protected address: %v", err)
	}
	_, err := svc.AddProtected(ctx, " 198.51.100.7 ", "again")
	wantCode(t, err, apperr.CodeConflict, "already on the never-ban list")
	_, err = svc.AddProtected(ctx, "example.com", "")
	wantCode(t, err, apperr.CodeInvalid, "")

	list, err := svc.ListProtected(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %v %+v", err, list)
	}
	if _, err := svc.RemoveProtected(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.RemoveProtected(ctx, list[0].ID)
	wantCode(t, err, apperr.CodeNotFound, "does not exist")
	if _, err := svc.BanIP(ctx, list[0].Target, "1h", ""); err != nil {
		t.Fatalf("a removed entry still protects %s: %v", list[0].Target, err)
	}
}

func TestProtectingAnAddressListsItsActiveBansAndStopsRenewalAndImport(t *testing.T) {
	svc, _, clk := fresh(t)
	ctx := context.Background()
	inside, _ := svc.BanIP(ctx, "192.0.2.10", "1d", "")
	around, _ := svc.BanIP(ctx, "10.1.0.0/16", "1w", "")
	expired, _ := svc.BanIP(ctx, "192.0.2.11", "1h", "")
	clk.Advance(2 * time.Hour) // the 1-hour ban lapses
	other, _ := svc.BanIP(ctx, "192.0.3.1", "1d", "")

	res, err := svc.AddProtected(ctx, "192.0.2.0/24", "Office")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Overlapping) != 1 || res.Overlapping[0].ID != inside.ID {
		t.Fatalf("overlapping = %+v, want only ban #%d", res.Overlapping, inside.ID)
	}
	res, err = svc.AddProtected(ctx, "10.1.2.3", "Printer")
	if err != nil || len(res.Overlapping) != 1 || res.Overlapping[0].ID != around.ID {
		t.Fatalf("a protected address inside an active range ban: %v %+v", err, res.Overlapping)
	}

	_, err = svc.Renew(ctx, inside.ID, "1w", true, "")
	wantCode(t, err, apperr.CodeProtected, "192.0.2.0/24")
	_, err = svc.Renew(ctx, expired.ID, "1h", true, "")
	wantCode(t, err, apperr.CodeProtected, "192.0.2.0/24")
	_, err = svc.Renew(ctx, around.ID, "1d", true, "")
	wantCode(t, err, apperr.CodeProtected, "10.1.2.3")
	if _, err := svc.Renew(ctx, other.ID, "1w", true, ""); err != nil {
		t.Fatalf("renewing an unprotected ban: %v", err)
	}
	// Lifting the listed ban is an ordinary unban.
	if _, err := svc.Unban(ctx, inside.ID, ""); err != nil {
		t.Fatal(err)
	}

	imp, err := svc.ImportBans(ctx, "ip,period,notes\n192.0.2.99,1h,spam\n198.51.100.1,1h,ok\n10.1.2.0/24,1d,range\n")
	if err != nil {
		t.Fatal(err)
	}
	if imp.Imported != 1 || len(imp.Rejected) != 2 {
		t.Fatalf("import: %+v", imp)
	}
	if imp.Rejected[0].Line != 2 || !strings.Contains(imp.Rejected[0].Message, "192.0.2.0/24") ||
		!strings.Contains(imp.Rejected[1].Message, "10.1.2.3") {
		t.Fatalf("rejections do not name the entries: %+v", imp.Rejected)
	}
}

func TestAgentTokenMayBanBrieflyAndNothingMore(t *testing.T) {
	svc, _, _ := fresh(t)
	sup := context.Background()
	agent := actor.With(sup, actor.Actor{Name: "Console of Ana", Source: actor.Token, Role: actor.RoleAgent})

	b, err := svc.BanIP(agent, "192.0.2.1", "1d", "abusive")
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedBy != "Console of Ana" {
		t.Fatalf("created by %q, want the token's name", b.CreatedBy)
	}
	if _, err := svc.BanIP(agent, "192.0.2.2", "1h", ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"1w", "1mo"} {
		_, err := svc.BanIP(agent, "192.0.2.3", p, "")
		wantCode(t, err, apperr.CodeForbidden, "1 hour or 1 day only")
	}
	_, err = svc.Renew(agent, b.ID, "1h", true, "")
	wantCode(t, err, apperr.CodeForbidden, "renew")
	_, err = svc.Unban(agent, b.ID, "")
	wantCode(t, err, apperr.CodeForbidden, "remove")
	_, err = svc.ImportBans(agent, "192.0.2.9,1h,\n")
	wantCode(t, err, apperr.CodeForbidden, "import")
	_, err = svc.AddProtected(agent, "192.0.2.50", "")
	wantCode(t, err, apperr.CodeForbidden, "never-ban")
	_, err = svc.AddToken(agent, "mine", "supervisor")
	wantCode(t, err, apperr.CodeForbidden, "tokens")
	_, err = svc.ListAudit(agent, service.AuditFilter{})
	wantCode(t, err, apperr.CodeForbidden, "audit")

	// The supervisor's unban is recorded under the operator, the ban under the token.
	res, err := svc.Unban(sup, b.ID, "")
	if err != nil || res.Ban.RemovedBy == "Console of Ana" || res.Ban.RemovedBy == "" {
		t.Fatalf("unban: %v, removed by %q", err, res.Ban.RemovedBy)
	}
	hist, err := svc.BanHistory(sup, "192.0.2.1")
	if err != nil || hist[len(hist)-1].Actor != "Console of Ana" {
		t.Fatalf("history: %v %+v", err, hist)
	}
}

// A carrier's whole NAT pool (a /10, broader than any ban may be) can be
// protected, and then covers every address in it.
func TestABroadRangeCanBeProtected(t *testing.T) {
	svc, _, _ := fresh(t)
	ctx := context.Background()
	if _, err := svc.AddProtected(ctx, "100.64.0.0/10", "Carrier-grade NAT of our mobile partner"); err != nil {
		t.Fatalf("protect a /10: %v", err)
	}
	_, err := svc.BanIP(ctx, "100.100.1.2", "1d", "")
	wantCode(t, err, apperr.CodeProtected, "100.64.0.0/10")
	if _, err := svc.BanIP(ctx, "100.128.0.1", "1d", ""); err != nil {
		t.Fatalf("an address just outside the /10 is refused: %v", err)
	}
	_, err = svc.AddProtected(ctx, "0.0.0.0/0", "")
	wantCode(t, err, apperr.CodeInvalid, "at most /8")
}
