package service

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"banlist/backend/bans"
	"banlist/backend/ipaddr"
)

// The advice's look-back windows and thresholds.
const (
	// SuggestWindow is how far back earlier bans count toward the period.
	SuggestWindow = 180 * 24 * time.Hour
	// SharedWindow is how far back contacts count toward "shared by".
	SharedWindow = 30 * 24 * time.Hour
	// SharedThreshold is how many distinct customers on one address make it
	// worth a warning that a ban would lock out others.
	SharedThreshold = 5
)

// Warning is one reason to think twice before a ban.
type Warning struct {
	Code    string `json:"code"` // shared or special
	Message string `json:"message"`
}

// Suggestion is the advice shown in the Ban popup.
type Suggestion struct {
	IP     string      `json:"ip"`
	Period bans.Period `json:"period"`
	// PreviousBans counts bans of this address (any status) in SuggestWindow.
	PreviousBans int `json:"previousBans"`
	// PreviousInRange counts bans inside its /24 (IPv4) or /64 (IPv6) in SuggestWindow.
	PreviousInRange int64 `json:"previousInRange"`
	// Network is that /24 or /64.
	Network string `json:"network"`
	// SharedBy counts distinct customers (email, else visitor name) seen on
	// this address in SharedWindow.
	SharedBy int64     `json:"sharedBy"`
	Warnings []Warning `json:"warnings"`
	Reason   string    `json:"reason"`
}

// cgnat is carrier-grade NAT space (RFC 6598): one address, many subscribers.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// special are ranges that never belong to one real customer on the internet.
var special = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("fc00::/7"), "a private IPv6 address (unique local, RFC 4193)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("::1/128"), "the IPv6 loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("fe80::/10"), "an IPv6 link-local address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address (RFC 5737, TEST-NET-1)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address (RFC 5737, TEST-NET-2)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address (RFC 5737, TEST-NET-3)"},
	{netip.MustParsePrefix("2001:db8::/32"), "an IPv6 documentation address (RFC 3849)"},
}

// nextPeriod is one step longer than p, capped at a month.
func nextPeriod(p bans.Period) bans.Period {
	all := bans.Periods()
	for i, q := range all {
		if q == p && i+1 < len(all) {
			return all[i+1]
		}
	}
	return bans.Month
}

func periodRank(p bans.Period) int {
	for i, q := range bans.Periods() {
		if q == p {
			return i
		}
	}
	return -1
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// SuggestBan advises on a ban of ip (an address, or a range): a period one
// step longer than the longest ban of the same target in the last 180 days
// (1 day when there is none), how often it and its network were banned, and
// warnings when the address is shared by many customers or is not a public
// customer address at all. The supervisor may always choose otherwise.
func (s *Service) SuggestBan(ctx context.Context, ip string) (Suggestion, error) {
	t, err := ipaddr.Parse(ip)
	if err != nil {
		return Suggestion{}, err
	}
	b := s.cur.Load()
	now := b.db.Clock.Now()
	out := Suggestion{IP: t.String(), Period: bans.Day, Warnings: []Warning{}}

	past, err := b.db.BansOfTargetSince(ctx, t.String(), now.Add(-SuggestWindow).UnixMilli())
	if err != nil {
		return out, b.db.Fault(ctx, "read earlier bans of "+t.String(), err)
	}
	out.PreviousBans = len(past)
	if len(past) == 0 {
		out.Reason = "Not banned in the last 180 days: 1 day is the usual first block."
	} else {
		longest := bans.Period(past[0].Period)
		for _, p := range past {
			if periodRank(bans.Period(p.Period)) > periodRank(longest) {
				longest = bans.Period(p.Period)
			}
		}
		out.Period = nextPeriod(longest)
		last := bans.Period(past[0].Period)
		out.Reason = fmt.Sprintf("Banned %s before in the last 180 days, last for %s", times(len(past)), last.Label())
		if longest != last {
			out.Reason += ", longest for " + longest.Label()
		}
		if longest == bans.Month {
			out.Reason += ": 1 month is the longest block."
		} else {
			out.Reason += ": one step longer is " + out.Period.Label() + "."
		}
	}

	bits := 64
	if t.Addr().Is4() {
		bits = 24
	}
	network := ipaddr.Target{Prefix: netip.PrefixFrom(t.Addr(), min(bits, t.Prefix.Bits())).Masked(), IsRange: true}
	out.Network = network.String()
	if out.PreviousInRange, err = b.db.CountBansWithinSince(ctx, network.Lo(), network.Hi(), now.Add(-SuggestWindow).UnixMilli()); err != nil {
		return out, b.db.Fault(ctx, "read earlier bans of "+out.Network, err)
	}

	if !t.IsRange {
		if out.SharedBy, err = b.db.DistinctCustomersSince(ctx, ipaddr.Key(t.Addr()), now.Add(-SharedWindow).UnixMilli()); err != nil {
			return out, b.db.Fault(ctx, "count the customers of "+t.String(), err)
		}
	}
	if t.Prefix.Overlaps(cgnat) {
		out.Warnings = append(out.Warnings, Warning{Code: "shared", Message: fmt.Sprintf(
			"%s is carrier-grade NAT space (100.64.0.0/10): a mobile or home carrier puts many subscribers behind it, so a ban may lock out other customers.", t)})
	}
	if out.SharedBy >= SharedThreshold {
		out.Warnings = append(out.Warnings, Warning{Code: "shared", Message: fmt.Sprintf(
			"%d different customers used %s in the last 30 days: it is probably an office, school or carrier address shared by many, and a ban blocks them all.", out.SharedBy, t)})
	}
	for _, sp := range special {
		if t.Prefix.Overlaps(sp.prefix) {
			out.Warnings = append(out.Warnings, Warning{Code: "special", Message: fmt.Sprintf(
				"%s is %s: it does not identify a customer on the internet. Check that the address was read correctly.", t, sp.what)})
			break
		}
	}
	return out, nil
}
