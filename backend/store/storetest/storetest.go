// Package storetest gives each test a fresh, migrated database file in its own
// temporary folder, and a fixed clock it controls.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// Epoch is the fixed "now" every test database starts at: a Tuesday, chosen
// so that month arithmetic and local-time display have something to chew on.
var Epoch = time.Date(2026, time.January, 31, 14, 3, 0, 0, time.UTC)

// Open returns a migrated database in t.TempDir() and the clock it uses.
// The database is closed when the test ends.
func Open(t testing.TB) (*store.DB, *clock.Fixed) {
	t.Helper()
	return OpenAt(t, filepath.Join(t.TempDir(), "banlist.db"), false)
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
