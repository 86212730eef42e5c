package store

import (
	"context"
	"encoding/binary"
	"io"
	"os"
)

// Kinds of file system a database can live on.
const (
	FSLocal   = "local"
	FSNetwork = "network"
	FSFuse    = "fuse"
	FSUnknown = "unknown"
	FSServer  = "server" // a PostgreSQL server, not a file
)

// FileSystem tells the user where the database lives and what that means.
type FileSystem struct {
	Kind    string `json:"kind"`    // local, network, fuse, unknown, server
	Name    string `json:"name"`    // nfs, smb/cifs, fuse.sshfs, ext4, …
	Meaning string `json:"meaning"` // one sentence for Settings → Database
}

// FileSystem detects the file system holding the database (statfs on
// Linux), or describes the server.
func (db *DB) FileSystem(ctx context.Context) FileSystem {
	if db.Engine == Postgres {
		return db.serverFileSystem(ctx)
	}
	kind, name := detectFS(db.Path)
	fs := FileSystem{Kind: kind, Name: name}
	switch {
	case kind == FSLocal && db.Shared:
		fs.Meaning = "A local disk of this computer. Shared mode works here too: several banlist processes on this computer use the same file safely."
	case kind == FSLocal:
		fs.Meaning = "A local disk of this computer: fast, safe for several banlist processes on this computer."
	case db.Shared:
		fs.Meaning = "A network or user-space file system whose byte-range locks may not reach other computers. banlist locks the shared file with a lock folder (" + LockDir(db.Path) + ") that every computer sees, and removes one left by a crashed computer after 15 s of silence."
	default:
		fs.Meaning = "A network or user-space file system. Opened as a local file (WAL), it is safe only if no other computer opens it; open it as shared for a team."
	}
	return fs
}

// ChangeCounter reads the file change counter from the database header
// (bytes 24–27), which SQLite increments on every commit in rollback-journal
// mode, without taking SQLite's lock: a shared file's watchers read it
// instead of PRAGMA data_version, which needs the lock (a mkdir and an rmdir
// on the share) on every look. The file is opened anew each time so that a
// network file system revalidates it (close-to-open consistency).
func (db *DB) ChangeCounter(ctx context.Context) (uint32, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f, err := os.Open(db.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var b [4]byte
	if _, err := f.ReadAt(b[:], 24); err != nil && err != io.EOF {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:]), nil
}
