package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

func headerByte18(t *testing.T, path string) byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 100 {
		t.Fatalf("read header of %s: %v", path, err)
	}
	return b[18]
}

func TestSharedModeIsRecordedAndHonouredWithoutTheFlag(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "team.db")
	shared, _ := storetest.OpenAt(t, path, true)
	m, err := shared.Mode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Shared || m.Lock != store.LockDotfile || m.Journal != "delete" || m.SetBy == "" || m.SetAt != storetest.Epoch.UnixMilli() {
		t.Fatalf("mode after opening shared = %+v", m)
	}
	// A later command without --shared (export, import, a desktop window)
	// while the shared process still runs.
	local, err := store.Open(ctx, store.Options{Path: path, Shared: false})
	if err != nil {
		t.Fatalf("open without the flag: %v", err)
	}
	defer local.Close()
	if !local.Shared || local.Lock != store.LockDotfile {
		t.Fatalf("opened without the flag: Shared=%v Lock=%q, want the recorded shared mode", local.Shared, local.Lock)
	}
	if err := local.Exec(`INSERT INTO settings(key, value) VALUES ('x', 'y')`).Error; err != nil {
		t.Fatal(err)
	}
	if got := headerByte18(t, path); got != 1 {
		t.Fatalf("header journal byte = %d, want 1 (rollback journal, never WAL)", got)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatalf("a -wal file appeared next to a shared database")
	}
}

func TestLocalFileBecomesSharedWhenNoOneHasItOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	local, err := store.Open(ctx, store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Close(); err != nil {
		t.Fatal(err)
	}
	if got := headerByte18(t, path); got != 2 {
		t.Fatalf("a local file should be WAL, header byte = %d", got)
	}
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		t.Fatalf("make it shared: %v", err)
	}
	defer db.Close()
	m, err := db.Mode(ctx)
	if err != nil || !m.Shared || m.Journal != "delete" {
		t.Fatalf("mode = %+v, %v", m, err)
	}
}

func TestSharedOpenOfAWALFileInUseNamesTheCause(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	local, err := store.Open(ctx, store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	_, err = store.Open(ctx, store.Options{Path: path, Shared: true, BusyTimeout: 300 * time.Millisecond})
	if !errors.Is(err, store.ErrInUseLocal) {
		t.Fatalf("open shared while a local process has it = %v, want ErrInUseLocal", err)
	}
	if errors.Is(err, store.ErrBusy) {
		t.Fatalf("the error still says 'locked for too long': %v", err)
	}
	if got := headerByte18(t, path); got != 2 {
		t.Fatalf("the refused open changed the journal (header byte %d)", got)
	}
}

func TestAnotherLockSchemeIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	db, _ := storetest.OpenAt(t, path, true)
	if err := db.Exec(`UPDATE storage_mode SET lock = 'some-other-lock' WHERE id = 1`).Error; err != nil {
		t.Fatal(err)
	}
	for _, shared := range []bool{true, false} {
		_, err := store.Open(ctx, store.Options{Path: path, Shared: shared})
		if !errors.Is(err, store.ErrLockScheme) {
			t.Fatalf("shared=%v: open = %v, want ErrLockScheme", shared, err)
		}
	}
}

func TestChangeCounterMovesOnAnotherConnectionsCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	a, _ := storetest.OpenAt(t, path, true)
	b, _ := storetest.OpenAt(t, path, true)
	before, err := a.ChangeCounter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Exec(`INSERT INTO settings(key, value) VALUES ('k', 'v')`).Error; err != nil {
		t.Fatal(err)
	}
	after, err := a.ChangeCounter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("change counter stayed at %d after another connection's commit", before)
	}
}
