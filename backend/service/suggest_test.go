package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"banlist/backend/bans"
	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/service"
)

// banAt makes a ban as if it had been made at the given moment, then
// returns the clock to now.
func banAt(t *testing.T, svc *service.Service, clk *clock.Fixed, at time.Time, target, period string) {
	t.Helper()
	now := clk.Now()
	clk.Set(at)
	defer clk.Set(now)
	if _, err := svc.BanIP(context.Background(), target, period, ""); err != nil {
		t.Fatalf("ban %s at %s: %v", target, at, err)
	}
}

func suggest(t *testing.T, svc *service.Service, ip string) service.Suggestion {
	t.Helper()
	s, err := svc.SuggestBan(context.Background(), ip)
	if err != nil {
		t.Fatalf("suggest %s: %v", ip, err)
	}
	return s
}

func TestSuggestedPeriodIsOneStepLongerThanTheLongestBanIn180Days(t *testing.T) {
	svc, _, clk := fresh(t)
	now := clk.Now()
	const ip = "81.2.69.160"

	s := suggest(t, svc, ip)
	if s.Period != bans.Day || s.PreviousBans != 0 || !strings.Contains(s.Reason, "Not banned") {
		t.Fatalf("never banned: %+v", s)
	}
	// A week-long ban 200 days ago is outside the window; a 1-hour ban
	// exactly 180 days ago is on its edge and counts.
	banAt(t, svc, clk, now.Add(-200*24*time.Hour), ip, "1w")
	banAt(t, svc, clk, now.Add(-service.SuggestWindow), ip, "1h")
	if s := suggest(t, svc, ip); s.Period != bans.Day || s.PreviousBans != 1 || !strings.Contains(s.Reason, "once") {
		t.Fatalf("one 1-hour ban 180 days ago: %+v", s)
	}
	clk.Advance(time.Millisecond)
	if s := suggest(t, svc, ip); s.Period != bans.Day || s.PreviousBans != 0 {
		t.Fatalf("1 ms later the 180-day-old ban still counts: %+v", s)
	}
	clk.Set(now)
	banAt(t, svc, clk, now.Add(-30*24*time.Hour), ip, "1w")
	banAt(t, svc, clk, now.Add(-10*24*time.Hour), ip, "1d")
	s = suggest(t, svc, ip)
	if s.Period != bans.Month || s.PreviousBans != 3 {
		t.Fatalf("longest 1 week → 1 month: %+v", s)
	}
	if !strings.Contains(s.Reason, "3 times") || !strings.Contains(s.Reason, "last for 1 day") || !strings.Contains(s.Reason, "longest for 1 week") {
		t.Fatalf("reason %q", s.Reason)
	}
	banAt(t, svc, clk, now.Add(-2*24*time.Hour), ip, "1mo")
	if s := suggest(t, svc, ip); s.Period != bans.Month || !strings.Contains(s.Reason, "1 month is the longest") {
		t.Fatalf("capped at a month: %+v", s)
	}
}

func TestSuggestionCountsBansOfTheSameNetwork(t *testing.T) {
	svc, _, clk := fresh(t)
	now := clk.Now()
	banAt(t, svc, clk, now.Add(-service.SuggestWindow-time.Hour), "81.2.69.3", "1h") // too old
	for i, target := range []string{"81.2.69.1", "81.2.69.2", "81.2.69.128/25", "81.2.70.1", "81.2.0.0/16"} {
		banAt(t, svc, clk, now.Add(-time.Duration(10-i)*24*time.Hour), target, "1h")
	}
	s := suggest(t, svc, "81.2.69.200")
	if s.Network != "81.2.69.0/24" || s.PreviousInRange != 3 || s.PreviousBans != 0 {
		t.Fatalf("IPv4 /24: %+v", s)
	}

	// IPv6 groups by /64: the same /64 counts, the neighbouring /64 does not.
	for i, target := range []string{"2a00:1450:4001:81b::1", "2a00:1450:4001:81b:ffff::9", "2a00:1450:4001:81c::1"} {
		banAt(t, svc, clk, now.Add(-time.Duration(10-i)*time.Hour), target, "1h")
	}
	s = suggest(t, svc, "2a00:1450:4001:81b::1")
	if s.Network != "2a00:1450:4001:81b::/64" || s.PreviousInRange != 2 || s.PreviousBans != 1 || s.Period != bans.Day {
		t.Fatalf("IPv6 /64: %+v", s)
	}
}

func TestSuggestionWarnsAboutSharedAndSpecialAddresses(t *testing.T) {
	svc, db, clk := fresh(t)
	now := clk.Now()
	const office = "81.2.69.50"
	var cs []contacts.Contact
	// 5 distinct customers within 30 days (the same email twice with other
	// case counts once), one more just outside, and one anonymous contact.
	for i, who := range []struct{ name, email string }{
		{"Ann", "ann@example.com"}, {"ANN again", "Ann@Example.com"}, {"Bob", ""}, {"bob", ""},
		{"Cy", "cy@example.com"}, {"Di", "di@example.com"}, {"", ""},
	} {
		cs = append(cs, contacts.Contact{VisitorName: who.name, Email: who.email, IP: office, StartedAt: now.Add(-time.Duration(i) * 24 * time.Hour)})
	}
	cs = append(cs, contacts.Contact{VisitorName: "Ed", IP: office, StartedAt: now.Add(-service.SharedWindow)})
	cs = append(cs, contacts.Contact{VisitorName: "Old", IP: office, StartedAt: now.Add(-service.SharedWindow - time.Millisecond)})
	if err := contacts.New(db).Insert(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	s := suggest(t, svc, office)
	if s.SharedBy != 5 || !hasWarning(s, "shared", "5 different customers") {
		t.Fatalf("shared office: %+v", s)
	}
	if s := suggest(t, svc, "81.2.69.51"); s.SharedBy != 0 || len(s.Warnings) != 0 {
		t.Fatalf("an address nobody used: %+v", s)
	}

	for _, c := range []struct{ ip, code, text string }{
		{"100.64.0.1", "shared", "carrier-grade NAT"},
		{"100.127.255.254", "shared", "carrier-grade NAT"},
		{"10.0.0.5", "special", "private"},
		{"192.168.1.1", "special", "private"},
		{"fd00::1", "special", "private"},
		{"127.0.0.1", "special", "loopback"},
		{"169.254.1.1", "special", "link-local"},
		{"fe80::1", "special", "link-local"},
		{"203.0.113.45", "special", "documentation"},
		{"2001:db8::1", "special", "documentation"},
	} {
		if s := suggest(t, svc, c.ip); !hasWarning(s, c.code, c.text) {
			t.Errorf("%s: want a %s warning about %q, got %+v", c.ip, c.code, c.text, s.Warnings)
		}
	}
	for _, ip := range []string{"100.128.0.1", "100.63.255.255", "8.8.8.8", "2a00:1450::1"} {
		if s := suggest(t, svc, ip); len(s.Warnings) != 0 {
			t.Errorf("%s: unexpected warnings %+v", ip, s.Warnings)
		}
	}
	if _, err := svc.SuggestBan(context.Background(), "not-an-ip"); err == nil {
		t.Fatal("suggest accepted a host name")
	}
}

func hasWarning(s service.Suggestion, code, text string) bool {
	for _, w := range s.Warnings {
		if w.Code == code && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

func TestExpiringListsActiveBansEndingWithin24Hours(t *testing.T) {
	svc, _, clk := fresh(t)
	ctx := context.Background()
	made := map[string]bool{}
	for _, c := range []struct{ ip, period string }{{"192.0.2.1", "1h"}, {"192.0.2.2", "1d"}, {"192.0.2.3", "1w"}, {"192.0.2.4", "1h"}} {
		b, err := svc.BanIP(ctx, c.ip, c.period, "")
		if err != nil {
			t.Fatal(err)
		}
		made[c.ip] = true
		if c.ip == "192.0.2.4" {
			if _, err := svc.Unban(ctx, b.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	targets := func() string {
		page, err := svc.ListBlacklist(ctx, bans.Filter{Status: "expiring"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range page.Items {
			out = append(out, b.Target)
		}
		return fmt.Sprint(page.Total, out)
	}
	// The 1-day ban ends exactly 24 h from now: it is expiring.
	if got := targets(); got != "2 [192.0.2.1 192.0.2.2]" {
		t.Fatalf("expiring = %s", got)
	}
	clk.Advance(time.Hour) // the 1-hour ban has ended: no longer active
	if got := targets(); got != "1 [192.0.2.2]" {
		t.Fatalf("an hour later = %s", got)
	}
	clk.Advance(6*24*time.Hour - time.Hour - time.Millisecond) // the week-long ban ends in 24 h and 1 ms
	if got := targets(); got != "0 []" {
		t.Fatalf("24 h and 1 ms before the week ends = %s", got)
	}
	clk.Advance(time.Millisecond)
	if got := targets(); got != "1 [192.0.2.3]" {
		t.Fatalf("24 h before the week ends = %s", got)
	}
}
