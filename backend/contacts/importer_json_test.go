package contacts_test

import (
	"reflect"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
)

// The JSON importer: row validation, JSON Lines, fatal errors.

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
