package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

func pragma(t *testing.T, db *store.DB, name string) string {
	t.Helper()
	var v string
	if err := db.Raw("PRAGMA " + name).Scan(&v).Error; err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenAppliesPragmas(t *testing.T) {
	for _, tc := range []struct {
		shared  bool
		journal string
	}{{false, "wal"}, {true, "delete"}} {
		path := filepath.Join(t.TempDir(), "b.db")
		db, _ := storetest.OpenAt(t, path, tc.shared)
		if got := pragma(t, db, "journal_mode"); got != tc.journal {
			t.Errorf("shared=%v: journal_mode = %q, want %q", tc.shared, got, tc.journal)
		}
		if got := pragma(t, db, "busy_timeout"); got != "5000" {
			t.Errorf("busy_timeout = %q, want 5000", got)
		}
		if got := pragma(t, db, "foreign_keys"); got != "1" {
			t.Errorf("foreign_keys = %q, want 1", got)
		}
	}
}

func TestDSNPutsBusyTimeoutFirst(t *testing.T) {
	dsn := store.DSN(store.Options{Path: "/x/b.db"})
	bt := strings.Index(dsn, "busy_timeout")
	jm := strings.Index(dsn, "journal_mode")
	if bt < 0 || jm < 0 || bt > jm {
		t.Fatalf("busy_timeout must precede journal_mode in %q", dsn)
	}
	if !strings.Contains(dsn, "_txlock=immediate") {
		t.Fatalf("DSN %q lacks _txlock=immediate", dsn)
	}
}

func TestMigrationsAreRecordedOnceAndReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.db")
	db, _ := storetest.OpenAt(t, path, false)
	var first int64
	db.Raw("SELECT count(*) FROM schema_migrations").Scan(&first)
	if first == 0 {
		t.Fatal("no migration recorded")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, _ := storetest.OpenAt(t, path, false)
	var second int64
	db2.Raw("SELECT count(*) FROM schema_migrations").Scan(&second)
	if first != second {
		t.Fatalf("reopen changed migration count: %d -> %d", first, second)
	}
}

func TestConcurrentOpenOfNewSharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(context.Background(), store.Options{Path: path, Shared: true})
			if err != nil {
				errs <- err
				return
			}
			errs <- db.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
}

func TestOpenRefusesAFileThatIsNotSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("hello, this is not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), store.Options{Path: path})
	if !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("want a not-SQLite error, got %v", err)
	}
}

func TestNewDatabaseFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "b.db")
	storetest.OpenAt(t, path, false)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Fatalf("database file mode = %o, want 600", perm)
	}
}

func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	other, err := store.Open(context.Background(), store.Options{Path: filepath.Join(t.TempDir(), "x.db")})
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	// A plain SQLite file with a table that is not ours.
	raw, _ := storetest.OpenAt(t, filepath.Join(t.TempDir(), "seed.db"), false)
	if err := raw.Exec("VACUUM INTO ?", path).Error; err != nil {
		t.Fatal(err)
	}
	plain, _ := storetest.OpenAt(t, path, false)
	for _, stmt := range []string{"DROP TABLE schema_migrations", "CREATE TABLE invoices(id INTEGER)"} {
		if err := plain.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	plain.Close()
	_, err = store.Open(context.Background(), store.Options{Path: path})
	if !errors.Is(err, store.ErrNotBanlist) {
		t.Fatalf("want ErrNotBanlist, got %v", err)
	}
}

func TestCheckWritableLeavesNoTrace(t *testing.T) {
	db, _ := storetest.Open(t)
	if err := db.CheckWritable(context.Background()); err != nil {
		t.Fatalf("fresh database not writable: %v", err)
	}
	var n int64
	db.Raw("SELECT count(*) FROM settings WHERE key = 'write_probe'").Scan(&n)
	if n != 0 {
		t.Fatal("the write probe was not rolled back")
	}
}

func TestAChosenFolderIsNeverCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "share-not-mounted", "banlist.db")
	_, err := store.Open(context.Background(), store.Options{Path: path, Shared: true})
	if !errors.Is(err, store.ErrMissingFolder) || !strings.Contains(err.Error(), "mounted") {
		t.Fatalf("want ErrMissingFolder, got %v", err)
	}
	if _, statErr := os.Stat(filepath.Dir(path)); !errors.Is(statErr, os.ErrNotExist) {
		t.Fatal("the missing folder was created")
	}
}
