package store

import (
	"strings"
)

// Engine names the database server behind a DB.
type Engine string

// The two engines banlist stores its data in: an SQLite file (the embedded
// default) and a PostgreSQL server (for teams, docs/TEAMS.md).
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// IsServerDSN reports whether a --db value names a PostgreSQL server
// (postgres://… or postgresql://…) rather than an SQLite file.
func IsServerDSN(path string) bool {
	p := strings.ToLower(strings.TrimSpace(path))
	return strings.HasPrefix(p, "postgres://") || strings.HasPrefix(p, "postgresql://")
}

// dialect is every difference between the engines that the store's SQL has
// to know about, in one place. Everything else is written once, in SQL both
// engines accept.
type dialect struct {
	engine Engine
	// begin opens a write transaction. SQLite takes the write lock up front
	// (two deferred writers would deadlock upgrading), so its writers run one
	// after the other. PostgreSQL runs them at once, serializable: when two
	// supervisors ban overlapping addresses at the same moment, each having
	// checked that nothing covers its address, the server aborts one of them
	// (40001) and Retry runs it again, when it sees the other's ban.
	begin string
	// migrations is the schema, step for step the same names as the other
	// engine's list (TestMigrationNamesMatch).
	migrations []migration
}

var (
	sqliteDialect   = dialect{engine: SQLite, begin: "BEGIN IMMEDIATE", migrations: migrations}
	postgresDialect = dialect{engine: Postgres, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", migrations: pgMigrations}
)

func (db *DB) dialect() dialect {
	if db.Engine == Postgres {
		return postgresDialect
	}
	return sqliteDialect
}

// foldASCII is expr with the ASCII letters lowered and every other character
// as is: what SQLite's lower(), LIKE and NOCASE do. PostgreSQL's lower()
// also folds non-ASCII letters, so it spells the ASCII-only fold out.
func (d dialect) foldASCII(expr string) string {
	if d.engine == Postgres {
		return "translate(" + expr + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
	}
	return "lower(" + expr + ")"
}

// likeFold is a condition: col contains the LIKE pattern in the next
// parameter, ignoring ASCII case (SQLite's LIKE; PostgreSQL's is exact).
func (d dialect) likeFold(col string) string {
	if d.engine == Postgres {
		return d.foldASCII(col) + ` LIKE ` + d.foldASCII("?") + ` ESCAPE '\'`
	}
	return col + ` LIKE ? ESCAPE '\'`
}

// eqNoCase is a condition: col equals the next parameter ignoring ASCII
// case. On SQLite the column's NOCASE collation does that for a plain =.
func (d dialect) eqNoCase(col string) string {
	if d.engine == Postgres {
		return d.foldASCII(col) + ` = ` + d.foldASCII("?")
	}
	return col + ` = ?`
}

// orderNoCase orders by col ignoring ASCII case, as a NOCASE column does.
func (d dialect) orderNoCase(col string) string {
	if d.engine == Postgres {
		return d.foldASCII(col) + ", " + col
	}
	return col
}

// boolInt is the stored form of a flag: both schemas keep is_range as an
// integer 0/1 (SQLite has no boolean type), and PostgreSQL does not accept a
// Go bool for an integer column.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unindexed is col in a condition that must not pick an index on col: on
// SQLite the unary + keeps the planner on the index the rest of the WHERE
// clause seeks (its cost model otherwise prefers a scan of a shorter index,
// see CoveringBan). PostgreSQL plans from statistics and takes col as is.
func (d dialect) unindexed(col string) string {
	if d.engine == Postgres {
		return col
	}
	return "+" + col
}
