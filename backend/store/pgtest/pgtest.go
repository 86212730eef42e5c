// Package pgtest gives each test its own fresh PostgreSQL database on the
// throwaway server that `make test-go` starts (.ci/postgres.sh), so tests that
// need a real server never share or leave behind data.
//
// The server is named by $BANLIST_TEST_POSTGRES (a postgres:// DSN whose user
// may create databases). Without it the tests skip with a message saying how
// to start one, unless $BANLIST_REQUIRE_POSTGRES=1 (set by make), in which
// case they fail: in CI a missing server is an error, never a silent skip.
package pgtest

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
	"banlist/backend/store/storetest"
)

// EnvDSN and EnvRequire are the variables make sets for the Go tests.
const (
	EnvDSN     = "BANLIST_TEST_POSTGRES"
	EnvRequire = "BANLIST_REQUIRE_POSTGRES"
)

// ServerDSN returns the test server's DSN, or skips (fails when required)
// when none is configured.
func ServerDSN(t testing.TB) string {
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

// DSN creates an empty database with a random name on the test server and
// returns its DSN. The database is dropped when the test ends, even if a
// connection to it is still open.
func DSN(t testing.TB) string {
	t.Helper()
	server := ServerDSN(t)
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

// Open returns a migrated banlist store on a fresh database of its own, with
// a fixed clock at storetest.Epoch. It is closed when the test ends.
func Open(t testing.TB) (*store.DB, *clock.Fixed) {
	t.Helper()
	return OpenDSN(t, DSN(t))
}

// OpenDSN opens (and migrates) the database at dsn with a fixed clock at
// storetest.Epoch, closed when the test ends.
func OpenDSN(t testing.TB, dsn string) (*store.DB, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(storetest.Epoch)
	db, err := store.Open(context.Background(), store.Options{Path: dsn, Clock: clk})
	if err != nil {
		t.Fatalf("open PostgreSQL test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, clk
}
