package cli

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportBansWritesCSVOfTheChosenStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "b.db")
	env := func(out *bytes.Buffer) Env {
		return Env{Stdout: out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			if k == "BANLIST_SETTINGS" {
				return filepath.Join(dir, "settings.json")
			}
			return ""
		}}
	}
	// A new database with demo data has two active bans.
	svc, err := (&dbFlags{path: db, getenv: env(nil).Getenv}).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	svc.Close()

	var out bytes.Buffer
	if err := Run(context.Background(), []string{"export", "bans", "--db", db, "--status", "active"}, env(&out)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "target,status,period,") {
		t.Fatalf("export:\n%s", out.String())
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",active,") {
			t.Errorf("line %q is not an active ban", l)
		}
	}
	if err := Run(context.Background(), []string{"export", "contacts"}, env(&out)); !errors.Is(err, ErrUsage) {
		t.Fatalf("export contacts: %v", err)
	}
	if err := Run(context.Background(), []string{"export", "bans", "--db", db, "--status", "forever"}, env(&out)); err == nil || !strings.Contains(err.Error(), "status") {
		t.Fatalf("bad status: %v", err)
	}
}
