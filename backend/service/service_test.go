package service_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"banlist/backend/bans"
	"banlist/backend/contacts"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

func withContacts(t *testing.T, ips ...string) (*service.Service, func(time.Duration)) {
	t.Helper()
	db, clk := storetest.OpenAt(t, filepath.Join(t.TempDir(), "b.db"), false)
	cs := make([]contacts.Contact, len(ips))
	for i, ip := range ips {
		cs[i] = contacts.Contact{VisitorName: "v" + ip, IP: ip, StartedAt: clk.Now().Add(-time.Duration(i+1) * time.Minute)}
	}
	if err := contacts.New(db).Insert(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	svc := service.New(context.Background(), db, nil)
	t.Cleanup(func() { _ = svc.Close() })
	return svc, clk.Advance
}

func TestReportTagsBlockedRowsAndFiltersBlockedOnly(t *testing.T) {
	svc, advance := withContacts(t, "192.0.2.1", "203.0.113.9", "203.0.113.200", "2001:db8::1", "198.51.100.5")
	ctx := context.Background()
	if _, err := svc.BanIP(ctx, "203.0.113.0/24", "1h", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.BanIP(ctx, "2001:db8::1", "1d", ""); err != nil {
		t.Fatal(err)
	}
	blocked := func(q contacts.Query) map[string]bool {
		t.Helper()
		page, err := svc.ListContacts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range page.Items {
			out[r.IP] = r.Blocked
		}
		return out
	}
	all := blocked(contacts.Query{})
	want := map[string]bool{"192.0.2.1": false, "203.0.113.9": true, "203.0.113.200": true, "2001:db8::1": true, "198.51.100.5": false}
	for ip, b := range want {
		if all[ip] != b {
			t.Errorf("%s blocked=%v, want %v", ip, all[ip], b)
		}
	}
	only := blocked(contacts.Query{BlockedOnly: true})
	if len(only) != 3 || !only["203.0.113.9"] || !only["2001:db8::1"] {
		t.Fatalf("blocked only = %v", only)
	}
	// After the range's hour, only the IPv6 ban still counts.
	advance(61 * time.Minute)
	only = blocked(contacts.Query{BlockedOnly: true})
	if len(only) != 1 || !only["2001:db8::1"] {
		t.Fatalf("blocked only after expiry = %v", only)
	}
}

func TestContactDetailFollowsTheBanThroughItsLife(t *testing.T) {
	svc, advance := withContacts(t, "198.51.100.5")
	ctx := context.Background()
	d, err := svc.GetContact(ctx, 1)
	if err != nil || d.Ban != nil || d.TimesBanned != 0 || d.ContactsFromIP != 1 {
		t.Fatalf("never banned: %+v %v", d, err)
	}
	ban, err := svc.BanIP(ctx, "198.51.100.5", "1h", "rude")
	if err != nil {
		t.Fatal(err)
	}
	d, _ = svc.GetContact(ctx, 1)
	if d.Ban == nil || d.Ban.Status != bans.StatusActive || d.Ban.Notes != "rude" || d.TimesBanned != 0 {
		t.Fatalf("active: %+v", d)
	}
	advance(2 * time.Hour)
	d, _ = svc.GetContact(ctx, 1)
	if d.Ban == nil || d.Ban.Status != bans.StatusExpired || d.TimesBanned != 1 {
		t.Fatalf("expired: %+v", d)
	}
	again, err := svc.BanIP(ctx, "198.51.100.5", "1d", "again")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Unban(ctx, again.ID, ""); err != nil {
		t.Fatal(err)
	}
	d, _ = svc.GetContact(ctx, 1)
	if d.Ban == nil || d.Ban.ID != again.ID || d.Ban.Status != bans.StatusRemoved || d.TimesBanned != 2 || ban.ID == again.ID {
		t.Fatalf("removed: %+v", d)
	}
}

func TestImportBansReportsLinesAndKeepsGoodOnes(t *testing.T) {
	svc, _ := withContacts(t)
	ctx := context.Background()
	if _, err := svc.BanIP(ctx, "192.0.2.5", "1d", ""); err != nil {
		t.Fatal(err)
	}
	res, err := svc.ImportBans(ctx, "ip,period,notes\n192.0.2.1,1d,a\n192.0.2.5,1w,dup\n0.0.0.0/0,1h,all\n192.0.2.2,forever,\n2001:db8::9,1mo,b\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || len(res.Rejected) != 3 {
		t.Fatalf("result %+v", res)
	}
	for i, want := range []struct {
		line int
		text string
	}{{3, "already blocked"}, {4, "whole network"}, {5, "not a ban period"}} {
		r := res.Rejected[i]
		if r.Line != want.line || !strings.Contains(r.Message, want.text) {
			t.Errorf("rejected[%d] = %+v, want line %d with %q", i, r, want.line, want.text)
		}
	}
	if _, err := svc.ImportBans(ctx, "ip;period\n1.2.3.4;1d\n"); err == nil {
		t.Fatal("a file with the wrong header was accepted")
	}
	page, _ := svc.ListBlacklist(ctx, bans.Filter{Status: "all"})
	if page.Total != 3 {
		t.Fatalf("after imports: %d bans", page.Total)
	}
}
