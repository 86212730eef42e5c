package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// BackupTo writes a consistent copy of the database to path with VACUUM INTO
// (SQLite's online copy: it reads one snapshot, so writers may go on and the
// copy is never half-written, unlike copying the file and its WAL by hand).
// The copy is made in a private temporary folder next to path, made 0600,
// then renamed into place, so nobody else can read it at any moment.
// path must not exist.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.Engine == Postgres {
		return ErrNoBackupOnServer
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(path), ".banlist-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "backup.db")
	if err := db.WithContext(ctx).Exec(`VACUUM INTO ?`, tmp).Error; err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	// Link, not rename: it fails if path appeared meanwhile instead of replacing it.
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("place the backup: %w", err)
	}
	return nil
}

// FileSize is the database's size on disk: the main file plus its WAL,
// where recent writes sit until a checkpoint moves them into the file.
func (db *DB) FileSize() int64 {
	var n int64
	for _, p := range []string{db.Path, db.Path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}
