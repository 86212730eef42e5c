package banscsv

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/bans"
)

func TestWriteDefusesFormulasAndUsesUTC(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 3, 0, 0, time.FixedZone("X", 3600))
	var buf bytes.Buffer
	err := Write(&buf, []bans.Ban{{Target: "192.0.2.1", Status: bans.StatusActive, Period: bans.Day, CreatedAt: at, ExpiresAt: at.Add(24 * time.Hour),
		CreatedBy: "@admin", Notes: "=1+1, said \"he\"\nnext line"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "target,status,period,created_at,created_by,expires_at,removed_at,removed_by,renewals,notes\n" +
		"192.0.2.1,active,1d,2026-11-25T13:03:00Z,'@admin,2026-11-26T13:03:00Z,,,0,\"'=1+1, said \"\"he\"\"\nnext line\"\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestParseReportsFileProblems(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty"},
		{"address,period\n1.2.3.4,1d\n", "unknown column “address”"},
		{"ip,notes\n1.2.3.4,x\n", "no “period” column"},
		{"period,notes\n1d,x\n", "no “ip” column"},
		{"ip,ip,period\n", "appears twice"},
		{"ip,period\n1.2.3.4,\"1d\n", "Line 2"},
		{"ip,period\n\xff\xfe,1d\n", "not UTF-8"},
		{"ip,period\n" + strings.Repeat("1.2.3.4,1d\n", MaxImportRows+1), "more than"},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.in))
		var e *apperr.Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, c.want) {
			t.Errorf("Parse(%.30q) = %v, want a message with %q", c.in, err, c.want)
		}
	}
}

func TestParseKeepsLineNumbersAndNotes(t *testing.T) {
	in := "\ufeffTarget, Period ,notes\n192.0.2.1,1d,first\n\n203.0.113.0/24,1w,\"multi\nline\"\n198.51.100.1,1h\n"
	rows, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{2, "192.0.2.1", "1d", "first", ""}, {4, "203.0.113.0/24", "1w", "multi\nline", ""}, {6, "198.51.100.1", "1h", "", ""}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("ip,period,notes\n192.0.2.1,1d,x\n")
	f.Add("ip,period\n\"a\"\"b\",1h\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Parse(strings.NewReader(in))
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Line < 2 {
				t.Fatalf("row %+v has line %d", r, r.Line)
			}
		}
	})
}
