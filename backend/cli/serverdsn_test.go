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
	"banlist/backend/store/pgtest"
)

// Every command takes a server address, from --db or $BANLIST_DB, and works
// on it: the import lands on the server, the export reads it back, tokens
// and bouncer keys are stored there. A new server database gets the demo
// data like a new file does, unless --no-demo.
func TestCommandsRunOnAServer(t *testing.T) {
	dir := t.TempDir()
	dsn := pgtest.DSN(t)
	csv := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(csv, []byte("ip,started_at\n203.0.113.9,2026-01-01T10:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(fromEnv bool, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			switch {
			case k == "BANLIST_SETTINGS":
				return filepath.Join(dir, "settings.json")
			case k == "BANLIST_DB" && fromEnv:
				return dsn
			}
			return ""
		}}
		if !fromEnv {
			args = append(args, "--db", dsn)
		}
		if err := Run(context.Background(), args, env); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	run(false, "import", "contacts", csv, "--no-demo")
	run(true, "token", "add", "chat-server", "--role", "check")
	if out := run(false, "token", "list"); !strings.Contains(out, "chat-server") {
		t.Errorf("token list: %q", out)
	}
	run(true, "bouncer", "add", "edge-firewall")
	if out := run(false, "bouncer", "list"); !strings.Contains(out, "edge-firewall") {
		t.Errorf("bouncer list: %q", out)
	}
	if out := run(true, "export", "bans", "--status", "all"); !strings.HasPrefix(out, "ip") && !strings.Contains(out, "target") {
		t.Errorf("export: %q", out)
	}
	db, _ := pgtest.OpenDSN(t, dsn)
	var n int64
	if err := db.Raw(`SELECT count(*) FROM contacts WHERE ip = '203.0.113.9'`).Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("the imported contact on the server: %d, %v", n, err)
	}
}

// A server address with --shared, or a server that is not there, is a clear
// error that never shows the password, and writes no settings.
func TestCommandsExplainServerProblems(t *testing.T) {
	dir := t.TempDir()
	dsn := "postgres://alice:s3cret@127.0.0.1:1/banlist?sslmode=disable&connect_timeout=2"
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
		if k == "BANLIST_SETTINGS" {
			return filepath.Join(dir, "settings.json")
		}
		return ""
	}}
	err := Run(context.Background(), []string{"token", "list", "--db", dsn, "--shared"}, env)
	if !errors.Is(err, store.ErrSharedServer) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("--shared with a server: %v", err)
	}
	err = Run(context.Background(), []string{"export", "bans", "--db", dsn}, env)
	if !errors.Is(err, store.ErrUnreachable) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("unreachable server: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "settings.json")); err == nil {
		t.Error("a failed command wrote the settings file")
	}
}
