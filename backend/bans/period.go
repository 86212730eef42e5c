package bans

import (
	"fmt"
	"strings"
	"time"

	"banlist/backend/apperr"
)

// Period is how long a ban lasts from the moment it is made or renewed.
type Period string

// The ban periods a supervisor can choose.
const (
	Hour  Period = "1h"
	Day   Period = "1d"
	Week  Period = "1w"
	Month Period = "1mo"
)

// Periods lists every period, shortest first, for the UI.
func Periods() []Period { return []Period{Hour, Day, Week, Month} }

// Label returns the period in words ("1 hour", …). An unknown value is
// returned as it is.
func (p Period) Label() string {
	switch p {
	case Hour:
		return "1 hour"
	case Day:
		return "1 day"
	case Week:
		return "1 week"
	case Month:
		return "1 month"
	}
	return string(p)
}

// Valid reports whether p is one of Periods.
func (p Period) Valid() bool {
	switch p {
	case Hour, Day, Week, Month:
		return true
	}
	return false
}

// Add returns the moment a ban made at t with this period ends, in UTC.
// A month is a calendar month clamped to the end of the shorter month
// (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). An invalid period
// returns t unchanged.
func (p Period) Add(t time.Time) time.Time {
	t = t.UTC()
	switch p {
	case Hour:
		return t.Add(time.Hour)
	case Day:
		return t.Add(24 * time.Hour)
	case Week:
		return t.Add(7 * 24 * time.Hour)
	case Month:
		y, m, d := t.Date()
		// Day 0 of the month after next is the last day of next month.
		last := time.Date(y, m+2, 0, 0, 0, 0, 0, time.UTC).Day()
		if d > last {
			d = last
		}
		return time.Date(y, m+1, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	return t
}

// ParsePeriod reads a period code ("1h", "1d", "1w", "1mo") or its label
// ("1 hour", …), ignoring case and surrounding spaces. Anything else is an
// *apperr.Error with Field "period" wrapping ErrInvalidPeriod.
func ParsePeriod(s string) (Period, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	for _, p := range Periods() {
		if norm == string(p) || norm == p.Label() {
			return p, nil
		}
	}
	msg := "Choose how long to block: 1 hour, 1 day, 1 week or 1 month."
	if norm != "" {
		msg = fmt.Sprintf("%q is not a ban period; choose 1 hour, 1 day, 1 week or 1 month.", shorten(s, 40))
	}
	return "", &apperr.Error{Code: apperr.CodeInvalid, Field: "period", Message: msg, Err: ErrInvalidPeriod}
}

// shorten cuts s to at most n runes for use in a message.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
