// Package ipaddr turns what a supervisor types into the address or range a
// ban applies to. It accepts one IPv4 or IPv6 address, or a CIDR range no
// broader than IPv4 /16 or IPv6 /32, and refuses everything else (host names,
// ports, URLs, zones, octal-looking octets) with a message that says what is
// wrong and how to fix it.
//
// IPv4 and IPv6 share one ordered 16-byte space: an IPv4 address is keyed by
// its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so Lo, Hi and Key values of
// either family compare byte by byte.
package ipaddr

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"banlist/backend/apperr"
)

// Field is the input field every parse error refers to.
const Field = "ip"

// Broadest ranges a ban may cover.
const (
	MinBitsIPv4 = 16
	MinBitsIPv6 = 32
)

// Sentinels matched with errors.Is on the *apperr.Error values Parse returns.
var (
	ErrEmpty         = errors.New("ipaddr: no address given")
	ErrInvalid       = errors.New("ipaddr: not a valid IP address")
	ErrHostname      = errors.New("ipaddr: host name instead of an IP address")
	ErrPort          = errors.New("ipaddr: address with a port")
	ErrURL           = errors.New("ipaddr: URL instead of an IP address")
	ErrZone          = errors.New("ipaddr: IPv6 address with a zone")
	ErrLeadingZero   = errors.New("ipaddr: IPv4 number with a leading zero")
	ErrRangeTooBroad = errors.New("ipaddr: range too broad")
	ErrNotSingle     = errors.New("ipaddr: range where a single address is needed")
)

// maxInputLen bounds what is worth parsing: the longest IPv6 text form with a
// prefix is 49 bytes (or 53 with an embedded IPv4 tail and /128).
const maxInputLen = 64

// mapped4 is the IPv4-mapped block of IPv6 (::ffff:0:0/96).
var mapped4 = netip.MustParsePrefix("::ffff:0:0/96")

// Target is a parsed, normalized ban target: one address (IsRange false,
// Prefix of full length) or a masked CIDR range. IPv4 is never held in its
// IPv4-mapped IPv6 form.
type Target struct {
	Prefix  netip.Prefix
	IsRange bool
}

// String returns the canonical text: a single address without /32 or /128,
// a range as network/bits, IPv6 in lower case.
func (t Target) String() string {
	if !t.IsRange {
		return t.Prefix.Addr().String()
	}
	return t.Prefix.String()
}

// Addr returns the address of a single target, or the first address of a range.
func (t Target) Addr() netip.Addr { return t.Prefix.Addr() }

// Lo returns the first address covered, in the shared 16-byte space.
func (t Target) Lo() [16]byte { return t.Prefix.Masked().Addr().As16() }

// Hi returns the last address covered, in the shared 16-byte space.
func (t Target) Hi() [16]byte {
	b := t.Lo()
	host := t.Prefix.Addr().BitLen() - t.Prefix.Bits() // bits to set, from the end
	for i := 15; host > 0; i-- {
		if host >= 8 {
			b[i] = 0xff
			host -= 8
			continue
		}
		b[i] |= byte(1<<host) - 1
		host = 0
	}
	return b
}

// Contains reports whether a is one of the addresses t covers. IPv4-mapped
// IPv6 addresses count as their IPv4 address.
func (t Target) Contains(a netip.Addr) bool { return t.Prefix.Contains(a.Unmap()) }

// Key returns a's position in the shared 16-byte space (IPv4 as its
// IPv4-mapped form), comparable with Target.Lo and Target.Hi. Zones are ignored.
func Key(a netip.Addr) [16]byte { return a.As16() }

// Parse reads one address or CIDR range, as typed by a person. Surrounding
// spaces are ignored. Every error is an *apperr.Error with Code invalid and
// Field "ip", wrapping one of this package's sentinels.
func Parse(input string) (Target, error) {
	t, err := parse(input)
	if err != nil {
		return Target{}, err
	}
	if !t.IsRange {
		return t, nil
	}
	bits, minBits := t.Prefix.Bits(), MinBitsIPv6
	if t.Prefix.Addr().Is4() {
		minBits = MinBitsIPv4
	}
	if bits < minBits {
		return Target{}, fail(ErrRangeTooBroad, fmt.Sprintf(
			"%s covers %s addresses and would block a whole network; a range may be at most /%d for IPv4 or /%d for IPv6",
			quote(t.String()), countText(t.Prefix), MinBitsIPv4, MinBitsIPv6))
	}
	return t, nil
}

// The broadest ranges the never-ban list takes. Protecting a wide range
// blocks nobody, so it may be far broader than a ban (a carrier's NAT pool,
// 100.64.0.0/10, is a /10), but not so broad that it quietly protects most of
// the Internet.
const (
	ProtectMinBitsIPv4 = 8
	ProtectMinBitsIPv6 = 16
)

// ParseProtected reads an address or range for the never-ban list: as Parse,
// but ranges may be as broad as /8 (IPv4) or /16 (IPv6).
func ParseProtected(input string) (Target, error) {
	t, err := parse(input)
	if err != nil || !t.IsRange {
		return t, err
	}
	minBits := ProtectMinBitsIPv6
	if t.Prefix.Addr().Is4() {
		minBits = ProtectMinBitsIPv4
	}
	if t.Prefix.Bits() < minBits {
		return Target{}, fail(ErrRangeTooBroad, fmt.Sprintf(
			"%s covers %s addresses; a protected range may be at most /%d for IPv4 or /%d for IPv6",
			quote(t.String()), countText(t.Prefix), ProtectMinBitsIPv4, ProtectMinBitsIPv6))
	}
	return t, nil
}

// ParseIP reads exactly one address (a /32 or /128 is accepted as the address
// itself) and returns it unmapped, without zone. Errors are as for Parse, plus
// ErrNotSingle for a range.
func ParseIP(input string) (netip.Addr, error) {
	// Fast path for the common case: a plain address with no surrounding
	// spaces, checked before anything allocates.
	if a, err := netip.ParseAddr(input); err == nil && a.Zone() == "" {
		return a.Unmap(), nil
	}
	t, err := parse(input)
	if err != nil {
		return netip.Addr{}, err
	}
	if t.IsRange {
		return netip.Addr{}, fail(ErrNotSingle, fmt.Sprintf(
			"%s is a range; enter a single IP address", quote(t.String())))
	}
	return t.Prefix.Addr(), nil
}

// parse does everything Parse does except the breadth limit.
func parse(input string) (Target, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return Target{}, fail(ErrEmpty, "Enter an IP address (for example 203.0.113.7) or a range (for example 203.0.113.0/24).")
	}
	if len(s) > maxInputLen {
		return Target{}, fail(ErrInvalid, fmt.Sprintf("%s is too long to be an IP address", quote(s)))
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, notPrintable) >= 0 {
		return Target{}, fail(ErrInvalid, fmt.Sprintf("%s contains characters that cannot be part of an IP address", quote(s)))
	}
	if strings.Contains(s, "://") || hasScheme(s) {
		return Target{}, fail(ErrURL, fmt.Sprintf("%s is a web address (URL); enter the IP address only", quote(s)))
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return Target{}, fail(ErrInvalid, fmt.Sprintf("%s contains spaces; enter one IP address or range", quote(s)))
	}
	if i := strings.IndexByte(s, '%'); i >= 0 {
		zone, _, _ := strings.Cut(s[i:], "/")
		return Target{}, fail(ErrZone, fmt.Sprintf(
			"%s has an IPv6 zone (%s), which only means something on one computer; enter the address without it",
			quote(s), quote(zone)))
	}
	addrText, bitsText, isPrefix := strings.Cut(s, "/")
	a, err := parseAddr(addrText, s)
	if err != nil {
		return Target{}, err
	}
	if !isPrefix {
		return Target{Prefix: netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())}, nil
	}
	bits, ok := parseBits(bitsText)
	if !ok || bits > a.BitLen() {
		return Target{}, fail(ErrInvalid, fmt.Sprintf(
			"%s has an invalid range size %s; use /%d to /32 for IPv4 or /%d to /128 for IPv6",
			quote(s), quote("/"+bitsText), MinBitsIPv4, MinBitsIPv6))
	}
	p := netip.PrefixFrom(a, bits).Masked()
	switch {
	case a.Is4In6() && bits >= 96:
		p = netip.PrefixFrom(a.Unmap(), bits-96).Masked()
	case a.Is6() && p.Overlaps(mapped4):
		// A range around ::ffff:0:0/96 would cover IPv4 addresses in the
		// shared key space; refuse it the way an IPv4 /0 is refused.
		return Target{}, fail(ErrRangeTooBroad, fmt.Sprintf(
			"%s contains every IPv4 address and would block a whole network; a range may be at most /%d for IPv4 or /%d for IPv6",
			quote(s), MinBitsIPv4, MinBitsIPv6))
	}
	return Target{Prefix: p, IsRange: p.Bits() < p.Addr().BitLen()}, nil
}

// parseAddr parses one address and, when it is not one, works out what the
// person most likely typed instead. whole is the full input for messages.
func parseAddr(s, whole string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err == nil {
		return a, nil
	}
	if _, perr := netip.ParseAddrPort(s); perr == nil {
		return netip.Addr{}, fail(ErrPort, fmt.Sprintf("%s has a port; enter the address only", quote(whole)))
	}
	if strings.HasPrefix(s, "[") || strings.HasSuffix(s, "]") {
		return netip.Addr{}, fail(ErrInvalid, fmt.Sprintf(
			"%s is not a valid IP address; write IPv6 addresses without brackets", quote(whole)))
	}
	if octet, ok := leadingZeroOctet(s); ok {
		return netip.Addr{}, fail(ErrLeadingZero, fmt.Sprintf(
			"%s has a number with a leading zero (%s), which some systems read as octal; write it without the zero",
			quote(whole), quote(octet)))
	}
	if looksLikeHost(s) {
		return netip.Addr{}, fail(ErrHostname, fmt.Sprintf(
			"%s is a host name, not an IP address; enter the numeric address (for example 203.0.113.7)", quote(whole)))
	}
	return netip.Addr{}, fail(ErrInvalid, fmt.Sprintf("%s is not a valid IP address", quote(whole)))
}

// parseBits reads a prefix length: 1 to 3 decimal digits, no leading zero.
func parseBits(s string) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// leadingZeroOctet reports the first zero-padded number of a dotted-quad.
func leadingZeroOctet(s string) (string, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return "", false
	}
	bad := ""
	for _, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return "", false
		}
		if bad == "" && len(p) > 1 && p[0] == '0' {
			bad = p
		}
	}
	return bad, bad != ""
}

// looksLikeHost reports whether s reads as a DNS name, optionally with a
// numeric port: letters, digits, dots and hyphens, with at least one letter.
func looksLikeHost(s string) bool {
	if host, port, ok := strings.Cut(s, ":"); ok {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return false
		}
		s = host
	}
	if s == "" || s[0] == '.' || s[0] == '-' {
		return false
	}
	letter := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9', r == '.', r == '-':
		default:
			return false
		}
	}
	return letter
}

// hasScheme reports a leading "scheme:" that is not part of an IPv6 address,
// such as "http:" or "mailto:".
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https", "ftp", "ws", "wss", "mailto", "file":
		return true
	}
	return false
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) && !unicode.IsSpace(r) }

// countText says how many addresses p covers, in words a person can read.
func countText(p netip.Prefix) string {
	host := p.Addr().BitLen() - p.Bits()
	if host > 40 {
		return "2^" + strconv.Itoa(host)
	}
	return groupThousands(uint64(1) << host)
}

func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// quote puts typographic quotes around what the person typed, shortened if
// it is long, so messages stay readable.
func quote(s string) string {
	const maxRunes = 48
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		s = string(r[:maxRunes]) + "…"
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || notPrintable(r) {
			return '�'
		}
		return r
	}, s)
	return "“" + s + "”"
}

// fail builds the user-facing error for one rejection.
func fail(kind error, message string) *apperr.Error {
	return &apperr.Error{Code: apperr.CodeInvalid, Field: Field, Message: message, Err: kind}
}
