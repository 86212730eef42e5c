package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/store"
)

// Until the app runs on PostgreSQL, every command but migrate refuses a
// server address, from --db or $BANLIST_DB, with a message that says so and
// never shows the password.
func TestCommandsRefuseAServerDSN(t *testing.T) {
	dir := t.TempDir()
	dsn := "postgres://alice:s3cret@127.0.0.1:1/banlist?sslmode=disable"
	csv := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(csv, []byte("ip,started_at\n203.0.113.9,2026-01-01T10:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(fromEnv bool) Env {
		return Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			switch {
			case k == "BANLIST_SETTINGS":
				return filepath.Join(dir, "settings.json")
			case k == "BANLIST_DB" && fromEnv:
				return dsn
			}
			return ""
		}}
	}
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0"},
		{"import", "contacts", csv},
		{"export", "bans"},
		{"token", "list"},
		{"bouncer", "list"},
	} {
		for _, fromEnv := range []bool{false, true} {
			a := args
			if !fromEnv {
				a = append(append([]string{}, args...), "--db", dsn)
			}
			err := Run(context.Background(), a, env(fromEnv))
			if !errors.Is(err, store.ErrServerNotYet) {
				t.Errorf("%v (BANLIST_DB=%v): %v, want ErrServerNotYet", a, fromEnv, err)
				continue
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%v: the message shows the password: %v", a, err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "settings.json")); err == nil {
		t.Error("a refused command wrote the settings file")
	}
}
