package store_test

import (
	"context"
	"testing"
	"time"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// A commit by one process reaches another's watchers of that table through
// LISTEN/NOTIFY, and only those: a contacts change does not wake a bans
// watcher.
func TestChangesFollowOtherProcessesOnPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	writer, _ := pgtest.OpenDSN(t, dsn)
	reader, _ := pgtest.OpenDSN(t, dsn)
	bans, contacts := reader.Changes("bans"), reader.Changes("contacts")
	// The listener wakes everyone once when it starts listening.
	waitFor(t, bans, "the first wake-up")
	drain(contacts)

	ctx := context.Background()
	if err := writer.Write(ctx, func(tx *store.Tx) error {
		return tx.Gorm().Exec(`INSERT INTO contacts(started_at, ip, ip_key) VALUES (1, '192.0.2.1', ?)`, make([]byte, 16)).Error
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, contacts, "a contacts insert")
	select {
	case <-bans:
		t.Fatal("a contacts insert woke the bans watcher")
	case <-time.After(300 * time.Millisecond):
	}
	if err := writer.Write(ctx, func(tx *store.Tx) error {
		return tx.Gorm().Exec(`UPDATE bans SET notes = notes`).Error
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, bans, "a bans update")
}

func TestChangesIsNilOnSQLite(t *testing.T) {
	db, _ := storetest.Open(t)
	if db.Changes("bans") != nil {
		t.Fatal("an SQLite file has no change channel: its watchers poll")
	}
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatalf("no change notification within 1 s after %s", what)
	}
}

func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
