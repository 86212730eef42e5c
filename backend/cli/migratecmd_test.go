package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"banlist/backend/actor"
	"banlist/backend/bans"
	"banlist/backend/contacts"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// teamFile builds an SQLite database the way the app fills one: contacts
// through the importer, bans through bans.Service (banned, renewed,
// unbanned), and a row in every other table through the store. It returns
// the file's path.
func teamFile(t *testing.T) string {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Name: "Sam Supervisor", Source: actor.Desktop})
	path := filepath.Join(t.TempDir(), "team.db")
	db, clk := storetest.OpenAt(t, path, false)

	sample, err := os.ReadFile("../../docs/samples/contacts.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The samples (names and messages in several scripts, IPv4 and IPv6,
	// empty optional fields), then enough generated rows to need several
	// batches.
	var csv bytes.Buffer
	csv.Write(sample)
	for i := range 2600 {
		fmt.Fprintf(&csv, "2026-01-%02dT%02d:%02d:00Z,Visitor %d,v%d@example.com,198.51.%d.%d,chat,,%d,Agent %d,Support,%d,%d,PT,UA,\"line one\nline two, “quoted” \"\"x\"\"\"\n",
			1+i%28, i%24, i%60, i, i, i/250, i%250, i*7, i%5, i%40, 1+i%5)
	}
	rep, err := contacts.New(db).Import(ctx, &csv, contacts.ImportCSV, contacts.DefaultImportLimits)
	if err != nil || rep.RejectedCount != 0 || rep.Imported < 2600 {
		t.Fatalf("import: %+v, %v", rep, err)
	}

	svc := bans.New(db, func() string { return "Sam Supervisor" })
	defer svc.Close()
	var ids []int64
	for i, target := range []string{"198.51.0.1", "2001:db8:ab::17", "203.0.113.0/24", "198.51.1.9"} {
		b, err := svc.BanIP(ctx, target, []string{"1h", "1d", "1w", "1mo"}[i], fmt.Sprintf("abuse %d — «notes»", i))
		if err != nil {
			t.Fatalf("ban %s: %v", target, err)
		}
		ids = append(ids, b.ID)
		clk.Advance(time.Minute)
	}
	if _, err := svc.Renew(ctx, ids[0], "1w", false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Unban(ctx, ids[3], ""); err != nil {
		t.Fatal(err)
	}

	office := mustTarget(t, "192.0.2.0/28")
	if _, err := db.Session(ctx).AddProtected(store.Protected{Target: office.String(), IsRange: true, Notes: "office", CreatedBy: "Sam", CreatedAt: clk.Now().UnixMilli()}, office.Lo(), office.Hi()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx).AddToken(store.Token{Name: "chat-server", Role: "check", Hash: "f00d", CreatedBy: "Sam", CreatedAt: clk.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddBouncer(ctx, "Edge-1", "beef"); err != nil {
		t.Fatal(err)
	}
	if err := db.Session(ctx).RecordAudit(store.AuditEntry{Kind: "import", Target: "contacts.csv", Detail: "Imported 2610 contacts."}); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO settings(key, value) VALUES ('operator', 'Sam'), ('theme', 'dark')`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustTarget(t *testing.T, s string) ipaddr.Target {
	t.Helper()
	tg, err := ipaddr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// dump reads every row of table, ordered by its first column (the key), as
// the driver returns the values.
func dump(t *testing.T, db *store.DB, table string, cols []string) [][]any {
	t.Helper()
	rows, err := db.Raw(`SELECT ` + strings.Join(cols, ", ") + ` FROM ` + table + ` ORDER BY 1`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrateCopiesEveryRowByteForByte(t *testing.T) {
	file := teamFile(t)
	dsn := pgtest.DSN(t)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := Run(context.Background(), append([]string{"migrate"}, args...), Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
		return out.String(), err
	}
	out, err := run("--from", file, "--to", dsn)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"copied " + file, "contacts", "ban_events", "total", "verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}

	src, _ := storetest.OpenAt(t, file, false)
	dst, _ := pgtest.OpenDSN(t, dsn)
	var tables []string
	if err := src.Raw(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
		AND name NOT LIKE 'sqlite%' AND name NOT IN ('schema_migrations', 'storage_mode') ORDER BY name`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	wantTables := "api_tokens,audit_events,ban_events,bans,bouncers,contacts,contacts_count,protected,settings"
	if strings.Join(tables, ",") != wantTables {
		t.Fatalf("source tables %v, want %s", tables, wantTables)
	}
	for _, table := range tables {
		var cols []string
		if err := src.Raw(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table).Scan(&cols).Error; err != nil {
			t.Fatal(err)
		}
		a, b := dump(t, src, table, cols), dump(t, dst, table, cols)
		if len(a) == 0 {
			t.Errorf("%s: the generated file has no rows, so the copy proves nothing", table)
		}
		if len(a) != len(b) {
			t.Errorf("%s: %d rows in the file, %d on the server", table, len(a), len(b))
			continue
		}
		for i := range a {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Errorf("%s row %d differs:\nfile   %#v\nserver %#v", table, i, a[i], b[i])
				break
			}
		}
		// The number of contacts is not copied: the server's triggers count
		// the contacts as they arrive, and the comparison above proves they
		// agree with the file's.
		if table != "contacts_count" && !regexp.MustCompile(`(?m)^\s+`+table+`\s+`+fmt.Sprint(len(a))+`$`).MatchString(out) {
			t.Errorf("summary does not report %d rows for %s:\n%s", len(a), table, out)
		}
	}

	// The indexes the copy dropped and rebuilt are exactly the schema's.
	indexes := func(db *store.DB) string {
		var defs []string
		if err := db.Raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`).Scan(&defs).Error; err != nil {
			t.Fatal(err)
		}
		return strings.Join(defs, "\n")
	}
	fresh, _ := pgtest.Open(t)
	if got, want := indexes(dst), indexes(fresh); got != want || !strings.Contains(got, "gin_trgm_ops") {
		t.Errorf("indexes after the copy:\n%s\nwant:\n%s", got, want)
	}

	// The sequences moved past the copied ids: new rows get fresh ids.
	ctx := actor.With(context.Background(), actor.Actor{Name: "Sam", Source: actor.CLI})
	tok, err := dst.Session(ctx).AddToken(store.Token{Name: "after", Role: "agent", Hash: "cafe", CreatedBy: "Sam"})
	if err != nil || tok.ID != 2 {
		t.Errorf("first token after the copy: id %d, %v; want 2", tok.ID, err)
	}
	var maxEvent, next int64
	dst.Raw(`SELECT max(id) FROM ban_events`).Scan(&maxEvent)
	if err := dst.Raw(`INSERT INTO ban_events(ban_id, target, kind, actor, at) VALUES (1, 'x', 'renewed', 'Sam', 0) RETURNING id`).Scan(&next).Error; err != nil || next != maxEvent+1 {
		t.Errorf("next ban event id %d (%v), want %d", next, err, maxEvent+1)
	}

	// A target with data is refused, then replaced with --force.
	out, err = run("--from", file, "--to", dsn)
	if !errors.Is(err, store.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second migrate: %v", err)
	}
	out, err = run("--force", "--from", file, "--to", dsn)
	if err != nil || !strings.Contains(out, "replaced") {
		t.Fatalf("migrate --force: %v\n%s", err, out)
	}
	var tokens int64
	dst.Raw(`SELECT count(*) FROM api_tokens`).Scan(&tokens)
	if tokens != 1 {
		t.Errorf("after --force the target has %d tokens, want the file's 1", tokens)
	}
}

func TestMigrateRefusesWrongArguments(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	for _, c := range []struct {
		args  []string
		usage bool
	}{
		{[]string{"migrate"}, true},
		{[]string{"migrate", "--from", missing}, true},
		{[]string{"migrate", "--from", missing, "--to", filepath.Join(dir, "other.db")}, true},
		{[]string{"migrate", "--from", "postgres://h/a", "--to", "postgres://h/b"}, true},
		{[]string{"migrate", "--from", missing, "--to", "postgres://nobody@127.0.0.1:1/x"}, false},
	} {
		err := Run(context.Background(), c.args, env)
		if err == nil || errors.Is(err, ErrUsage) != c.usage {
			t.Errorf("%v: %v (usage error wanted: %v)", c.args, err, c.usage)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused migrate created the source file: %v", err)
	}
}
