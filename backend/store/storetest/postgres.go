package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	// The pgx database/sql driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// The PostgreSQL test server is the throwaway one that make starts
// (.ci/postgres.sh), named by $BANLIST_TEST_POSTGRES (a postgres:// DSN whose
// user may create databases). Each test gets a database of its own, dropped
// at the end. Without a server the tests that need one skip with a message
// saying how to start one, unless $BANLIST_REQUIRE_POSTGRES=1 (set by make):
// in CI a missing server is an error, never a silent skip.

// EnvDSN and EnvRequire are the variables make sets for the Go tests.
const (
	EnvDSN     = "BANLIST_TEST_POSTGRES"
	EnvRequire = "BANLIST_REQUIRE_POSTGRES"
)

// PostgresServer returns the test server's DSN, or skips (fails when required)
// when none is configured.
func PostgresServer(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn != "" {
		return dsn
	}
	msg := "no PostgreSQL test server: set " + EnvDSN + " (make test-go starts one with .ci/postgres.sh)"
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// PostgresDSN creates an empty database with a random name on the test server and
// returns its DSN. The database is dropped when the test ends, even if a
// connection to it is still open.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	server := PostgresServer(t)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "banlist_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("connect to the PostgreSQL test server: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		_ = admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		_ = admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// OpenPostgres returns a migrated banlist store on a fresh database of its own, with
// a fixed clock at Epoch. It is closed when the test ends.
func OpenPostgres(t testing.TB) (*store.DB, *clock.Fixed) {
	t.Helper()
	return OpenPostgresDSN(t, PostgresDSN(t))
}

// OpenPostgresDSN opens (and migrates) the database at dsn with a fixed clock at
// Epoch, closed when the test ends.
func OpenPostgresDSN(t testing.TB, dsn string) (*store.DB, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(Epoch)
	db, err := store.Open(context.Background(), store.Options{Path: dsn, Clock: clk})
	if err != nil {
		t.Fatalf("open PostgreSQL test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, clk
}
