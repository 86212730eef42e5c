package store

import "testing"

// Both engines carry the same steps under the same names in the same order,
// so a database records the same history whichever engine holds it.
func TestMigrationNamesMatch(t *testing.T) {
	if len(migrations) != len(pgMigrations) {
		t.Fatalf("SQLite has %d steps, PostgreSQL %d", len(migrations), len(pgMigrations))
	}
	for i := range migrations {
		if migrations[i].name != pgMigrations[i].name {
			t.Errorf("step %d: SQLite %q, PostgreSQL %q", i, migrations[i].name, pgMigrations[i].name)
		}
	}
}

func TestIsServerDSN(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://u@h:5432/db":          true,
		"PostgreSQL://u@h/db?sslmode=off": true,
		" postgres://h/db":                true,
		"/var/lib/banlist/team.db":        false,
		"postgres.db":                     false,
		"C:\\banlist\\postgres://x":       false,
	} {
		if got := IsServerDSN(in); got != want {
			t.Errorf("IsServerDSN(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	got := Redact("postgres://alice:s3cret@db.example:5432/banlist?sslmode=require")
	if got != "postgres://alice:xxxxx@db.example:5432/banlist?sslmode=require" {
		t.Fatalf("Redact = %q", got)
	}
	if got := Redact("postgres://alice@db/banlist"); got != "postgres://alice@db/banlist" {
		t.Fatalf("Redact without password = %q", got)
	}
}
