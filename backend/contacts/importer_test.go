package contacts_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
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

func TestImportKeepsGoodRowsAndReportsBadOnes(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		body := csvFile(
			map[string]string{"visitor_name": "one"},
			map[string]string{"ip": "x"},
			map[string]string{"visitor_name": "three"},
			map[string]string{"rating": "10"},
			map[string]string{"visitor_name": "five"},
		)
		rep := mustImport(t, s, contacts.ImportCSV, body)
		if rep.Total != 5 || rep.Imported != 3 || rep.RejectedCount != 2 || rep.Truncated {
			t.Fatalf("report %+v", rep)
		}
		if rep.Rejected[0].Line != 3 || rep.Rejected[1].Line != 5 {
			t.Errorf("rejected lines: %+v", rep.Rejected)
		}
		var got []string
		for _, c := range stored(t, s, 3) {
			got = append(got, c.VisitorName)
		}
		if fmt.Sprint(got) != "[one three five]" {
			t.Errorf("stored %v", got)
		}
	})
}

func TestImportAllRowsBadIsNotAnError(t *testing.T) {
	s := newStore(t)
	rep := mustImport(t, s, contacts.ImportCSV, csvFile(map[string]string{"ip": "a"}, map[string]string{"ip": "b"}))
	if rep.Total != 2 || rep.Imported != 0 || rep.RejectedCount != 2 || len(rep.Rejected) != 2 || count(t, s) != 0 {
		t.Errorf("report %+v, stored %d", rep, count(t, s))
	}
}

func TestImportCapsTheListedProblems(t *testing.T) {
	s := newStore(t)
	rows := []map[string]string{{}}
	for range contacts.MaxRowErrors + 5 {
		rows = append(rows, map[string]string{"ip": "bad"})
	}
	rows = append(rows, map[string]string{})
	rep := mustImport(t, s, contacts.ImportCSV, csvFile(rows...))
	if rep.Total != contacts.MaxRowErrors+7 || rep.Imported != 2 || rep.RejectedCount != contacts.MaxRowErrors+5 ||
		len(rep.Rejected) != contacts.MaxRowErrors || !rep.Truncated {
		t.Errorf("total %d imported %d rejected %d listed %d truncated %v",
			rep.Total, rep.Imported, rep.RejectedCount, len(rep.Rejected), rep.Truncated)
	}
	if last := rep.Rejected[len(rep.Rejected)-1]; last.Line != contacts.MaxRowErrors+2 {
		t.Errorf("last listed problem at line %d", last.Line)
	}
}

func TestImportLimits(t *testing.T) {
	csvBody := csvFile(map[string]string{}, map[string]string{}, map[string]string{"ip": "bad"})
	jsonBody := `[{"startedAt":"2026-01-05T10:00:00Z","ip":"192.0.2.1"},
{"startedAt":"2026-01-05T10:00:00Z","ip":"192.0.2.2"},
{"startedAt":"2026-01-05T10:00:00Z","ip":"bad"}]`
	for _, tc := range []struct {
		format   contacts.ImportFormat
		body     string
		lastLine int
	}{{contacts.ImportCSV, csvBody, 4}, {contacts.ImportJSON, jsonBody, 3}} {
		t.Run(string(tc.format), func(t *testing.T) {
			s := newStore(t)
			_, err := doImport(t, s, tc.format, tc.body, contacts.ImportLimits{MaxRows: 2})
			wantFatal(t, s, err, apperr.CodeTooLarge, "more than 2 rows", fmt.Sprintf("row 3 is at line %d", tc.lastLine))

			size := int64(len(tc.body))
			_, err = doImport(t, s, tc.format, tc.body, contacts.ImportLimits{MaxBytes: size - 1})
			wantFatal(t, s, err, apperr.CodeTooLarge, "larger than")
			_, err = doImport(t, s, tc.format, tc.body, contacts.ImportLimits{MaxBytes: 1 << 10})
			if size > 1<<10 {
				t.Fatal("test body too big")
			}
			if err != nil {
				t.Fatalf("within 1 KiB: %v", err)
			}

			rep, err := doImport(t, s, tc.format, tc.body, contacts.ImportLimits{MaxRows: 3, MaxBytes: size})
			if err != nil || rep.Imported != 2 {
				t.Errorf("exactly at the limits: %+v, %v", rep, err)
			}
		})
	}
	if contacts.DefaultImportLimits != (contacts.ImportLimits{MaxRows: 200_000, MaxBytes: 64 << 20}) {
		t.Errorf("DefaultImportLimits = %+v", contacts.DefaultImportLimits)
	}
}

func TestImportTooLargeMessageInMiB(t *testing.T) {
	s := newStore(t)
	r := io.MultiReader(strings.NewReader("started_at,ip\n"), &endless{line: []byte("2026-01-05 10:00:00,192.0.2.1\n")})
	_, err := s.Import(context.Background(), r, contacts.ImportCSV, contacts.ImportLimits{MaxBytes: 1 << 20, MaxRows: 1 << 30})
	wantFatal(t, s, err, apperr.CodeTooLarge, "larger than 1 MiB")
}

// endless repeats line forever.
type endless struct {
	line []byte
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.line[e.off:])
		n += c
		e.off = (e.off + c) % len(e.line)
	}
	return n, nil
}

func TestImportUnreadableInput(t *testing.T) {
	for _, format := range []contacts.ImportFormat{contacts.ImportCSV, contacts.ImportJSON} {
		s := newStore(t)
		boom := errors.New("disk on fire")
		head := "started_at,ip\n2026-01-05 10:00:00,192.0.2.1\n"
		if format == contacts.ImportJSON {
			head = `[{"startedAt":"2026-01-05T10:00:00Z","ip":"192.0.2.1"},`
		}
		r := io.MultiReader(strings.NewReader(head), iotest.ErrReader(boom))
		_, err := s.Import(context.Background(), r, format, contacts.ImportLimits{})
		wantFatal(t, s, err, apperr.CodeUnavailable, "Could not read the file", "disk on fire")
		if !errors.Is(err, boom) {
			t.Errorf("%s: error does not wrap the cause", format)
		}
	}
}

func TestImportUnknownFormat(t *testing.T) {
	s := newStore(t)
	_, err := doImport(t, s, "xml", "<contacts/>", contacts.ImportLimits{})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || ae.Field != "format" {
		t.Errorf("format xml: %v", err)
	}
}

func TestImportFormatOf(t *testing.T) {
	for name, want := range map[string]contacts.ImportFormat{
		"a.csv": contacts.ImportCSV, "/x/B.CSV": contacts.ImportCSV, "c.json": contacts.ImportJSON, "d.Json": contacts.ImportJSON,
		"e.txt": "", "f": "", "csv": "", "g.csv.gz": "",
	} {
		got, err := contacts.ImportFormatOf(name)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("ImportFormatOf(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestImportDatabaseFailureWritesNothing(t *testing.T) {
	db, _ := storetest.Open(t)
	s := contacts.New(db)
	// Fail the write on the 700th row, in the second insert batch.
	if err := db.Exec(`CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN NEW.visitor_name = 'row 700'
		BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`).Error; err != nil {
		t.Fatal(err)
	}
	rows := make([]map[string]string, 800)
	for i := range rows {
		rows[i] = map[string]string{"visitor_name": fmt.Sprintf("row %d", i+1)}
	}
	_, err := doImport(t, s, contacts.ImportCSV, csvFile(rows...), contacts.ImportLimits{})
	wantFatal(t, s, err, apperr.CodeUnavailable, "Could not save the imported contacts", "simulated failure")
}

func TestImportCancelled(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		s := e.store(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Import(ctx, strings.NewReader(csvFile(map[string]string{})), contacts.ImportCSV, contacts.ImportLimits{})
		wantFatal(t, s, err, apperr.CodeUnavailable, "cancelled")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v does not wrap context.Canceled", err)
		}
	})
}

// ---- JSON ----

func TestImportJSONRowValidation(t *testing.T) {
	const ok = `"startedAt": "2026-01-05T10:00:00Z", "ip": "192.0.2.1"`
	for _, tc := range []struct {
		name, elem string
		want       []wantErr
	}{
		{"bad ip", `{"startedAt": "2026-01-05 10:00:00", "ip": "300.1.2.3"}`,
			[]wantErr{{"ip", "“300.1.2.3” is not an IP address"}}},
		{"zone", `{"startedAt": "2026-01-05 10:00:00", "ip": "fe80::1%25en0"}`,
			[]wantErr{{"ip", "“fe80::1%25en0” has an IPv6 zone (%25en0); give the address without it"}}},
		{"missing ip", `{"startedAt": "2026-01-05 10:00:00"}`,
			[]wantErr{{"ip", "a value is required"}}},
		{"null ip", `{"startedAt": "2026-01-05 10:00:00", "ip": null}`,
			[]wantErr{{"ip", "a value is required"}}},
		{"snake_case key", `{"started_at": "2026-01-05 10:00:00", "ip": "192.0.2.1"}`,
			[]wantErr{{"started_at", "is not a known field (did you mean “startedAt”?)"}, {"startedAt", "a value is required"}}},
		{"typo key", `{` + ok + `, "emial": "a@example.com"}`,
			[]wantErr{{"emial", "is not a known field (did you mean “email”?)"}}},
		{"unknown key", `{` + ok + `, "priority": "high"}`,
			[]wantErr{{"priority", "is not a known field"}}},
		{"short unknown key gets no far-fetched suggestion", `{` + ok + `, "xy": 1}`,
			[]wantErr{{"xy", "is not a known field"}}},
		{"swapped letters", `{` + ok + `, "agnet": "Ben"}`,
			[]wantErr{{"agnet", "is not a known field (did you mean “agent”?)"}}},
		{"key case", `{` + ok + `, "UserAgent": "UA"}`,
			[]wantErr{{"UserAgent", "is not a known field (did you mean “userAgent”?)"}}},
		{"control character in key", `{` + ok + `, "note\u0001": 1}`,
			[]wantErr{{`note\x01`, "is not a known field"}}},
		{"repeated key", `{` + ok + `, "ip": "192.0.2.2"}`,
			[]wantErr{{"ip", "appears more than once"}}},
		{"number for a string", `{"startedAt": "2026-01-05 10:00:00", "ip": 3221225985}`,
			[]wantErr{{"ip", "must be a string, not a number"}}},
		{"object for a string", `{` + ok + `, "agent": {"name": "Ben"}}`,
			[]wantErr{{"agent", "must be a string, not an object"}}},
		{"string for a number", `{` + ok + `, "messages": "12"}`,
			[]wantErr{{"messages", "must be a whole number, not a string"}}},
		{"bool for a number", `{` + ok + `, "durationSec": true}`,
			[]wantErr{{"durationSec", "must be a whole number, not true or false"}}},
		{"fractional rating", `{` + ok + `, "rating": 4.5}`,
			[]wantErr{{"rating", "“4.5” is not a whole number"}}},
		{"exponent", `{` + ok + `, "messages": 1e3}`,
			[]wantErr{{"messages", "“1e3” is not a whole number"}}},
		{"rating range", `{` + ok + `, "rating": 0}`,
			[]wantErr{{"rating", "“0” is not a rating from 1 to 5"}}},
		{"negative duration", `{` + ok + `, "durationSec": -1}`,
			[]wantErr{{"durationSec", "“-1” is negative; it must be 0 or more"}}},
		{"ended before started", `{` + ok + `, "endedAt": "2026-01-05T09:00:00Z"}`,
			[]wantErr{{"endedAt", "“2026-01-05T09:00:00Z” is before startedAt (“2026-01-05T10:00:00Z”)"}}},
		{"bad time", `{"startedAt": "Jan 5, 2026", "ip": "192.0.2.1"}`,
			[]wantErr{{"startedAt", "“Jan 5, 2026” is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or 2006-01-02 15:04:05 (UTC)"}}},
		{"NUL escape", `{` + ok + `, "visitorName": "a\u0000b"}`,
			[]wantErr{{"visitorName", "contains a NUL byte"}}},
		{"invalid UTF-8", `{` + ok + `, "visitorName": "Ren` + "\xe9" + `"}`,
			[]wantErr{{"visitorName", "is not valid UTF-8 text"}}},
		{"too long", `{` + ok + `, "firstMessage": "` + strings.Repeat("x", 2001) + `"}`,
			[]wantErr{{"firstMessage", "is too long (2001 characters; at most 2000)"}}},
		{"not an object", `42`, []wantErr{{"", "is a number, not a contact object"}}},
		{"an array", `["2026-01-05", "192.0.2.1"]`, []wantErr{{"", "is an array, not a contact object"}}},
		{"null element", `null`, []wantErr{{"", "is null, not a contact object"}}},
		// Valid: no problem.
		{"id is ignored and nulls are absent", `{"id": 99, ` + ok + `, "endedAt": null, "rating": null, "email": null}`, nil},
		{"all fields", `{` + ok + `, "visitorName": "Ana", "email": "a@example.com", "channel": "web", "endedAt": "2026-01-05T10:01:00Z",
			"durationSec": 60, "agent": "Ben", "department": "Sales", "messages": 3, "rating": 5, "country": "PT",
			"userAgent": "UA", "firstMessage": "hi"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			body := "[\n  {" + ok + "},\n  " + tc.elem + ",\n  {" + ok + "}\n]\n"
			rep := mustImport(t, s, contacts.ImportJSON, body)
			want := []contacts.RowError{}
			for _, w := range tc.want {
				want = append(want, contacts.RowError{Line: 3, Record: 2, Field: w.field, Message: w.message})
			}
			if !reflect.DeepEqual(rep.Rejected, want) {
				t.Errorf("rejected:\n got %+v\nwant %+v", rep.Rejected, want)
			}
			wantImported := 3
			if len(tc.want) > 0 {
				wantImported = 2
			}
			if rep.Total != 3 || rep.Imported != wantImported || count(t, s) != int64(wantImported) {
				t.Errorf("total %d imported %d; want 3, %d", rep.Total, rep.Imported, wantImported)
			}
		})
	}
}

func TestImportJSONLinesAndRecords(t *testing.T) {
	s := newStore(t)
	body := `[
  {
    "startedAt": "2026-01-05T10:00:00Z",
    "ip": "192.0.2.1",
    "firstMessage": "line\nbreak"
  },

  {"startedAt": "2026-01-05T10:00:00Z", "ip": "bad"}, {"ip": "192.0.2.3"},
  {
    "startedAt": "2026-01-05T10:00:00Z",
    "ip": "192.0.2.4",
    "rating": 9
  }
]`
	rep := mustImport(t, s, contacts.ImportJSON, body)
	want := []contacts.RowError{
		{Line: 8, Record: 2, Field: "ip", Message: "“bad” is not an IP address"},
		{Line: 8, Record: 3, Field: "startedAt", Message: "a value is required"},
		{Line: 9, Record: 4, Field: "rating", Message: "“9” is not a rating from 1 to 5"},
	}
	if !reflect.DeepEqual(rep.Rejected, want) || rep.Total != 4 || rep.Imported != 1 {
		t.Errorf("report %+v\nwant rejected %+v", rep, want)
	}
	// Minified: every record on line 1, told apart by Record.
	s = newStore(t)
	rep = mustImport(t, s, contacts.ImportJSON, `[{"ip":"x"},{"ip":"y"}]`)
	if len(rep.Rejected) != 4 || rep.Rejected[2].Line != 1 || rep.Rejected[2].Record != 2 {
		t.Errorf("minified: %+v", rep.Rejected)
	}
}

func TestImportJSONFatal(t *testing.T) {
	const good = `{"startedAt": "2026-01-05T10:00:00Z", "ip": "192.0.2.1"}`
	for _, tc := range []struct {
		name, body string
		parts      []string
	}{
		{"empty", "", []string{"empty"}},
		{"blank", " \n\t\n", []string{"empty"}},
		{"syntax error mid-file", "[\n" + good + ",\n" + good + ",\n  {\"ip\": 192.0.2.1}\n]", []string{"not valid JSON at line 4, column 15", "invalid character '.'"}},
		{"trailing comma", "[\n" + good + ",\n]", []string{"line 3, column 1"}},
		{"cut short", "[\n" + good + ",\n" + good, []string{"ends unexpectedly at line 3", "cut short"}},
		{"two arrays", "[" + good + "]\n[" + good + "]", []string{"line 2, column 1", "after top-level value"}},
		{"single object", good, []string{"must hold a JSON array", "holds an object", "Put a single contact in [ ]"}},
		{"string", `"contacts"`, []string{"holds a string"}},
		{"CSV given as JSON", "started_at,ip\n2026-01-05 10:00:00,192.0.2.1\n", []string{"line 1, column 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			_, err := doImport(t, s, contacts.ImportJSON, tc.body, contacts.ImportLimits{})
			wantFatal(t, s, err, apperr.CodeInvalid, tc.parts...)
		})
	}
}

func TestImportJSONEmptyArrayAndBOM(t *testing.T) {
	s := newStore(t)
	if rep := mustImport(t, s, contacts.ImportJSON, " [ ] "); rep.Total != 0 {
		t.Errorf("[]: %+v", rep)
	}
	rep := mustImport(t, s, contacts.ImportJSON, "\xEF\xBB\xBF[{\"startedAt\": \"2026-01-05T10:00:00Z\", \"ip\": \"192.0.2.1\"}]")
	if rep.Imported != 1 {
		t.Errorf("with a BOM: %+v", rep)
	}
}

// ---- the samples in docs/samples ----

const samplesDir = "../../docs/samples/"

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(samplesDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sameContact(a, b contacts.Contact) bool {
	timeEq := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	rateEq := (a.Rating == nil) == (b.Rating == nil) && (a.Rating == nil || *a.Rating == *b.Rating)
	a.StartedAt, b.StartedAt = a.StartedAt.UTC(), b.StartedAt.UTC()
	return a.VisitorName == b.VisitorName && a.Email == b.Email && a.IP == b.IP && a.Channel == b.Channel &&
		a.StartedAt.Equal(b.StartedAt) && timeEq(a.EndedAt, b.EndedAt) && a.DurationSec == b.DurationSec &&
		a.Agent == b.Agent && a.Department == b.Department && a.Messages == b.Messages && rateEq &&
		a.Country == b.Country && a.UserAgent == b.UserAgent && a.FirstMessage == b.FirstMessage
}

func TestSampleJSONRoundTrip(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		body := readSample(t, "contacts.json")
		var want []contacts.Contact
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatal(err)
		}
		s := e.store(t)
		rep := mustImport(t, s, contacts.ImportJSON, body)
		if rep.Total != len(want) || rep.Imported != len(want) || len(want) < 10 {
			t.Fatalf("report %+v for %d contacts", rep, len(want))
		}
		for i, got := range stored(t, s, len(want)) {
			if !sameContact(got, want[i]) {
				t.Errorf("contact %d:\n got %+v\nwant %+v", i+1, got, want[i])
			}
		}
	})
}

func TestSampleCSVRoundTrip(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		body := readSample(t, "contacts.csv")
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != fullHeader {
			t.Fatalf("sample header %q, want the documented %q", recs[0], fullHeader)
		}
		s := e.store(t)
		rep := mustImport(t, s, contacts.ImportCSV, body)
		if rep.Total != len(recs)-1 || rep.Imported != rep.Total || rep.Total < 10 {
			t.Fatalf("report %+v for %d records", rep, len(recs)-1)
		}
		parseTime := func(s string) time.Time {
			t.Helper()
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				v, err = time.Parse("2006-01-02 15:04:05", s)
			}
			if err != nil {
				t.Fatalf("sample time %q: %v", s, err)
			}
			return v
		}
		ipv6 := false
		for i, c := range stored(t, s, rep.Total) {
			r := map[string]string{}
			for j, col := range recs[0] {
				r[col] = recs[i+1][j]
			}
			want := contacts.Contact{
				VisitorName: r["visitor_name"], Email: r["email"], IP: r["ip"], Channel: r["channel"],
				StartedAt: parseTime(r["started_at"]), Agent: r["agent"], Department: r["department"],
				Country: r["country"], UserAgent: r["user_agent"], FirstMessage: r["first_message"],
			}
			want.Messages, _ = strconv.ParseInt(r["messages"], 10, 64)
			if r["ended_at"] != "" {
				e := parseTime(r["ended_at"])
				want.EndedAt = &e
				want.DurationSec = int64(e.Sub(want.StartedAt) / time.Second)
			}
			if r["duration_sec"] != "" {
				want.DurationSec, _ = strconv.ParseInt(r["duration_sec"], 10, 64)
			}
			if r["rating"] != "" {
				n, _ := strconv.ParseInt(r["rating"], 10, 64)
				want.Rating = &n
			}
			if !sameContact(c, want) {
				t.Errorf("line of record %d:\n got %+v\nwant %+v", i+1, c, want)
			}
			ipv6 = ipv6 || strings.Contains(c.IP, ":")
		}
		if !ipv6 {
			t.Error("the CSV sample has no IPv6 contact")
		}
	})
}

func TestSamplesHoldTheSameContacts(t *testing.T) {
	fromCSV, fromJSON := newStore(t), newStore(t)
	n := mustImport(t, fromCSV, contacts.ImportCSV, readSample(t, "contacts.csv")).Imported
	if m := mustImport(t, fromJSON, contacts.ImportJSON, readSample(t, "contacts.json")).Imported; m != n {
		t.Fatalf("CSV sample has %d contacts, JSON sample %d", n, m)
	}
	a, b := stored(t, fromCSV, n), stored(t, fromJSON, n)
	for i := range a {
		if !sameContact(a[i], b[i]) {
			t.Errorf("contact %d differs:\n csv %+v\njson %+v", i+1, a[i], b[i])
		}
	}
}

// ---- fuzzing ----

// fuzzImport checks the import invariants on arbitrary input: no panic,
// imported + rejected == total, and a fatal error writes nothing.
func fuzzImport(f *testing.F, format contacts.ImportFormat, seeds ...string) {
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}
	s := newStore(f)
	limits := contacts.ImportLimits{MaxRows: 64, MaxBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := count(t, s)
		rep, err := s.Import(context.Background(), bytes.NewReader(data), format, limits)
		after := count(t, s)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || (ae.Code != apperr.CodeInvalid && ae.Code != apperr.CodeTooLarge) || ae.Message == "" {
				t.Fatalf("fatal error %v (%T) is not an invalid/too_large *apperr.Error", err, err)
			}
			if after != before {
				t.Fatalf("a fatal error (%v) left %d rows written", err, after-before)
			}
			return
		}
		checkReport(t, rep)
		if after-before != int64(rep.Imported) {
			t.Fatalf("report says %d imported, database grew by %d", rep.Imported, after-before)
		}
	})
}

func FuzzImportCSV(f *testing.F) {
	fuzzImport(f, contacts.ImportCSV,
		readSampleF(f, "contacts.csv"),
		"started_at,ip\n2026-01-05 10:00:00,192.0.2.1\n2026-01-05 10:00:00,bad\n",
		"\xEF\xBB\xBFIP,Started_At,rating\n::1,2026-01-05T10:00:00Z,9\n",
		"started_at,ip,first_message\n2026-01-05 10:00:00,192.0.2.1,\"open\n",
		"started_at,ip\n,\n,,,\n\x00,\xff\n",
		"started_at;ip\n",
		"",
	)
}

func FuzzImportJSON(f *testing.F) {
	fuzzImport(f, contacts.ImportJSON,
		readSampleF(f, "contacts.json"),
		`[{"startedAt":"2026-01-05T10:00:00Z","ip":"192.0.2.1"},{"ip":1},null,[],{"ip":"x","ip":"y"}]`,
		`[{"startedAt":"2026-01-05 10:00:00","ip":"fe80::1%eth0","rating":4.5,"id":3,"endedAt":null}]`,
		`[{"startedAt":"2026-01-05T10:00:00Z","ip":"::1","visitorName":"a\u0000b"}`,
		`{"startedAt":"2026-01-05T10:00:00Z","ip":"::1"}`,
		"[]",
		"",
	)
}

func readSampleF(f *testing.F, name string) string {
	b, err := os.ReadFile(samplesDir + name)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}
