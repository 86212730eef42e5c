package ipaddr

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"banlist/backend/apperr"
)

func TestParseAccepts(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		isRange  bool
	}{
		{"203.0.113.7", "203.0.113.7", false},
		{"  203.0.113.7\t\n", "203.0.113.7", false},
		{"0.0.0.0", "0.0.0.0", false},
		{"255.255.255.255", "255.255.255.255", false},
		{"2001:DB8::1", "2001:db8::1", false},
		{"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", false},
		{"::1", "::1", false},
		{"::ffff:1.2.3.4", "1.2.3.4", false},
		{"::FFFF:1.2.3.4", "1.2.3.4", false},
		{"::ffff:0102:0304", "1.2.3.4", false},
		{"1.2.3.4/32", "1.2.3.4", false},
		{"2001:db8::1/128", "2001:db8::1", false},
		{"::ffff:1.2.3.4/128", "1.2.3.4", false},
		{"10.1.2.3/24", "10.1.2.0/24", true},
		{"10.1.2.0/24", "10.1.2.0/24", true},
		{"10.1.255.255/16", "10.1.0.0/16", true},
		{"10.1.2.3/31", "10.1.2.2/31", true},
		{"::ffff:10.0.0.0/120", "10.0.0.0/24", true},
		{"::ffff:10.0.0.7/112", "10.0.0.0/16", true},
		{"2001:DB8:ABCD::1/48", "2001:db8:abcd::/48", true},
		{"2001:db8::/32", "2001:db8::/32", true},
		{"2001:db8::1/127", "2001:db8::/127", true},
		{"fe80::1/64", "fe80::/64", true},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tc.in, err)
			continue
		}
		if got.String() != tc.want || got.IsRange != tc.isRange {
			t.Errorf("Parse(%q) = %q range=%v, want %q range=%v", tc.in, got, got.IsRange, tc.want, tc.isRange)
		}
		if got.Prefix != got.Prefix.Masked() {
			t.Errorf("Parse(%q): prefix %v is not masked", tc.in, got.Prefix)
		}
		if got.Prefix.Addr().Is4In6() || got.Prefix.Addr().Zone() != "" {
			t.Errorf("Parse(%q): address %v still mapped or zoned", tc.in, got.Prefix.Addr())
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		in      string
		kind    error
		mention string // a part of the message
	}{
		{"", ErrEmpty, "Enter an IP address"},
		{"   ", ErrEmpty, "Enter an IP address"},
		{"1.2.3.4:80", ErrPort, "“1.2.3.4:80” has a port; enter the address only"},
		{"[::1]:80", ErrPort, "has a port"},
		{"[2001:db8::1]:443", ErrPort, "has a port"},
		{"[::1]", ErrInvalid, "without brackets"},
		{"fe80::1%eth0", ErrZone, "zone (“%eth0”)"},
		{"fe80::1%25eth0/64", ErrZone, "zone"},
		{"010.1.1.1", ErrLeadingZero, "leading zero (“010”)"},
		{"1.2.3.04", ErrLeadingZero, "“04”"},
		{"example.com", ErrHostname, "host name"},
		{"localhost", ErrHostname, "host name"},
		{"chat.example.com:8080", ErrHostname, "host name"},
		{"http://1.2.3.4/", ErrURL, "URL"},
		{"https://example.com/x?y", ErrURL, "URL"},
		{"http:1.2.3.4", ErrURL, "URL"},
		{"1.2.3", ErrInvalid, "not a valid IP address"},
		{"1.2.3.4.5", ErrInvalid, "not a valid IP address"},
		{"256.1.1.1", ErrInvalid, "not a valid IP address"},
		{"1.2.3.4 5.6.7.8", ErrInvalid, "spaces"},
		{"1.2.3.4/", ErrInvalid, "invalid range size"},
		{"1.2.3.4/33", ErrInvalid, "invalid range size “/33”"},
		{"1.2.3.4/024", ErrInvalid, "invalid range size"},
		{"1.2.3.4/+24", ErrInvalid, "invalid range size"},
		{"1.2.3.4/24/1", ErrInvalid, "invalid range size"},
		{"2001:db8::/129", ErrInvalid, "invalid range size"},
		{"::ffff:1.2.3.4/129", ErrInvalid, "invalid range size"},
		{"gggg::1", ErrInvalid, "not a valid IP address"},
		{"1.2.3.4\x00", ErrInvalid, "characters"},
		{"1.2.3.\xff", ErrInvalid, "characters"},
		{strings.Repeat("1", 200), ErrInvalid, "too long"},
		{"0.0.0.0/0", ErrRangeTooBroad, "would block a whole network"},
		{"::/0", ErrRangeTooBroad, "would block a whole network"},
		{"10.0.0.0/8", ErrRangeTooBroad, "16,777,216 addresses"},
		{"10.0.0.0/15", ErrRangeTooBroad, "131,072 addresses"},
		{"2001:db8::/31", ErrRangeTooBroad, "2^97 addresses"},
		{"::/32", ErrRangeTooBroad, "every IPv4 address"},
		{"::/80", ErrRangeTooBroad, "every IPv4 address"},
		{"::ffff:0:0/95", ErrRangeTooBroad, "every IPv4 address"},
		{"::ffff:0.0.0.0/96", ErrRangeTooBroad, "would block a whole network"},
	} {
		_, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q): want an error", tc.in)
			continue
		}
		if !errors.Is(err, tc.kind) {
			t.Errorf("Parse(%q) = %v, want kind %v", tc.in, err, tc.kind)
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || ae.Field != "ip" {
			t.Errorf("Parse(%q): want *apperr.Error invalid/ip, got %#v", tc.in, err)
			continue
		}
		if !strings.Contains(ae.Message, tc.mention) {
			t.Errorf("Parse(%q) message %q lacks %q", tc.in, ae.Message, tc.mention)
		}
	}
}

func TestLoHi(t *testing.T) {
	mapped := func(s string) [16]byte { return netip.MustParseAddr(s).As16() }
	for _, tc := range []struct{ in, lo, hi string }{
		{"1.2.3.4", "::ffff:1.2.3.4", "::ffff:1.2.3.4"},
		{"10.1.2.0/24", "::ffff:10.1.2.0", "::ffff:10.1.2.255"},
		{"10.1.0.0/16", "::ffff:10.1.0.0", "::ffff:10.1.255.255"},
		{"10.1.2.4/30", "::ffff:10.1.2.4", "::ffff:10.1.2.7"},
		{"2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8::/61", "2001:db8::", "2001:db8:0:7:ffff:ffff:ffff:ffff"},
		{"2001:db8::1", "2001:db8::1", "2001:db8::1"},
	} {
		target, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if got, want := target.Lo(), mapped(tc.lo); got != want {
			t.Errorf("%s: Lo = %x, want %x", tc.in, got, want)
		}
		if got, want := target.Hi(), mapped(tc.hi); got != want {
			t.Errorf("%s: Hi = %x, want %x", tc.in, got, want)
		}
	}
	// IPv4 sorts inside the shared space, after ::1 and before 2001:db8::.
	v4, v6 := MustParse("1.2.3.4"), MustParse("2001:db8::1")
	v4lo, v4hi, v6lo := v4.Lo(), v4.Hi(), v6.Lo()
	if bytes.Compare(v4lo[:], netip.IPv6Loopback().AsSlice()) <= 0 {
		t.Error("IPv4 key should sort after ::1")
	}
	if bytes.Compare(v4hi[:], v6lo[:]) >= 0 {
		t.Error("IPv4 key should sort before 2001:db8::1")
	}
}

func TestKeyMatchesLo(t *testing.T) {
	for _, s := range []string{"1.2.3.4", "::ffff:1.2.3.4", "2001:db8::5"} {
		a := netip.MustParseAddr(s)
		if Key(a) != MustParse(s).Lo() {
			t.Errorf("Key(%s) differs from its target's Lo", s)
		}
	}
	if Key(netip.MustParseAddr("1.2.3.4")) != Key(netip.MustParseAddr("::ffff:1.2.3.4")) {
		t.Error("IPv4 and its mapped form must share one key")
	}
}

func TestContains(t *testing.T) {
	r := MustParse("10.1.2.0/24")
	for s, want := range map[string]bool{
		"10.1.2.0": true, "10.1.2.255": true, "::ffff:10.1.2.9": true,
		"10.1.3.0": false, "10.1.1.255": false, "2001:db8::1": false,
	} {
		if got := r.Contains(netip.MustParseAddr(s)); got != want {
			t.Errorf("%v.Contains(%s) = %v, want %v", r, s, got, want)
		}
	}
}

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4":            "1.2.3.4",
		" 1.2.3.4 ":          "1.2.3.4",
		"::ffff:1.2.3.4":     "1.2.3.4",
		"2001:DB8::1":        "2001:db8::1",
		"1.2.3.4/32":         "1.2.3.4",
		"::ffff:1.2.3.4/128": "1.2.3.4",
	} {
		a, err := ParseIP(in)
		if err != nil || a.String() != want {
			t.Errorf("ParseIP(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for in, kind := range map[string]error{
		"10.0.0.0/24":  ErrNotSingle,
		"10.0.0.0/8":   ErrNotSingle,
		"fe80::1%eth0": ErrZone,
		"":             ErrEmpty,
		"1.2.3.4:80":   ErrPort,
		"010.1.1.1":    ErrLeadingZero,
		"host.example": ErrHostname,
	} {
		if _, err := ParseIP(in); !errors.Is(err, kind) {
			t.Errorf("ParseIP(%q) = %v, want %v", in, err, kind)
		}
	}
}

// MustParse is Parse for tests: it panics on error.
func MustParse(s string) Target {
	t, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return t
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1.2.3.4", "10.1.2.3/24", "::ffff:10.0.0.0/120", "2001:db8::/32",
		"fe80::1%eth0", "1.2.3.4:80", "010.1.1.1", "::/0", "[::1]:80", "a.b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		target, err := Parse(in)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || ae.Field != Field || ae.Err == nil || ae.Message == "" {
				t.Fatalf("Parse(%q): malformed error %#v", in, err)
			}
			return
		}
		s := target.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not re-parse: %v", in, s, err)
		}
		if again != target || again.String() != s {
			t.Fatalf("Parse(%q) = %q, re-parsed as %q", in, s, again)
		}
		if s != strings.ToLower(s) {
			t.Fatalf("Parse(%q) = %q, not lower case", in, s)
		}
		lo, hi := target.Lo(), target.Hi()
		if bytes.Compare(lo[:], hi[:]) > 0 {
			t.Fatalf("Parse(%q): Lo %x > Hi %x", in, lo, hi)
		}
		if !target.IsRange && lo != hi {
			t.Fatalf("Parse(%q): single address with Lo != Hi", in)
		}
		if a, err := ParseIP(s); !target.IsRange && (err != nil || a != target.Prefix.Addr()) {
			t.Fatalf("ParseIP(%q) = %v, %v", s, a, err)
		}
	})
}

// The never-ban list takes ranges far broader than a ban may be, within limits.
func TestParseProtected(t *testing.T) {
	for _, ok := range []string{"100.64.0.0/10", "10.0.0.0/8", "2001:db8::/16", "192.0.2.7"} {
		if _, err := ParseProtected(ok); err != nil {
			t.Errorf("ParseProtected(%q): %v", ok, err)
		}
		if _, err := Parse(ok); ok == "100.64.0.0/10" && err == nil {
			t.Errorf("Parse(%q) accepts a /10 ban", ok)
		}
	}
	for _, bad := range []string{"0.0.0.0/0", "96.0.0.0/4", "2000::/8", "not an ip"} {
		if _, err := ParseProtected(bad); err == nil {
			t.Errorf("ParseProtected(%q) accepted", bad)
		}
	}
}
