package contacts_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
)

// The samples in docs/samples round-trip through both importers; fuzzing.

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
