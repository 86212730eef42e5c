package bans

import (
	"slices"
	"testing"
	"time"

	"banlist/backend/apperr"
)

func TestPeriodAdd(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	plus5 := time.FixedZone("UTC+5", 5*3600)
	for _, tc := range []struct {
		name string
		p    Period
		from time.Time
		want time.Time
	}{
		{"hour", Hour, utc(2026, 1, 31, 23, 30), utc(2026, 2, 1, 0, 30)},
		{"day", Day, utc(2026, 1, 31, 14, 3), utc(2026, 2, 1, 14, 3)},
		{"week", Week, utc(2026, 12, 28, 8, 0), utc(2027, 1, 4, 8, 0)},
		{"month mid", Month, utc(2026, 1, 15, 10, 30), utc(2026, 2, 15, 10, 30)},
		{"Jan 31 clamps to Feb 28", Month, utc(2026, 1, 31, 14, 3), utc(2026, 2, 28, 14, 3)},
		{"Jan 31 clamps to Feb 29 in a leap year", Month, utc(2024, 1, 31, 9, 0), utc(2024, 2, 29, 9, 0)},
		{"Jan 30 leap year", Month, utc(2028, 1, 30, 0, 0), utc(2028, 2, 29, 0, 0)},
		{"Mar 31 clamps to Apr 30", Month, utc(2026, 3, 31, 0, 0), utc(2026, 4, 30, 0, 0)},
		{"Aug 31 to Sep 30", Month, utc(2026, 8, 31, 23, 59), utc(2026, 9, 30, 23, 59)},
		{"Dec 31 to Jan 31", Month, utc(2025, 12, 31, 12, 0), utc(2026, 1, 31, 12, 0)},
		{"Feb 28 to Mar 28", Month, utc(2026, 2, 28, 12, 0), utc(2026, 3, 28, 12, 0)},
		// 1 March 02:00 at UTC+5 is 28 February 21:00 UTC: months count in UTC.
		{"month in UTC", Month, time.Date(2026, 3, 1, 2, 0, 0, 0, plus5), utc(2026, 3, 28, 21, 0)},
		{"invalid is no-op", Period("2h"), utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0)},
	} {
		got := tc.p.Add(tc.from)
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("%s: %s.Add(%v) = %v, want %v (UTC)", tc.name, tc.p, tc.from, got, tc.want)
		}
	}
}

func TestPeriodsAndLabels(t *testing.T) {
	if got := Periods(); !slices.Equal(got, []Period{"1h", "1d", "1w", "1mo"}) {
		t.Fatalf("Periods() = %v", got)
	}
	want := []string{"1 hour", "1 day", "1 week", "1 month"}
	for i, p := range Periods() {
		if p.Label() != want[i] || !p.Valid() {
			t.Errorf("%s: label %q valid %v", p, p.Label(), p.Valid())
		}
	}
	if Period("2d").Valid() || Period("2d").Label() != "2d" {
		t.Error("unknown period should be invalid and label as itself")
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]Period{
		"1h": Hour, "1d": Day, "1w": Week, "1mo": Month,
		"1 hour": Hour, "1 day": Day, "1 week": Week, "1 month": Month,
		" 1MO ": Month, "1 Hour": Hour,
	} {
		got, err := ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", " ", "1m", "2h", "1 year", "hour", "1mo\x00", "forever"} {
		_, err := ParsePeriod(in)
		wantAppErr(t, err, apperr.CodeInvalid, "period", ErrInvalidPeriod, "1 hour, 1 day, 1 week or 1 month")
	}
}
