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

// indexedBy names the index SQLite must use for the table just named (its
// planner has no statistics and can guess wrong at a million rows).
// PostgreSQL has statistics and no such clause: there it is empty.
func (d dialect) indexedBy(index string) string {
	if d.engine == Postgres {
		return ""
	}
	return " INDEXED BY " + index
}

// notIndexed keeps SQLite from walking an index of the table just named
// (where reading the few rows by id and sorting them is cheaper); empty on
// PostgreSQL, whose planner costs that itself.
func (d dialect) notIndexed() string {
	if d.engine == Postgres {
		return ""
	}
	return " NOT INDEXED"
}

// blobParam is a parameter holding bytes where the statement alone does not
// say its type (a VALUES list): PostgreSQL would take it for text.
func (d dialect) blobParam() string {
	if d.engine == Postgres {
		return "CAST(? AS bytea)"
	}
	return "?"
}

// searchLike is the report's search as a condition: the visitor's name, the
// email or the address contains the LIKE pattern in the next three
// parameters (each the same pattern, lowered: contactlist.go's
// likePattern). On PostgreSQL every column is lowered as the pg_trgm GIN
// indexes of step 0004 hold it (lower() of a "C" column folds ASCII letters
// only, as SQLite's does), so those indexes serve it; SQLite's LIKE already
// ignores ASCII case, and the address is never upper case.
func (d dialect) searchLike() string {
	ip := "ip"
	if d.engine == Postgres {
		ip = "lower(ip)"
	}
	return `(lower(visitor_name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR ` + ip + ` LIKE ? ESCAPE '\')`
}
