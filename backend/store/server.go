package store

import (
	"context"
	"errors"
	"strings"
)

// ErrNoBackupOnServer refuses Back up now on a server: the app cannot write
// a file on the server's disk, and the server has its own tools.
var ErrNoBackupOnServer = errors.New("a database server is backed up with its own tools (pg_dump), not from banlist; docs/TEAMS.md says how")

// Size is how much room the database takes: the file and its WAL for
// SQLite, the database on the server for PostgreSQL (0 if it cannot say).
func (db *DB) Size(ctx context.Context) int64 {
	if db.Engine != Postgres {
		return db.FileSize()
	}
	var n int64
	if err := db.WithContext(ctx).Raw(`SELECT pg_database_size(current_database())`).Scan(&n).Error; err != nil {
		return 0
	}
	return n
}

// serverFileSystem describes a PostgreSQL server for Settings → Database.
func (db *DB) serverFileSystem(ctx context.Context) FileSystem {
	var v string
	_ = db.WithContext(ctx).Raw(`SHOW server_version`).Scan(&v).Error
	name := "PostgreSQL"
	if f := strings.Fields(v); len(f) > 0 {
		name += " " + f[0]
	}
	return FileSystem{Kind: FSServer, Name: name,
		Meaning: "A database server: every supervisor's app and banlist serve use it at once, and changes reach the others within a second."}
}
