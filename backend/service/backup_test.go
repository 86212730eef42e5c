package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

// Back up now: a consistent copy with every ban, readable only by its owner,
// never over an existing file; the size shown counts the WAL.
func TestBackupDatabaseWritesAPrivateConsistentCopy(t *testing.T) {
	svc, _ := withContacts(t, "192.0.2.1", "203.0.113.9")
	ctx := context.Background()
	if _, err := svc.BanIP(ctx, "203.0.113.9", "1d", "keep me"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dst := filepath.Join(dir, "copy.db")
	res, err := svc.BackupDatabase(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dst)
	if err != nil || res.Path != dst || res.Size != st.Size() || st.Size() == 0 {
		t.Fatalf("result %+v, stat %v %v", res, st, err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".banlist-backup-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// An existing file is never overwritten; a missing folder and a relative path are explained.
	for _, tc := range []struct{ path, want string }{
		{dst, "already exists"},
		{filepath.Join(dir, "nope", "x.db"), "does not exist"},
		{"backup.db", "not a full path"},
	} {
		_, err := svc.BackupDatabase(ctx, tc.path)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Field != "path" || !strings.Contains(ae.Message, tc.want) {
			t.Errorf("%s: err = %v, want a path error with %q", tc.path, err, tc.want)
		}
	}
	if after, _ := os.Stat(dst); after.Size() != st.Size() || !after.ModTime().Equal(st.ModTime()) {
		t.Error("the existing backup was changed")
	}
	// The copy opens as a banlist database with the same contacts and ban.
	db, _ := storetest.OpenAt(t, dst, false)
	copySvc := service.New(ctx, db, nil)
	defer copySvc.Close()
	if n, err := contacts.New(db).Count(ctx); err != nil || n != 2 {
		t.Fatalf("contacts in copy = %d, %v", n, err)
	}
	check, err := copySvc.Check(ctx, "203.0.113.9")
	if err != nil || !check.Blocked {
		t.Fatalf("ban not in the copy: %+v %v", check, err)
	}

}

func TestInfoSizeCountsTheWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, _ := storetest.OpenAt(t, path, false)
	svc := service.New(context.Background(), db, nil)
	defer svc.Close()
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		if _, err := svc.BanIP(ctx, "198.51.100."+strconv.Itoa(i+1), "1h", strings.Repeat("n", 900)); err != nil {
			t.Fatal(err)
		}
	}
	main, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.Stat(path + "-wal")
	if err != nil || wal.Size() == 0 {
		t.Fatalf("a local database writes to its WAL first: %v", err)
	}
	info, err := svc.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size < main.Size()+wal.Size() {
		t.Fatalf("Size = %d, want at least file %d + WAL %d", info.Size, main.Size(), wal.Size())
	}
}
