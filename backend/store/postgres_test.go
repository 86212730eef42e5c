package store_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"banlist/backend/clock"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// The tables and indexes the PostgreSQL schema must have after every step.
var (
	pgTables = []string{"api_tokens", "audit_events", "ban_events", "bans", "bouncers", "contacts",
		"contacts_count", "protected", "schema_migrations", "settings"}
	pgIndexes = []string{
		"audit_events_at", "audit_events_kind", "ban_events_at", "ban_events_ban", "ban_events_kind",
		"ban_events_target", "bans_active", "bans_created", "bans_live", "bans_lo_hi", "bans_target",
		"bouncers_name_nocase", "contacts_agent", "contacts_ip_key",
		"contacts_search_email", "contacts_search_ip", "contacts_search_name",
		"contacts_sort_agent", "contacts_sort_channel", "contacts_sort_duration", "contacts_sort_email",
		"contacts_sort_name", "contacts_started", "protected_lo_hi",
	}
)

func pgNames(t *testing.T, db *store.DB, query string) map[string]bool {
	t.Helper()
	var names []string
	if err := db.Raw(query).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

type applied struct {
	Name      string `gorm:"column:name"`
	AppliedAt int64  `gorm:"column:applied_at"`
}

func appliedSteps(t *testing.T, db *store.DB) []applied {
	t.Helper()
	var out []applied
	if err := db.Raw(`SELECT name, applied_at FROM schema_migrations ORDER BY name`).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPostgresFreshDatabaseHasTheWholeSchema(t *testing.T) {
	db, _ := pgtest.Open(t)
	if db.Engine != store.Postgres {
		t.Fatalf("engine %q", db.Engine)
	}
	tables := pgNames(t, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	for _, want := range pgTables {
		if !tables[want] {
			t.Errorf("table %s missing (have %v)", want, tables)
		}
	}
	indexes := pgNames(t, db, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`)
	for _, want := range pgIndexes {
		if !indexes[want] {
			t.Errorf("index %s missing", want)
		}
	}
	var ext int64
	if err := db.Raw(`SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`).Scan(&ext).Error; err != nil || ext != 1 {
		t.Errorf("pg_trgm installed: %d, %v", ext, err)
	}
	steps := appliedSteps(t, db)
	sqliteDB, _ := storetest.Open(t)
	if want := appliedSteps(t, sqliteDB); len(steps) != len(want) {
		t.Fatalf("PostgreSQL recorded %d steps, SQLite %d", len(steps), len(want))
	}
	for _, s := range steps {
		if s.AppliedAt != storetest.Epoch.UnixMilli() {
			t.Errorf("step %s applied at %d, want the clock's %d", s.Name, s.AppliedAt, storetest.Epoch.UnixMilli())
		}
	}
	if err := db.CheckWritable(context.Background()); err != nil {
		t.Errorf("CheckWritable: %v", err)
	}
	if _, err := db.DataVersion(context.Background()); !errors.Is(err, store.ErrUnsupported) {
		t.Errorf("DataVersion on PostgreSQL: %v, want ErrUnsupported", err)
	}
}

func TestPostgresMigratingTwiceChangesNothing(t *testing.T) {
	dsn := pgtest.DSN(t)
	first, _ := pgtest.OpenDSN(t, dsn)
	before := appliedSteps(t, first)
	later := clock.NewFixed(storetest.Epoch.Add(24 * 3600 * 1e9))
	second, err := store.Open(context.Background(), store.Options{Path: dsn, Clock: later})
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer second.Close()
	after := appliedSteps(t, second)
	if len(after) != len(before) {
		t.Fatalf("steps %d → %d", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("step %v became %v", before[i], after[i])
		}
	}
}

// Several processes (here: separate connection pools) opening one new
// database at once: each step is applied once, none fails.
func TestPostgresConcurrentMigratorsDoNotCollide(t *testing.T) {
	dsn := pgtest.DSN(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(context.Background(), store.Options{Path: dsn, Clock: clock.NewFixed(storetest.Epoch)})
			if err == nil {
				_ = db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
	}
	db, _ := pgtest.OpenDSN(t, dsn)
	steps := appliedSteps(t, db)
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Name
	}
	if !sort.StringsAreSorted(names) || len(steps) != len(appliedSteps(t, mustSQLite(t))) {
		t.Fatalf("steps recorded: %v", names)
	}
}

func mustSQLite(t *testing.T) *store.DB {
	db, _ := storetest.Open(t)
	return db
}

func TestPostgresRefusesAnotherProgramsDatabase(t *testing.T) {
	dsn := pgtest.DSN(t)
	other, _ := pgtest.OpenDSN(t, dsn)
	if err := other.Exec(`DROP TABLE schema_migrations`).Error; err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), store.Options{Path: dsn, Clock: clock.NewFixed(storetest.Epoch)})
	if !errors.Is(err, store.ErrNotBanlist) {
		t.Fatalf("open: %v, want ErrNotBanlist", err)
	}
}

func TestPostgresUnreachableServerIsAClearError(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{Path: "postgres://nobody:pw@127.0.0.1:1/banlist?sslmode=disable&connect_timeout=2"})
	if err == nil {
		t.Fatal("opened a server that is not there")
	}
	if msg := err.Error(); !strings.Contains(msg, "connect to postgres://nobody:xxxxx@127.0.0.1:1/banlist") || strings.Contains(msg, "pw@") {
		t.Fatalf("error %q: want the address without its password", msg)
	}
}

// Shared mode is for a file on a network share: with a server address it is
// refused by name, without the password.
func TestSharedServerIsRefused(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{Path: "postgres://alice:pw@127.0.0.1:1/banlist", Shared: true})
	if !errors.Is(err, store.ErrSharedServer) {
		t.Fatalf("open: %v, want ErrSharedServer", err)
	}
	if strings.Contains(err.Error(), "pw@") {
		t.Fatalf("message %q shows the password", err)
	}
}

// Sessions run without JIT compilation and parallel workers unless the
// address asks for them.
func TestPostgresSessionsRunWithoutJITOrParallelWorkers(t *testing.T) {
	dsn := pgtest.DSN(t)
	show := func(db *store.DB, name string) string {
		t.Helper()
		var v string
		if err := db.Raw(`SHOW ` + name).Scan(&v).Error; err != nil {
			t.Fatal(err)
		}
		return v
	}
	db, _ := pgtest.OpenDSN(t, dsn)
	if jit, workers := show(db, "jit"), show(db, "max_parallel_workers_per_gather"); jit != "off" || workers != "0" {
		t.Fatalf("jit = %q, max_parallel_workers_per_gather = %q; want off and 0", jit, workers)
	}
	on, _ := pgtest.OpenDSN(t, dsn+"&jit=on&max_parallel_workers_per_gather=2")
	if jit, workers := show(on, "jit"), show(on, "max_parallel_workers_per_gather"); jit != "on" || workers != "2" {
		t.Fatalf("with both in the address: jit = %q, max_parallel_workers_per_gather = %q", jit, workers)
	}
}
