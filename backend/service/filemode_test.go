package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

func TestDatabaseSwitchRefusesFilesItMustNotWriteInto(t *testing.T) {
	ctx := context.Background()
	db, _ := storetest.Open(t)
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	dir := t.TempDir()

	empty := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "link.db")
	if err := os.Symlink(filepath.Join(dir, "nowhere.db"), dangling); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"open an empty file", func() error { _, err := svc.OpenDatabase(ctx, empty, false); return err }, "is an empty file, not a banlist database"},
		{"open a folder", func() error { _, err := svc.OpenDatabase(ctx, dir, false); return err }, "is a folder"},
		{"open a dangling link", func() error { _, err := svc.OpenDatabase(ctx, dangling, false); return err }, "is a link to " + filepath.Join(dir, "nowhere.db") + ", which does not exist"},
		{"create over a dangling link", func() error { _, err := svc.CreateDatabase(ctx, dangling, true); return err }, "already exists"},
	}
	for _, c := range cases {
		err := c.call()
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Field != "path" || !strings.Contains(ae.Message, c.want) {
			t.Errorf("%s: %v, want a message with %q", c.name, err, c.want)
		}
	}
	if st, err := os.Stat(empty); err != nil || st.Size() != 0 {
		t.Errorf("the empty file was written to: %v %v", st, err)
	}
	if _, err := os.Lstat(dangling); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere.db")); !os.IsNotExist(err) {
		t.Errorf("a file was created at the link's target")
	}
	if info, _ := svc.Info(ctx); info.Path != db.Path {
		t.Fatalf("switched to %s", info.Path)
	}
}
