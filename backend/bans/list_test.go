package bans

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
)

// listFixture holds eight bans:
//
//	target           created  ends     state at the end
//	10.0.0.5         0        1w       active
//	10.0.0.0/24      1m       1d       active
//	2001:db8::1      2m       1h       expired (clock moves 2h)
//	192.0.2.10       3m       1mo      removed
//	::1              4m       1d       active, notes "100% sure"
//	172.16.5.4       5m       1h       expired, notes "a_b"
//	172.16.5.5       6m       1w       active, notes "AXB Spam"
//	2001:db8:ab::/48 7m       1mo      active, notes "Résumé spam"
func listFixture(t *testing.T) (*fixture, map[string]int64) {
	f := newFixture(t)
	ids := map[string]int64{}
	for _, b := range []struct{ target, period, notes string }{
		{"10.0.0.5", "1w", ""},
		{"10.0.0.0/24", "1d", "range"},
		{"2001:db8::1", "1h", ""},
		{"192.0.2.10", "1mo", ""},
		{"::1", "1d", "100% sure"},
		{"172.16.5.4", "1h", "a_b"},
		{"172.16.5.5", "1w", "AXB Spam"},
		{"2001:db8:ab::/48", "1mo", "Résumé spam"},
	} {
		ids[b.target] = f.ban(b.target, b.period, b.notes).ID
		f.clk.Advance(time.Minute)
	}
	if _, err := f.svc.Unban(f.ctx, ids["192.0.2.10"], ""); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(2 * time.Hour)
	return f, ids
}

func targets(p Page) []string {
	out := []string{}
	for _, b := range p.Items {
		out = append(out, b.Target)
	}
	return out
}

func TestListBlacklist(t *testing.T) {
	f, _ := listFixture(t)
	for _, tc := range []struct {
		name   string
		filter Filter
		want   []string
		total  int64
	}{
		{"default: active by expiry", Filter{},
			[]string{"10.0.0.0/24", "::1", "10.0.0.5", "172.16.5.5", "2001:db8:ab::/48"}, 5},
		{"active desc", Filter{Status: "active", Desc: true},
			[]string{"2001:db8:ab::/48", "172.16.5.5", "10.0.0.5", "::1", "10.0.0.0/24"}, 5},
		{"expired", Filter{Status: "expired"}, []string{"2001:db8::1", "172.16.5.4"}, 2},
		{"removed", Filter{Status: "REMOVED"}, []string{"192.0.2.10"}, 1},
		{"all by created", Filter{Status: "all", Sort: "created"},
			[]string{"10.0.0.5", "10.0.0.0/24", "2001:db8::1", "192.0.2.10", "::1", "172.16.5.4", "172.16.5.5", "2001:db8:ab::/48"}, 8},
		{"all by created desc", Filter{Status: "all", Sort: "created", Desc: true},
			[]string{"2001:db8:ab::/48", "172.16.5.5", "172.16.5.4", "::1", "192.0.2.10", "2001:db8::1", "10.0.0.0/24", "10.0.0.5"}, 8},
		{"all by ip", Filter{Status: "all", Sort: "ip"},
			[]string{"::1", "10.0.0.0/24", "10.0.0.5", "172.16.5.4", "172.16.5.5", "192.0.2.10", "2001:db8::1", "2001:db8:ab::/48"}, 8},
		{"all by ip desc", Filter{Status: "all", Sort: "ip", Desc: true},
			[]string{"2001:db8:ab::/48", "2001:db8::1", "192.0.2.10", "172.16.5.5", "172.16.5.4", "10.0.0.5", "10.0.0.0/24", "::1"}, 8},
		{"search target", Filter{Status: "all", Search: "172.16", Sort: "ip"}, []string{"172.16.5.4", "172.16.5.5"}, 2},
		{"search ipv6 upper case", Filter{Status: "all", Search: "2001:DB8", Sort: "ip"}, []string{"2001:db8::1", "2001:db8:ab::/48"}, 2},
		{"search notes ignores case", Filter{Status: "all", Search: "spam", Sort: "created"}, []string{"172.16.5.5", "2001:db8:ab::/48"}, 2},
		{"search unicode notes", Filter{Status: "all", Search: "Résumé"}, []string{"2001:db8:ab::/48"}, 1},
		{"percent is literal", Filter{Status: "all", Search: "100%"}, []string{"::1"}, 1},
		{"percent alone is literal", Filter{Status: "all", Search: "%"}, []string{"::1"}, 1},
		{"underscore is literal", Filter{Status: "all", Search: "a_b"}, []string{"172.16.5.4"}, 1},
		{"backslash is literal", Filter{Status: "all", Search: `\`}, []string{}, 0},
		{"search with status", Filter{Status: "active", Search: "172.16"}, []string{"172.16.5.5"}, 1},
		{"search trims", Filter{Status: "all", Search: "  range  "}, []string{"10.0.0.0/24"}, 1},
		{"no match", Filter{Status: "all", Search: "nothing like this"}, []string{}, 0},
		{"page 2 of 3", Filter{Status: "all", Sort: "created", PageSize: 3, Page: 2}, []string{"192.0.2.10", "::1", "172.16.5.4"}, 8},
		{"last page", Filter{Status: "all", Sort: "created", PageSize: 3, Page: 3}, []string{"172.16.5.5", "2001:db8:ab::/48"}, 8},
		{"past the end", Filter{Status: "all", PageSize: 3, Page: 9}, []string{}, 8},
		{"page 0 is page 1", Filter{Status: "all", Sort: "created", PageSize: 1, Page: 0}, []string{"10.0.0.5"}, 8},
	} {
		p, err := f.svc.ListBlacklist(f.ctx, tc.filter)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := targets(p); !slices.Equal(got, tc.want) || p.Total != tc.total {
			t.Errorf("%s: got %v (total %d), want %v (total %d)", tc.name, got, p.Total, tc.want, tc.total)
		}
		for _, b := range p.Items {
			if st := tc.filter.Status; st != "" && st != "all" && string(b.Status) != strings.ToLower(st) {
				t.Errorf("%s: %s has status %s", tc.name, b.Target, b.Status)
			}
		}
	}
}

func TestListBlacklistPaging(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 120; i++ {
		f.ban(fmt.Sprintf("198.51.100.%d", i), "1h", "")
	}
	for _, tc := range []struct {
		filter        Filter
		page, size, n int
		firstTarget   string
		wantTotal     int64
	}{
		{Filter{}, 1, 50, 50, "198.51.100.0", 120},
		{Filter{Page: 3}, 3, 50, 20, "198.51.100.100", 120},
		{Filter{PageSize: 1000}, 1, 500, 120, "198.51.100.0", 120},
		{Filter{PageSize: -5, Page: -2}, 1, 50, 50, "198.51.100.0", 120},
		{Filter{PageSize: 7, Page: 2}, 2, 7, 7, "198.51.100.7", 120},
	} {
		p, err := f.svc.ListBlacklist(f.ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if p.Page != tc.page || p.PageSize != tc.size || len(p.Items) != tc.n || p.Total != tc.wantTotal || p.Items[0].Target != tc.firstTarget {
			t.Errorf("%+v: page %d size %d items %d total %d first %s", tc.filter, p.Page, p.PageSize, len(p.Items), p.Total, p.Items[0].Target)
		}
	}
}

func TestListBlacklistRejects(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		filter Filter
		field  string
	}{
		{Filter{Status: "gone"}, "status"},
		{Filter{Sort: "name"}, "sort"},
		{Filter{Search: "bad\xff"}, "search"},
		{Filter{Search: "a\x00"}, "search"},
		{Filter{Search: string(make([]byte, 300))}, "search"},
		{Filter{Page: 1 << 40}, "page"},
	} {
		_, err := f.svc.ListBlacklist(f.ctx, tc.filter)
		wantAppErr(t, err, apperr.CodeInvalid, tc.field, ErrInvalidFilter)
	}
}
