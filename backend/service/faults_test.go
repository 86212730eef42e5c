package service_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/service"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

func newService(t *testing.T, path string, shared bool) *service.Service {
	t.Helper()
	db, _ := storetest.OpenAt(t, path, shared)
	svc := service.New(context.Background(), db, nil)
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// A disk that fills up: the write that does not fit gets a clear message,
// every ban acknowledged before it is still there, and the app keeps
// answering reads.
func TestDiskFull(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting a tiny tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=384k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	svc := newService(t, filepath.Join(dir, "b.db"), true)
	ctx := context.Background()
	notes := strings.Repeat("n", 900)
	var acked []string
	var fullErr error
	for i := 0; i < 5000; i++ {
		ip := fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256+0)
		if _, err := svc.BanIP(ctx, ip, "1d", notes); err != nil {
			fullErr = err
			break
		}
		acked = append(acked, ip)
	}
	if fullErr == nil {
		t.Fatal("the disk never filled up")
	}
	e := apperr.From(fullErr)
	if e.Code != apperr.CodeUnavailable || !strings.Contains(e.Message, "full") || !errors.Is(fullErr, store.ErrDiskFull) {
		t.Fatalf("disk-full error = %v (code %s)", fullErr, e.Code)
	}
	for _, ip := range acked {
		res, err := svc.Check(ctx, ip)
		if err != nil || !res.Blocked {
			t.Fatalf("acknowledged ban of %s lost after disk full: %+v %v", ip, res, err)
		}
	}
	page, err := svc.ListBlacklist(ctx, bans.Filter{Status: "all", PageSize: 1})
	if err != nil || page.Total != int64(len(acked)) {
		t.Fatalf("after disk full: total %d, acked %d, err %v", page.Total, len(acked), err)
	}
}

// A database file damaged on disk is refused when the app is pointed at
// it, with a message naming the problem, and the app stays on its file.
func TestCorruptFileIsRefusedAndTheAppStaysUp(t *testing.T) {
	dir := t.TempDir()
	good := newService(t, filepath.Join(dir, "good.db"), false)
	ctx := context.Background()
	if _, err := good.BanIP(ctx, "192.0.2.1", "1d", "keep me"); err != nil {
		t.Fatal(err)
	}

	bad := filepath.Join(dir, "bad.db")
	other := newService(t, bad, true)
	for i := 0; i < 200; i++ {
		if _, err := other.BanIP(ctx, fmt.Sprintf("198.51.100.%d", i), "1d", strings.Repeat("x", 500)); err != nil {
			t.Fatal(err)
		}
	}
	other.Close()
	f, err := os.OpenFile(bad, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the header and the first pages with garbage.
	if _, err := f.WriteAt([]byte(strings.Repeat("\xde\xad\xbe\xef", 4096)), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()

	_, err = good.OpenDatabase(ctx, bad, false)
	e := apperr.From(err)
	if err == nil || e.Field != "path" || !strings.Contains(e.Message, "damaged") {
		t.Fatalf("opening a corrupt file: %v", err)
	}
	info, err := good.Info(ctx)
	if err != nil || info.Path != filepath.Join(dir, "good.db") {
		t.Fatalf("after the refusal the app is on %q (%v)", info.Path, err)
	}
	if res, _ := good.Check(ctx, "192.0.2.1"); !res.Blocked {
		t.Fatal("the current database lost its ban")
	}
}

// Opening a missing file, a folder, or a file of another program fails with
// a message by the path field; creating needs an existing folder and a new name.
func TestDatabaseChoiceErrors(t *testing.T) {
	dir := t.TempDir()
	svc := newService(t, filepath.Join(dir, "b.db"), false)
	ctx := context.Background()
	foreign := filepath.Join(dir, "foreign.db")
	fdb, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "seed.db")})
	if err != nil {
		t.Fatal(err)
	}
	fdb.Exec("VACUUM INTO ?", foreign)
	fdb.Close()
	raw, _ := storetest.OpenAt(t, foreign, false)
	raw.Exec("DROP TABLE schema_migrations")
	raw.Close()

	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"missing file", func() error { _, err := svc.OpenDatabase(ctx, filepath.Join(dir, "none.db"), false); return err }, "does not exist"},
		{"a folder", func() error { _, err := svc.OpenDatabase(ctx, dir, false); return err }, "is a folder"},
		{"relative path", func() error { _, err := svc.OpenDatabase(ctx, "b.db", false); return err }, "not a full path"},
		{"another program's database", func() error { _, err := svc.OpenDatabase(ctx, foreign, false); return err }, "another program"},
		{"create over an existing file", func() error { _, err := svc.CreateDatabase(ctx, foreign, true); return err }, "already exists"},
		{"create in a missing folder", func() error {
			_, err := svc.CreateDatabase(ctx, filepath.Join(dir, "no", "such", "b.db"), true)
			return err
		}, "does not exist"},
	}
	for _, c := range cases {
		err := c.call()
		e := apperr.From(err)
		if err == nil || e.Field != "path" || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: got %v, want a path error containing %q", c.name, err, c.want)
		}
	}
	if info, _ := svc.Info(ctx); info.Path != filepath.Join(dir, "b.db") {
		t.Fatalf("the app moved to %s", info.Path)
	}
}

// A database folder that is read-only (immutable, since root ignores
// permissions) cannot be created in, and the message says read-only.
func TestReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	svc := newService(t, filepath.Join(dir, "b.db"), false)
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o700)
	if os.Getuid() == 0 {
		if err := exec.Command("chattr", "+i", ro).Run(); err != nil {
			t.Skipf("chattr: %v", err)
		}
		t.Cleanup(func() { _ = exec.Command("chattr", "-i", ro).Run() })
	} else {
		os.Chmod(ro, 0o500)
		t.Cleanup(func() { _ = os.Chmod(ro, 0o700) })
	}
	_, err := svc.CreateDatabase(context.Background(), filepath.Join(ro, "team.db"), true)
	if e := apperr.From(err); err == nil || !strings.Contains(e.Message, "read-only") {
		t.Fatalf("create in a read-only folder: %v", err)
	}
}
