package contacts_test

import (
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
)

const fullHeader = "started_at,visitor_name,email,ip,channel,ended_at,duration_sec,agent,department,messages,rating,country,user_agent,first_message"

var columns = strings.Split(fullHeader, ",")

// csvFile builds a CSV file with the full header and one record per row;
// a row gives only the columns it needs. started_at and ip default to valid
// values unless the row sets them (to "" to leave them empty).
func csvFile(rows ...map[string]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(columns)
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			v, ok := r[c]
			switch {
			case ok:
				rec[i] = v
			case c == "started_at":
				rec[i] = "2026-01-05 10:00:00"
			case c == "ip":
				rec[i] = "192.0.2.1"
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.String()
}

func doImport(t testing.TB, s *contacts.Store, format contacts.ImportFormat, body string, limits contacts.ImportLimits) (contacts.ImportReport, error) {
	t.Helper()
	return s.Import(context.Background(), strings.NewReader(body), format, limits)
}

// mustImport imports body and fails the test on a fatal error.
func mustImport(t *testing.T, s *contacts.Store, format contacts.ImportFormat, body string) contacts.ImportReport {
	t.Helper()
	rep, err := doImport(t, s, format, body, contacts.ImportLimits{})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	checkReport(t, rep)
	return rep
}

// checkReport asserts the report's invariants.
func checkReport(t testing.TB, rep contacts.ImportReport) {
	t.Helper()
	if rep.Imported+rep.RejectedCount != rep.Total {
		t.Fatalf("imported %d + rejected %d != total %d", rep.Imported, rep.RejectedCount, rep.Total)
	}
	if rep.Rejected == nil || len(rep.Rejected) > contacts.MaxRowErrors {
		t.Fatalf("Rejected has %d entries (nil: %v)", len(rep.Rejected), rep.Rejected == nil)
	}
	if (rep.RejectedCount > 0) != (len(rep.Rejected) > 0) {
		t.Fatalf("%d rows rejected but %d problems listed", rep.RejectedCount, len(rep.Rejected))
	}
	for _, e := range rep.Rejected {
		if e.Line < 1 || e.Record < 1 || e.Record > rep.Total || e.Message == "" {
			t.Fatalf("bad RowError %+v (total %d)", e, rep.Total)
		}
	}
}

func count(t testing.TB, s *contacts.Store) int64 {
	t.Helper()
	n, err := s.Count(context.Background())
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

// stored returns the n contacts of a fresh database, in insertion order.
func stored(t *testing.T, s *contacts.Store, n int) []contacts.Contact {
	t.Helper()
	out := make([]contacts.Contact, n)
	for i := range out {
		c, err := s.Get(context.Background(), int64(i+1))
		if err != nil {
			t.Fatalf("Get(%d): %v", i+1, err)
		}
		out[i] = c
	}
	return out
}

// wantFatal asserts err is an *apperr.Error of code whose message contains
// every part, and that the database is still empty.
func wantFatal(t *testing.T, s *contacts.Store, err error, code apperr.Code, parts ...string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want *apperr.Error %s", err, err, code)
	}
	if ae.Code != code {
		t.Errorf("code = %s, want %s (%s)", ae.Code, code, ae.Message)
	}
	for _, p := range parts {
		if !strings.Contains(ae.Message, p) {
			t.Errorf("message %q does not contain %q", ae.Message, p)
		}
	}
	if !strings.Contains(ae.Message, "Nothing was imported.") {
		t.Errorf("message %q does not say nothing was imported", ae.Message)
	}
	if n := count(t, s); n != 0 {
		t.Errorf("%d contacts stored after a fatal error, want 0", n)
	}
}

type wantErr struct{ field, message string }

func TestImportCSVRowValidation(t *testing.T) {
	long := func(n int, r string) string { return strings.Repeat(r, n) }
	for _, tc := range []struct {
		name string
		row  map[string]string
		raw  string // used instead of row when set
		want []wantErr
	}{
		{name: "bad ip", row: map[string]string{"ip": "10.0.0.300"},
			want: []wantErr{{"ip", "“10.0.0.300” is not an IP address"}}},
		{name: "host name", row: map[string]string{"ip": "example.com"},
			want: []wantErr{{"ip", "“example.com” is not an IP address"}}},
		{name: "cidr", row: map[string]string{"ip": "192.0.2.0/24"},
			want: []wantErr{{"ip", "“192.0.2.0/24” is not an IP address"}}},
		{name: "zone", row: map[string]string{"ip": "fe80::1%eth0"},
			want: []wantErr{{"ip", "“fe80::1%eth0” has an IPv6 zone (%eth0); give the address without it"}}},
		{name: "missing ip", row: map[string]string{"ip": ""},
			want: []wantErr{{"ip", "a value is required"}}},
		{name: "blank started_at", row: map[string]string{"started_at": "   "},
			want: []wantErr{{"started_at", "a value is required"}}},
		{name: "unparseable started_at", row: map[string]string{"started_at": "31/01/2026"},
			want: []wantErr{{"started_at", "“31/01/2026” is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or 2006-01-02 15:04:05 (UTC)"}}},
		{name: "started_at without zone", row: map[string]string{"started_at": "2026-01-05T10:00:00"},
			want: []wantErr{{"started_at", "“2026-01-05T10:00:00” is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or 2006-01-02 15:04:05 (UTC)"}}},
		{name: "impossible date", row: map[string]string{"ended_at": "2026-02-30 10:00:00"},
			want: []wantErr{{"ended_at", "“2026-02-30 10:00:00” is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or 2006-01-02 15:04:05 (UTC)"}}},
		{name: "ended before started", row: map[string]string{"ended_at": "2026-01-05T09:59:59Z"},
			want: []wantErr{{"ended_at", "“2026-01-05T09:59:59Z” is before started_at (“2026-01-05 10:00:00”)"}}},
		{name: "negative duration", row: map[string]string{"duration_sec": "-5"},
			want: []wantErr{{"duration_sec", "“-5” is negative; it must be 0 or more"}}},
		{name: "huge duration", row: map[string]string{"duration_sec": "99999999999999999999"},
			want: []wantErr{{"duration_sec", "“99999999999999999999” is too large"}}},
		{name: "negative messages", row: map[string]string{"messages": "-1"},
			want: []wantErr{{"messages", "“-1” is negative; it must be 0 or more"}}},
		{name: "messages not a number", row: map[string]string{"messages": "many"},
			want: []wantErr{{"messages", "“many” is not a whole number"}}},
		{name: "messages fractional", row: map[string]string{"messages": "1.5"},
			want: []wantErr{{"messages", "“1.5” is not a whole number"}}},
		{name: "rating 0", row: map[string]string{"rating": "0"},
			want: []wantErr{{"rating", "“0” is not a rating from 1 to 5"}}},
		{name: "rating 6", row: map[string]string{"rating": "6"},
			want: []wantErr{{"rating", "“6” is not a rating from 1 to 5"}}},
		{name: "rating text", row: map[string]string{"rating": "good"},
			want: []wantErr{{"rating", "“good” is not a whole number"}}},
		{name: "long visitor name", row: map[string]string{"visitor_name": long(201, "a")},
			want: []wantErr{{"visitor_name", "is too long (201 characters; at most 200)"}}},
		{name: "long email", row: map[string]string{"email": long(190, "a") + "@example.com"},
			want: []wantErr{{"email", "is too long (202 characters; at most 200)"}}},
		{name: "long country", row: map[string]string{"country": long(201, "x")},
			want: []wantErr{{"country", "is too long (201 characters; at most 200)"}}},
		{name: "long user agent", row: map[string]string{"user_agent": long(1001, "u")},
			want: []wantErr{{"user_agent", "is too long (1001 characters; at most 1000)"}}},
		{name: "long first message", row: map[string]string{"first_message": long(2001, "é")},
			want: []wantErr{{"first_message", "is too long (2001 characters; at most 2000)"}}},
		{name: "invalid UTF-8", row: map[string]string{"visitor_name": "Ren\xe9"},
			want: []wantErr{{"visitor_name", "is not valid UTF-8 text"}}},
		{name: "NUL byte", row: map[string]string{"first_message": "hi\x00there"},
			want: []wantErr{{"first_message", "contains a NUL byte"}}},
		{name: "NUL in ip", row: map[string]string{"ip": "192.0.2.1\x00"},
			want: []wantErr{{"ip", "contains a NUL byte"}}},
		{name: "too few fields", raw: "2026-01-05 10:00:00,Ana,ana@example.com",
			want: []wantErr{{"", "has 3 fields, but the header has 14 columns"}}},
		{name: "too many fields", raw: strings.Repeat(",", 14),
			want: []wantErr{{"", "has 15 fields, but the header has 14 columns"}}},
		{name: "every problem of a row", row: map[string]string{"started_at": "yesterday", "ip": "nope", "rating": "9", "messages": "-3"},
			want: []wantErr{
				{"started_at", "“yesterday” is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or 2006-01-02 15:04:05 (UTC)"},
				{"ip", "“nope” is not an IP address"},
				{"messages", "“-3” is negative; it must be 0 or more"},
				{"rating", "“9” is not a rating from 1 to 5"},
			}},
		{name: "long value quoted short", row: map[string]string{"ip": long(100, "9")},
			want: []wantErr{{"ip", "“" + long(40, "9") + "…” is not an IP address"}}},
		{name: "control characters escaped", row: map[string]string{"ip": "1.2.3.4\x01\""},
			want: []wantErr{{"ip", "“1.2.3.4\\x01\"” is not an IP address"}}},
		// Valid edge cases: no problem.
		{name: "limits exactly", row: map[string]string{"visitor_name": long(200, "ü"), "user_agent": long(1000, "u"), "first_message": long(2000, "é")}},
		{name: "ended equals started", row: map[string]string{"ended_at": "2026-01-05T10:00:00Z"}},
		{name: "ratings 1 and zero counts", row: map[string]string{"rating": "1", "messages": "0", "duration_sec": "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			body := csvFile(map[string]string{"ip": "192.0.2.100"}, tc.row, map[string]string{"ip": "192.0.2.102"})
			if tc.raw != "" {
				lines := strings.Split(body, "\n")
				lines[2] = tc.raw
				body = strings.Join(lines, "\n")
			}
			rep := mustImport(t, s, contacts.ImportCSV, body)
			var want []contacts.RowError
			for _, w := range tc.want {
				want = append(want, contacts.RowError{Line: 3, Record: 2, Field: w.field, Message: w.message})
			}
			if want == nil {
				want = []contacts.RowError{}
			}
			if !reflect.DeepEqual(rep.Rejected, want) {
				t.Errorf("rejected:\n got %+v\nwant %+v", rep.Rejected, want)
			}
			wantImported := 3
			if len(tc.want) > 0 {
				wantImported = 2
			}
			if rep.Total != 3 || rep.Imported != wantImported || count(t, s) != int64(wantImported) {
				t.Errorf("total %d imported %d stored %d; want 3, %d", rep.Total, rep.Imported, count(t, s), wantImported)
			}
		})
	}
}

func TestImportCSVValuesAndNormalization(t *testing.T) {
	s := newStore(t)
	body := csvFile(
		map[string]string{"ip": " ::ffff:192.0.2.1 ", "started_at": "2026-01-05T11:00:00.1239+01:00", "ended_at": "2026-01-05 10:02:03",
			"visitor_name": "  Ana Silva  ", "channel": "", "rating": " 4 "},
		map[string]string{"ip": "2001:DB8::1", "started_at": "2026-01-05 10:00:00", "ended_at": "2026-01-05T10:00:30Z", "duration_sec": "45", "channel": "web"},
		map[string]string{"started_at": "2026-01-05 10:00:00"},
	)
	rep := mustImport(t, s, contacts.ImportCSV, body)
	if rep.Imported != 3 {
		t.Fatalf("imported %d, want 3: %v", rep.Imported, rep.Rejected)
	}
	got := stored(t, s, 3)
	started := time.Date(2026, 1, 5, 10, 0, 0, 123_000_000, time.UTC) // milliseconds kept
	if c := got[0]; c.IP != "192.0.2.1" || !c.StartedAt.Equal(started) || c.DurationSec != 122 || c.VisitorName != "Ana Silva" ||
		c.Channel != "chat" || c.Rating == nil || *c.Rating != 4 || c.EndedAt == nil {
		t.Errorf("row 1 = %+v", c)
	}
	if c := got[1]; c.IP != "2001:db8::1" || c.DurationSec != 45 || c.Channel != "web" {
		t.Errorf("row 2 = %+v (a given duration_sec wins over ended_at)", c)
	}
	if c := got[2]; c.EndedAt != nil || c.DurationSec != 0 || c.Rating != nil || c.Messages != 0 {
		t.Errorf("row 3 = %+v (absent values stay empty)", c)
	}
}

func TestImportCSVLinesFollowTheFile(t *testing.T) {
	s := newStore(t)
	body := "started_at,ip,first_message\r\n" + // line 1
		"2026-01-05 10:00:00,192.0.2.1,\"three\r\nline\r\nmessage\"\r\n" + // lines 2–4
		"\r\n" + // line 5: blank, skipped
		"2026-01-05 10:00:00,bad,\"x\"\r\n" + // line 6
		"2026-01-05 10:00:00,192.0.2.2,\"two\nlines\"\n" + // lines 7–8
		"2026-01-05 10:00:00,,\n" // line 9
	rep := mustImport(t, s, contacts.ImportCSV, body)
	want := []contacts.RowError{
		{Line: 6, Record: 2, Field: "ip", Message: "“bad” is not an IP address"},
		{Line: 9, Record: 4, Field: "ip", Message: "a value is required"},
	}
	if !reflect.DeepEqual(rep.Rejected, want) || rep.Total != 4 || rep.Imported != 2 {
		t.Errorf("report %+v, want rejected %+v", rep, want)
	}
	if c := stored(t, s, 1)[0]; c.FirstMessage != "three\nline\nmessage" {
		t.Errorf("multi-line message stored as %q", c.FirstMessage)
	}
}

func TestImportCSVHeader(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		parts        []string // of the fatal error; nil: no error
	}{
		{"case and spaces and order are free", " IP , Started_At ,Visitor_Name", nil},
		{"only required columns", "started_at,ip", nil},
		{"typo", "strated_at,ip", []string{"line 1", "“strated_at” (did you mean started_at?)"}},
		{"spaces for underscores", "Started At,ip", []string{"“Started At” (did you mean started_at?)"}},
		{"one letter off", "started_at,ip,agnt", []string{"“agnt” (did you mean agent?)"}},
		{"camel case", "startedAt,ip", []string{"“startedAt” (did you mean started_at?)"}},
		{"unknown", "started_at,ip,notes,Priority", []string{"“notes”", "“Priority”", "started_at, visitor_name, email"}},
		{"unnamed column", "started_at,ip,", []string{"column 3 has no name"}},
		{"twice", "started_at,ip,IP", []string{"ip twice (columns 2 and 3)"}},
		{"missing ip", "started_at,visitor_name", []string{"lacks the required column(s) ip"}},
		{"missing both", "visitor_name,email", []string{"lacks the required column(s) started_at, ip"}},
		{"data instead of header", "2026-01-05 10:00:00,192.0.2.1", []string{"unknown columns", "The first line must name the columns"}},
		{"semicolons", "started_at;ip", []string{"seem", "semicolons"}},
		{"tabs", "started_at\tip", []string{"tabs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			body := tc.header + "\n"
			n := strings.Count(tc.header, ",") + 1
			for range 2 {
				// a row that fits a header of started_at,ip[,…]
				body += "2026-01-05 10:00:00,192.0.2.1" + strings.Repeat(",", max(n-2, 0)) + "\n"
			}
			if strings.HasPrefix(tc.header, " IP") {
				body = tc.header + "\n192.0.2.1,2026-01-05 10:00:00,Ana\n"
			}
			rep, err := doImport(t, s, contacts.ImportCSV, body, contacts.ImportLimits{})
			if tc.parts == nil {
				if err != nil || rep.RejectedCount != 0 || rep.Imported == 0 {
					t.Fatalf("Import = %+v, %v; want rows imported", rep, err)
				}
				return
			}
			wantFatal(t, s, err, apperr.CodeInvalid, tc.parts...)
		})
	}
}

func TestImportCSVEmptyAndHeaderOnly(t *testing.T) {
	s := newStore(t)
	for _, body := range []string{"", "\n\n", "\xEF\xBB\xBF"} {
		_, err := doImport(t, s, contacts.ImportCSV, body, contacts.ImportLimits{})
		wantFatal(t, s, err, apperr.CodeInvalid, "empty", "header")
	}
	rep := mustImport(t, s, contacts.ImportCSV, "started_at,ip\n")
	if rep.Total != 0 || rep.Imported != 0 {
		t.Errorf("header only: %+v", rep)
	}
}

func TestImportCSVByteOrderMark(t *testing.T) {
	s := newStore(t)
	rep := mustImport(t, s, contacts.ImportCSV, "\xEF\xBB\xBFstarted_at,ip\r\n2026-01-05 10:00:00,192.0.2.1\r\n")
	if rep.Imported != 1 {
		t.Fatalf("with a BOM: %+v", rep)
	}
}

func TestImportCSVBrokenQuotingIsFatal(t *testing.T) {
	good := "2026-01-05 10:00:00,192.0.2.1,fine\n"
	for _, tc := range []struct {
		name, body string
		parts      []string
	}{
		{"unterminated quote mid-file",
			"started_at,ip,first_message\n" + good + good + "2026-01-05 10:00:00,192.0.2.4,\"never closed\n" + good + good,
			[]string{"record that starts at line 4 has a broken quote", "noticed at line 6"}},
		{"bare quote",
			"started_at,ip,first_message\n" + good + "2026-01-05 10:00:00,192.0.2.4,say \"hi\"\n" + good,
			[]string{"not valid CSV at line 3, column 35", `bare "`}},
		{"text after closing quote",
			"started_at,ip,first_message\n" + good + good + good + "2026-01-05 10:00:00,\"192.0.2.4\"x,y\n",
			[]string{"line 5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			_, err := doImport(t, s, contacts.ImportCSV, tc.body, contacts.ImportLimits{})
			wantFatal(t, s, err, apperr.CodeInvalid, tc.parts...)
		})
	}
}
