package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/cli"
	"banlist/backend/contacts"
	"banlist/backend/store/storetest"
)

// importEnv runs commands in a temporary folder, with no environment
// variables but a private settings file, and captures their output.
type importEnv struct {
	dir            string
	db             string
	stdout, stderr bytes.Buffer
}

func newImportEnv(t *testing.T) *importEnv {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	return &importEnv{dir: dir, db: filepath.Join(dir, "data", "banlist.db")}
}

func (e *importEnv) run(args ...string) error {
	e.stdout.Reset()
	e.stderr.Reset()
	settings := filepath.Join(e.dir, "settings.json")
	return cli.Run(context.Background(), args, cli.Env{
		Stdout: &e.stdout,
		Stderr: &e.stderr,
		Getenv: func(k string) string {
			if k == "BANLIST_SETTINGS" {
				return settings
			}
			return ""
		},
	})
}

func (e *importEnv) file(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// stored counts the contacts in the env's database.
func (e *importEnv) stored(t *testing.T) int64 {
	t.Helper()
	db, _ := storetest.OpenAt(t, e.db, false)
	n, err := contacts.New(db).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	return n
}

const goodCSV = "started_at,ip,visitor_name\n" +
	"2026-01-05 10:00:00,192.0.2.1,Ana\n" +
	"2026-01-05 11:00:00,2001:db8::1,Bruno\n" +
	"2026-01-05 12:00:00,198.51.100.7,Carla\n"

func TestImportCommandAllRowsImported(t *testing.T) {
	e := newImportEnv(t)
	path := e.file(t, "contacts.csv", goodCSV)
	if err := e.run("import", "contacts", path, "--db", e.db); err != nil {
		t.Fatalf("import: %v", err)
	}
	if got := e.stdout.String(); got != "imported 3 of 3 rows; 0 rejected\n" {
		t.Errorf("stdout = %q", got)
	}
	// Exactly the file's rows: no demo contacts were loaded into the new database.
	if n := e.stored(t); n != 3 {
		t.Errorf("%d contacts stored, want 3", n)
	}
}

func TestImportCommandReportsRejectedRows(t *testing.T) {
	e := newImportEnv(t)
	path := e.file(t, "contacts.csv", goodCSV+"2026-01-05 13:00:00,nope,Dora\n,192.0.2.9,Eli\n")
	err := e.run("import", "contacts", path, "--db", e.db)
	if !errors.Is(err, cli.ErrRowsRejected) || errors.Is(err, cli.ErrUsage) {
		t.Fatalf("error = %v, want ErrRowsRejected (exit status 1)", err)
	}
	if !strings.Contains(err.Error(), "imported 3 of 5 rows; 2 rejected") {
		t.Errorf("error %q does not carry the summary", err)
	}
	want := "imported 3 of 5 rows; 2 rejected\n" +
		"line 5: ip: “nope” is not an IP address\n" +
		"line 6: started_at: a value is required\n"
	if got := e.stdout.String(); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if n := e.stored(t); n != 3 {
		t.Errorf("%d contacts stored, want 3", n)
	}
}

func TestImportCommandJSONWithFlagsFirst(t *testing.T) {
	e := newImportEnv(t)
	path := e.file(t, "export.JSON", `[
  {"startedAt": "2026-01-05T10:00:00Z", "ip": "192.0.2.1"},
  {"startedAt": "2026-01-05T10:00:00Z", "ip": "192.0.2.2", "rating": 7}
]`)
	err := e.run("import", "contacts", "--db", e.db, "--shared", path)
	if !errors.Is(err, cli.ErrRowsRejected) {
		t.Fatalf("error = %v, want ErrRowsRejected", err)
	}
	want := "imported 1 of 2 rows; 1 rejected\nline 3 (record 2): rating: “7” is not a rating from 1 to 5\n"
	if got := e.stdout.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestImportCommandFatalErrorWritesNothing(t *testing.T) {
	e := newImportEnv(t)
	path := e.file(t, "contacts.csv", goodCSV+"2026-01-05 13:00:00,192.0.2.4,\"unclosed\n"+"2026-01-05 14:00:00,192.0.2.5,Fay\n")
	err := e.run("import", "contacts", path, "--db", e.db)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.CodeInvalid || errors.Is(err, cli.ErrUsage) || errors.Is(err, cli.ErrRowsRejected) {
		t.Fatalf("error = %v, want an invalid-file error (exit status 1)", err)
	}
	if !strings.Contains(err.Error(), "line 5") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file and line 5", err)
	}
	if e.stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", e.stdout.String())
	}
	if n := e.stored(t); n != 0 {
		t.Errorf("%d contacts stored after a fatal error", n)
	}
}

func TestImportCommandMissingFile(t *testing.T) {
	e := newImportEnv(t)
	err := e.run("import", "contacts", filepath.Join(e.dir, "nope.csv"), "--db", e.db)
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, cli.ErrUsage) {
		t.Fatalf("error = %v, want a not-exist error (exit status 1)", err)
	}
	if _, err := os.Stat(e.db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a database was created for a file that does not exist (%v)", err)
	}
}

func TestImportCommandUsageErrors(t *testing.T) {
	e := newImportEnv(t)
	csvPath := e.file(t, "a.csv", goodCSV)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import"}, "say what to import"},
		{[]string{"import", "--db", "x.db"}, "say what to import"},
		{[]string{"import", "bans", csvPath}, `cannot import "bans"`},
		{[]string{"import", "contacts"}, "no file given"},
		{[]string{"import", "contacts", "--db", e.db}, "no file given"},
		{[]string{"import", "contacts", csvPath, csvPath}, "import one file at a time"},
		{[]string{"import", "contacts", e.file(t, "notes.txt", goodCSV)}, "must end in .csv or .json"},
		{[]string{"import", "contacts", csvPath, "--bogus"}, "bogus"},
	} {
		err := e.run(append(tc.args, "--db", e.db)...)
		if !errors.Is(err, cli.ErrUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error = %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(e.db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a usage error created the database (%v)", err)
	}
}

func TestImportCommandDoubleDash(t *testing.T) {
	e := newImportEnv(t)
	e.file(t, "-odd.csv", goodCSV)
	t.Chdir(e.dir)
	if err := e.run("import", "contacts", "--db", e.db, "--", "-odd.csv"); err != nil {
		t.Fatalf("import after --: %v", err)
	}
}

func TestHelpMentionsImport(t *testing.T) {
	e := newImportEnv(t)
	if err := e.run("help"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.stdout.String(), "banlist import contacts FILE") {
		t.Errorf("help does not mention import:\n%s", e.stdout.String())
	}
}
