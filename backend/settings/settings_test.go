package settings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/settings"
)

func TestMissingFileGivesDefaultsAndUpdatePersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "settings.json")
	f, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get() != (settings.Settings{}) {
		t.Fatalf("defaults = %+v", f.Get())
	}
	if err := f.Update(func(s *settings.Settings) { s.DBPath, s.Shared, s.Operator = "/share/b.db", true, "Maria" }); err != nil {
		t.Fatal(err)
	}
	again, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Get(); got.DBPath != "/share/b.db" || !got.Shared || got.Operator != "Maria" {
		t.Fatalf("reloaded %+v", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestDamagedFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	_, err := settings.Load(path)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("want a damaged-file error, got %v", err)
	}
}

func TestFailedUpdateKeepsPreviousSettings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	f, _ := settings.Load(path)
	if err := f.Update(func(s *settings.Settings) { s.Operator = "A" }); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := f.Update(func(s *settings.Settings) { s.Operator = "B" }); err == nil {
		t.Fatal("update into a read-only folder succeeded")
	}
	if f.Get().Operator != "A" {
		t.Fatalf("operator = %q after a failed update", f.Get().Operator)
	}
}
