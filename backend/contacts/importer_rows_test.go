package contacts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
)

// What an import does with bad rows, limits, unreadable input, a failing
// database and cancellation, whatever the format.

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
	boom := []string{`CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN NEW.visitor_name = 'row 700'
		BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`}
	if storetest.Postgres() {
		boom = []string{`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'simulated failure'; END $$`,
			`CREATE TRIGGER boom BEFORE INSERT ON contacts FOR EACH ROW WHEN (NEW.visitor_name = 'row 700') EXECUTE FUNCTION boom()`}
	}
	for _, stmt := range boom {
		if err := db.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
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
