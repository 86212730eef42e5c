package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/store"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// write makes SQLite create its WAL and SHM files by writing a row.
func write(t *testing.T, db *store.DB) {
	t.Helper()
	if err := db.Exec(`INSERT OR REPLACE INTO settings(key, value) VALUES ('k', 'v')`).Error; err != nil {
		t.Fatal(err)
	}
}

func TestNewDatabaseAndItsWALAndSHMAreOwnerOnly(t *testing.T) {
	old := umask(0) // even with a permissive umask
	defer umask(old)
	path := filepath.Join(t.TempDir(), "b.db")
	db, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write(t, db)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(p), m)
		}
	}
}

func TestDanglingSymlinkIsRefusedAndNothingIsCreatedAtItsTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere", "stolen.db")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "b.db")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), store.Options{Path: link})
	if !errors.Is(err, store.ErrSymlink) || !strings.Contains(err.Error(), target) {
		t.Fatalf("err = %v", err)
	}
	for _, p := range []string{target, target + "-wal", target + "-shm", target + "-journal"} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s was created", p)
		}
	}
	// A link to an existing database is fine: that is how shares are reached.
	real := filepath.Join(dir, "real.db")
	db, err := store.Open(context.Background(), store.Options{Path: real})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	other := filepath.Join(dir, "via-link.db")
	if err := os.Symlink(real, other); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(context.Background(), store.Options{Path: other})
	if err != nil {
		t.Fatalf("link to an existing database: %v", err)
	}
	db.Close()
}

func TestExistingFilesOpenToOthersAreTightened(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "b.db")
	db, err := store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	write(t, db)
	db.Close()
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	db, err = store.Open(context.Background(), store.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write(t, db)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("%s has mode %04o after opening, want 0600", filepath.Base(p), m)
		}
	}
	// A shared file keeps its group permissions (the team) and loses the others'.
	shared := filepath.Join(dir, "team.db")
	if err := os.WriteFile(shared, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o664); err != nil {
		t.Fatal(err)
	}
	sdb, err := store.Open(context.Background(), store.Options{Path: shared, Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	if m := mode(t, shared); m != 0o660 {
		t.Errorf("shared file has mode %04o, want 0660", m)
	}
}

func TestFolderAndSpecialFilesAreNamed(t *testing.T) {
	dir := t.TempDir()
	_, err := store.Open(context.Background(), store.Options{Path: dir})
	if !errors.Is(err, store.ErrIsFolder) || strings.Contains(err.Error(), "out of memory") {
		t.Fatalf("folder: %v", err)
	}
	_, err = store.Open(context.Background(), store.Options{Path: "/dev/null"})
	if !errors.Is(err, store.ErrNotRegular) || !strings.Contains(err.Error(), "device") {
		t.Fatalf("/dev/null: %v", err)
	}
	// A link planted where SQLite puts its WAL is refused too.
	path := filepath.Join(dir, "b.db")
	if err := os.Symlink(filepath.Join(dir, "x"), path+"-wal"); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(context.Background(), store.Options{Path: path})
	if !errors.Is(err, store.ErrNotRegular) || !strings.Contains(err.Error(), "-wal") {
		t.Fatalf("planted -wal link: %v", err)
	}
}
