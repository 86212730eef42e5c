package cli

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/apikey"
	"banlist/backend/store"
)

func TestBouncerAddListDelete(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "b.db")
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		env := Env{Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			if k == "BANLIST_SETTINGS" {
				return filepath.Join(dir, "settings.json")
			}
			return ""
		}}
		err := Run(context.Background(), args, env)
		return out.String(), err
	}
	out, err := run("bouncer", "add", "fw-chat1", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "blb_") || len(key) < 40 {
		t.Fatalf("the key is not the last line:\n%s", out)
	}
	// Flags first, name last works too; a duplicate (any case) is refused.
	if _, err := run("bouncer", "add", "--db", db, "nginx"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("bouncer", "add", "FW-CHAT1", "--db", db); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := run("bouncer", "add", "  ", "--db", db); err == nil || !strings.Contains(err.Error(), "Enter a name") {
		t.Fatalf("empty name: %v", err)
	}
	if _, err := run("bouncer", "add", strings.Repeat("x", 65), "--db", db); err == nil || !strings.Contains(err.Error(), "limit is 64") {
		t.Fatalf("long name: %v", err)
	}
	if _, err := run("bouncer", "add", "--db", db); !errors.Is(err, ErrUsage) {
		t.Fatalf("missing name: %v", err)
	}
	out, err = run("bouncer", "list", "--db", db)
	if err != nil || !strings.Contains(out, "fw-chat1") || !strings.Contains(out, "nginx") || strings.Contains(out, key) {
		t.Fatalf("list (%v):\n%s", err, out)
	}
	// Only the hash is stored, and the audit log names both changes.
	sdb, err := store.Open(context.Background(), store.Options{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	sdb.Raw(`SELECT key_hash FROM bouncers`).Scan(&hashes)
	if len(hashes) != 2 || (hashes[0] != apikey.Hash(key) && hashes[1] != apikey.Hash(key)) {
		t.Fatalf("stored hashes %v", hashes)
	}
	if _, err := run("bouncer", "delete", "fw-chat1", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, err := run("bouncer", "delete", "fw-chat1", "--db", db); err == nil || !strings.Contains(err.Error(), "no bouncer called") {
		t.Fatalf("deleting twice: %v", err)
	}
	var kinds []string
	sdb.Raw(`SELECT kind || ' ' || target || ' ' || source FROM audit_events ORDER BY id`).Scan(&kinds)
	want := []string{"bouncer_added fw-chat1 cli", "bouncer_added nginx cli", "bouncer_deleted fw-chat1 cli"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Fatalf("audit %v, want %v", kinds, want)
	}
	_ = sdb.Close()
}
