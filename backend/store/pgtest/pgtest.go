// Package pgtest names the PostgreSQL side of storetest for tests that need
// a server whatever BANLIST_TEST_ENGINE says: each gets a fresh database of
// its own on the throwaway server that make starts (.ci/postgres.sh).
package pgtest

import (
	"testing"

	"banlist/backend/clock"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// The variables make sets for the Go tests.
const (
	EnvDSN     = storetest.EnvDSN
	EnvRequire = storetest.EnvRequire
)

// ServerDSN returns the test server's DSN, or skips (fails when required).
func ServerDSN(t testing.TB) string { t.Helper(); return storetest.PostgresServer(t) }

// DSN creates an empty database on the test server, dropped when the test ends.
func DSN(t testing.TB) string { t.Helper(); return storetest.PostgresDSN(t) }

// Open returns a migrated store on a fresh database of its own, with a fixed
// clock at storetest.Epoch.
func Open(t testing.TB) (*store.DB, *clock.Fixed) { t.Helper(); return storetest.OpenPostgres(t) }

// OpenDSN opens (and migrates) the database at dsn with a fixed clock.
func OpenDSN(t testing.TB, dsn string) (*store.DB, *clock.Fixed) {
	t.Helper()
	return storetest.OpenPostgresDSN(t, dsn)
}
