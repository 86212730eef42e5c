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

func TestTokenAddListDelete(t *testing.T) {
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
	ctx := context.Background()
	var out bytes.Buffer
	if err := Run(ctx, []string{"token", "add", "Front desk", "--role", "agent", "--db", db}, env(&out)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, "blt_") || len(secret) < 40 {
		t.Fatalf("last line is not a token: %q", out.String())
	}

	// Stored hashed, with the command line as its source in the audit trail,
	// and no demo contacts in the new database.
	sdb, err := store.Open(ctx, store.Options{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	var row struct {
		Hash, Role string
	}
	sdb.Raw(`SELECT hash, role FROM api_tokens WHERE name = 'Front desk'`).Scan(&row)
	var source string
	sdb.Raw(`SELECT source FROM audit_events WHERE kind = 'token_added'`).Scan(&source)
	var contacts int64
	sdb.Raw(`SELECT count(*) FROM contacts`).Scan(&contacts)
	_ = sdb.Close()
	if row.Role != "agent" || !apikey.Matches(secret, row.Hash) || strings.Contains(row.Hash, secret) {
		t.Fatalf("stored %+v", row)
	}
	if source != "cli" || contacts != 0 {
		t.Fatalf("audit source %q, contacts %d", source, contacts)
	}

	out.Reset()
	if err := Run(ctx, []string{"token", "list", "--db", db}, env(&out)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Front desk") || !strings.Contains(out.String(), "agent") || strings.Contains(out.String(), secret) {
		t.Fatalf("list:\n%s", out.String())
	}
	for _, bad := range [][]string{
		{"token", "add", "x", "--db", db},                    // no role
		{"token", "add", "--role", "agent", "--db", db},      // no name
		{"token", "add", "x", "--role", "admin", "--db", db}, // unknown role (service refuses)
		{"token", "rename", "x", "--db", db},
		{"token"},
	} {
		err := Run(ctx, bad, env(&bytes.Buffer{}))
		if err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
	if err := Run(ctx, []string{"token", "add", "x", "--db", db}, env(&bytes.Buffer{})); !errors.Is(err, ErrUsage) {
		t.Errorf("no role: %v", err)
	}
	out.Reset()
	if err := Run(ctx, []string{"token", "delete", "Front desk", "--db", db}, env(&out)); err != nil || !strings.Contains(out.String(), "deleted") {
		t.Fatalf("delete: %v %s", err, out.String())
	}
	if err := Run(ctx, []string{"token", "delete", "Front desk", "--db", db}, env(&out)); err == nil {
		t.Fatal("deleting twice succeeded")
	}
}
