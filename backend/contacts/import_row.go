package contacts

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Turning one row's values into a Contact, with an error per bad field.

// rowValues are one row's raw field values as text, before validation.
type rowValues struct {
	val [nFields]string
	bad [nFields]bool // already reported; skip the field
}

// contact validates v and builds the Contact, or returns every problem
// found (after errs, the problems the caller already found). name spells a
// field as the file does.
func (v *rowValues) contact(name func(int) string, line, record int, errs []RowError) (Contact, []RowError) {
	fail := func(f int, msg string) {
		errs = append(errs, RowError{Line: line, Record: record, Field: name(f), Message: msg})
		v.bad[f] = true
	}
	var (
		c              Contact
		started, ended time.Time
		hasEnded       bool
		hasDuration    bool
	)
	for f, spec := range fieldSpecs {
		if v.bad[f] {
			continue
		}
		raw := v.val[f]
		if !utf8.ValidString(raw) {
			fail(f, "is not valid UTF-8 text")
			continue
		}
		if strings.IndexByte(raw, 0) >= 0 {
			fail(f, "contains a NUL byte")
			continue
		}
		s := strings.TrimSpace(raw)
		if s == "" {
			if spec.required {
				fail(f, "a value is required")
			}
			continue
		}
		switch spec.kind {
		case kindText:
			if n := utf8.RuneCountInString(s); n > spec.max {
				fail(f, fmt.Sprintf("is too long (%d characters; at most %d)", n, spec.max))
				continue
			}
			*textField(&c, f) = s
		case kindIP:
			addr, err := netip.ParseAddr(s)
			switch {
			case err != nil:
				fail(f, show(s)+" is not an IP address")
			case addr.Zone() != "":
				fail(f, fmt.Sprintf("%s has an IPv6 zone (%%%s); give the address without it", show(s), addr.Zone()))
			default:
				c.IP = s
			}
		case kindTime:
			t, ok := parseTime(s)
			if !ok {
				fail(f, show(s)+" is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or "+plainTimeLayout+" (UTC)")
				continue
			}
			if f == fStartedAt {
				started = t
			} else {
				ended, hasEnded = t, true
			}
		case kindCount, kindRating:
			n, err := strconv.ParseInt(s, 10, 64)
			switch {
			case errors.Is(err, strconv.ErrRange):
				fail(f, show(s)+" is too large")
				continue
			case err != nil:
				fail(f, show(s)+" is not a whole number")
				continue
			case spec.kind == kindRating && (n < 1 || n > 5):
				fail(f, show(s)+" is not a rating from 1 to 5")
				continue
			case n < 0:
				fail(f, show(s)+" is negative; it must be 0 or more")
				continue
			}
			switch f {
			case fDurationSec:
				c.DurationSec, hasDuration = n, true
			case fMessages:
				c.Messages = n
			case fRating:
				c.Rating = &n
			}
		}
	}
	if hasEnded && !v.bad[fStartedAt] {
		if ended.Before(started) {
			fail(fEndedAt, fmt.Sprintf("%s is before %s (%s)", show(strings.TrimSpace(v.val[fEndedAt])),
				name(fStartedAt), show(strings.TrimSpace(v.val[fStartedAt]))))
		} else if !hasDuration {
			c.DurationSec = (ended.UnixMilli() - started.UnixMilli()) / 1000
		}
	}
	if len(errs) > 0 {
		return Contact{}, errs
	}
	c.StartedAt = started
	if hasEnded {
		c.EndedAt = &ended
	}
	return c, nil
}

// textField returns the Contact field that text field f fills.
func textField(c *Contact, f int) *string {
	switch f {
	case fVisitorName:
		return &c.VisitorName
	case fEmail:
		return &c.Email
	case fChannel:
		return &c.Channel
	case fAgent:
		return &c.Agent
	case fDepartment:
		return &c.Department
	case fCountry:
		return &c.Country
	case fUserAgent:
		return &c.UserAgent
	case fFirstMessage:
		return &c.FirstMessage
	}
	panic(fmt.Sprintf("contacts: field %d is not a text field", f))
}

// parseTime reads RFC 3339, or plainTimeLayout as UTC, and returns UTC.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation(plainTimeLayout, s, time.UTC)
	}
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// show quotes a value from the file for a message: escaped, and cut short
// when long.
func show(s string) string {
	const maxShown = 40
	n := 0
	for i := range s {
		if n == maxShown {
			s = s[:i] + "…"
			break
		}
		n++
	}
	q := strconv.Quote(s)
	return "“" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "”"
}
