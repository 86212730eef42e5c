package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// BackupResult is where a backup was written and how big it is.
type BackupResult struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// BackupDatabase writes a consistent copy of the open database to path
// (a new file, readable only by its owner) while the app keeps working.
func (s *Service) BackupDatabase(ctx context.Context, path string) (BackupResult, error) {
	if err := requireSupervisor(ctx, "back up the database"); err != nil {
		return BackupResult{}, err
	}
	path, err := cleanPath(path)
	if err != nil {
		return BackupResult{}, err
	}
	b := s.cur.Load()
	if b.db.Engine == store.Postgres {
		return BackupResult{}, apperr.Invalid("path", "This database is on a server: back it up there with pg_dump (docs/TEAMS.md), not from banlist.")
	}
	if abs, _ := filepath.Abs(b.db.Path); abs == path {
		return BackupResult{}, apperr.Invalid("path", "That is the open database itself; choose a new file for the backup.")
	}
	if _, err := os.Stat(path); err == nil {
		return BackupResult{}, apperr.Invalid("path", fmt.Sprintf("%s already exists; choose a new file name for the backup.", path))
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return BackupResult{}, apperr.Invalid("path", fmt.Sprintf("The folder %s does not exist.", dir))
	}
	if err := b.db.BackupTo(ctx, path); err != nil {
		if errors.Is(err, os.ErrPermission) {
			return BackupResult{}, apperr.Invalid("path", fmt.Sprintf("Cannot write in %s: permission denied.", dir))
		}
		if errors.Is(store.Classify(err), store.ErrDiskFull) {
			return BackupResult{}, apperr.Unavailable(fmt.Sprintf("The disk holding %s is full; the backup was not written.", dir), err)
		}
		return BackupResult{}, apperr.Unavailable(fmt.Sprintf("The backup to %s failed: %v.", path, err), err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return BackupResult{}, apperr.Unavailable("The backup was written but cannot be read back.", err)
	}
	return BackupResult{Path: path, Size: st.Size()}, nil
}
