// Package storetest gives each test a fresh, migrated database, and a fixed
// clock it controls: an SQLite file in its own temporary folder, or, when
// $BANLIST_TEST_ENGINE is "postgres", a database of its own on the test
// server (postgres.go). make runs the suites that hold the service's
// behaviour once per engine, so the same tests prove the same semantics.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// Epoch is the fixed "now" every test database starts at: a Tuesday, chosen
// so that month arithmetic and local-time display have something to chew on.
var Epoch = time.Date(2026, time.January, 31, 14, 3, 0, 0, time.UTC)

// EnvEngine picks the engine Open gives: "postgres", else SQLite.
const EnvEngine = "BANLIST_TEST_ENGINE"

// Postgres reports whether this run's tests use PostgreSQL (EnvEngine).
func Postgres() bool { return os.Getenv(EnvEngine) == "postgres" }

// Open returns a migrated database and the clock it uses: a file in
// t.TempDir(), or a fresh server database when Postgres(). It is closed when
// the test ends.
func Open(t testing.TB) (*store.DB, *clock.Fixed) {
	t.Helper()
	if Postgres() {
		return OpenPostgres(t)
	}
	return OpenAt(t, filepath.Join(t.TempDir(), "banlist.db"), false)
}

// SQLiteOnly skips a test about files (paths, modes, shares, SQLite's own
// pragmas) in the PostgreSQL run: it runs in the SQLite run.
func SQLiteOnly(t testing.TB) {
	t.Helper()
	if Postgres() {
		t.Skip("about an SQLite file: runs in the SQLite run")
	}
}

// OpenAt opens path (shared or not) with a fixed clock at Epoch.
func OpenAt(t testing.TB, path string, shared bool) (*store.DB, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(Epoch)
	db, err := store.Open(context.Background(), store.Options{Path: path, Shared: shared, Clock: clk, CreateFolder: true})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, clk
}
