package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"banlist/backend/actor"
	"banlist/backend/apikey"
	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/service"
)

func TestAuditTrailReadsBanEventsAndOtherChangesNewestFirst(t *testing.T) {
	svc, _, clk := fresh(t)
	desk := actor.With(context.Background(), actor.Actor{Source: actor.Desktop})
	agent := actor.With(context.Background(), actor.Actor{Name: "kiosk-7", Source: actor.Token, Role: actor.RoleAgent})
	cli := actor.With(context.Background(), actor.Actor{Source: actor.CLI})
	step := func() { clk.Advance(time.Minute) }

	b, err := svc.BanIP(desk, "192.0.2.1", "1d", "=cmd|' /C calc'!A0")
	if err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.BanIP(agent, "192.0.2.2", "1h", ""); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.Renew(desk, b.ID, "1w", true, ""); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.AddProtected(desk, "198.51.100.0/24", "Partner"); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.AddToken(cli, "kiosk-8", "agent"); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.ImportBans(desk, "ip,period,notes\n192.0.2.3,1h,\n198.51.100.9,1h,\n"); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := svc.Unban(desk, b.ID, ""); err != nil {
		t.Fatal(err)
	}

	page, err := svc.ListAudit(desk, service.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range page.Items {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "unbanned import banned token_added protected_added renewed banned banned" {
		t.Fatalf("kinds newest first = %s", got)
	}
	if page.Total != 8 {
		t.Fatalf("total %d", page.Total)
	}
	op := svc.Operator()
	imp, tok, agentBan := page.Items[1], page.Items[3], page.Items[6]
	if imp.Actor != op || imp.Source != actor.Desktop || !strings.Contains(imp.Detail, "Imported 1 of 2 lines; 1 refused") {
		t.Errorf("import: %+v", imp)
	}
	if tok.Actor != op || tok.Source != actor.CLI || tok.Target != "kiosk-8" {
		t.Errorf("token: %+v", tok)
	}
	if agentBan.Actor != "kiosk-7" || agentBan.Source != actor.Token || agentBan.Detail != "Blocked for 1 hour" {
		t.Errorf("agent's ban: %+v", agentBan)
	}

	for _, c := range []struct {
		f    service.AuditFilter
		want int64
	}{
		{service.AuditFilter{Actor: "KIOSK"}, 1},
		{service.AuditFilter{Kind: "banned"}, 3},
		{service.AuditFilter{From: ptr(storeEpoch().Add(3 * time.Minute))}, 5},
		{service.AuditFilter{To: ptr(storeEpoch().Add(time.Minute))}, 1},
		{service.AuditFilter{Actor: "%"}, 0},
	} {
		p, err := svc.ListAudit(desk, c.f)
		if err != nil || p.Total != c.want {
			t.Errorf("filter %+v: total %d, want %d (%v)", c.f, p.Total, c.want, err)
		}
	}
	p2, err := svc.ListAudit(desk, service.AuditFilter{Page: 2, PageSize: 3})
	if err != nil || len(p2.Items) != 3 || p2.Items[0].Kind != "token_added" {
		t.Fatalf("page 2: %v %+v", err, p2.Items)
	}
	_, err = svc.ListAudit(desk, service.AuditFilter{From: ptr(storeEpoch()), To: ptr(storeEpoch())})
	wantCode(t, err, apperr.CodeInvalid, "after its start")

	var buf bytes.Buffer
	n, err := svc.ExportAudit(desk, service.AuditFilter{}, &buf)
	if err != nil || n != 8 {
		t.Fatalf("export: %d %v", n, err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 9 || recs[0][0] != "time_utc" {
		t.Fatalf("csv: %v %q", err, recs)
	}
	if last := recs[8]; last[4] != "banned" || !strings.HasPrefix(last[6], "Blocked for 1 day: =cmd") {
		t.Fatalf("oldest line %q", last)
	}
	if strings.HasPrefix(recs[8][6], "=") {
		t.Fatal("a formula cell reached the CSV unquoted")
	}
}

func storeEpoch() time.Time { return time.Date(2026, time.January, 31, 14, 3, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

func TestTokensAreStoredHashedAndAuthenticateByTheirSecret(t *testing.T) {
	svc, db, _ := fresh(t)
	ctx := context.Background()
	nt, err := svc.AddToken(ctx, "  chat-server  ", "Check")
	if err != nil {
		t.Fatal(err)
	}
	if nt.Name != "chat-server" || nt.Role != "check" || !strings.HasPrefix(nt.Secret, service.TokenPrefix) {
		t.Fatalf("new token %+v", nt)
	}
	var stored []string
	if err := db.Raw(`SELECT hash FROM api_tokens`).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0] == nt.Secret || !apikey.Matches(nt.Secret, stored[0]) {
		t.Fatalf("stored %q", stored)
	}
	got, ok, err := svc.Authenticate(ctx, nt.Secret)
	if err != nil || !ok || got.Name != "chat-server" {
		t.Fatalf("authenticate: %v %v %+v", ok, err, got)
	}
	if _, ok, _ := svc.Authenticate(ctx, nt.Secret+"x"); ok {
		t.Fatal("a wrong secret authenticated")
	}
	list, err := svc.ListTokens(ctx)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
		t.Fatalf("list %+v %v", list, err)
	}
	_, err = svc.AddToken(ctx, "chat-server", "agent")
	wantCode(t, err, apperr.CodeConflict, "already exists")
	_, err = svc.AddToken(ctx, "x", "admin")
	wantCode(t, err, apperr.CodeInvalid, "not a role")
	_, err = svc.AddToken(ctx, "", "agent")
	wantCode(t, err, apperr.CodeInvalid, "name")
	if _, err := svc.DeleteToken(ctx, "chat-server"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := svc.Authenticate(ctx, nt.Secret); ok {
		t.Fatal("a deleted token still authenticates")
	}
	_, err = svc.DeleteToken(ctx, "chat-server")
	wantCode(t, err, apperr.CodeNotFound, "no token")
}

func TestReportRowsCountEarlierBansOfTheirAddress(t *testing.T) {
	svc, db, clk := fresh(t)
	ctx := context.Background()
	now := clk.Now()
	if err := contacts.New(db).Insert(ctx, []contacts.Contact{
		{VisitorName: "a", IP: "192.0.2.1", StartedAt: now.Add(-time.Minute)},
		{VisitorName: "b", IP: "192.0.2.2", StartedAt: now.Add(-2 * time.Minute)},
		{VisitorName: "c", IP: "192.0.2.3", StartedAt: now.Add(-3 * time.Minute)},
	}); err != nil {
		t.Fatal(err)
	}
	// 192.0.2.1: two bans that lapsed and one that blocks now; 192.0.2.2: one removed.
	banAt(t, svc, clk, now.Add(-10*24*time.Hour), "192.0.2.1", "1h")
	banAt(t, svc, clk, now.Add(-5*24*time.Hour), "192.0.2.1", "1d")
	if _, err := svc.BanIP(ctx, "192.0.2.1", "1w", ""); err != nil {
		t.Fatal(err)
	}
	b, _ := svc.BanIP(ctx, "192.0.2.2", "1w", "")
	if _, err := svc.Unban(ctx, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	page, err := svc.ListContacts(ctx, contacts.Query{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range page.Items {
		got[r.IP] = r.TimesBanned
	}
	if got["192.0.2.1"] != 2 || got["192.0.2.2"] != 1 || got["192.0.2.3"] != 0 {
		t.Fatalf("times banned = %v", got)
	}
}
