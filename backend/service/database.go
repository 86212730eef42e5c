package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"banlist/backend/apperr"
	"banlist/backend/settings"
	"banlist/backend/store"
)

// Settings is the machine's settings file, if the app keeps one.
type Settings = settings.File

// OpenDatabase switches the app to an existing banlist database file after
// checking that it opens, migrates and accepts writes, and remembers the
// choice. On any error the app stays on its current database.
func (s *Service) OpenDatabase(ctx context.Context, path string, shared bool) (Info, error) {
	path, err := cleanPath(path)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if dest, lerr := os.Readlink(path); lerr == nil {
			return Info{}, apperr.Invalid("path", fmt.Sprintf("%s is a link to %s, which does not exist.", path, dest))
		}
		return Info{}, apperr.Invalid("path", fmt.Sprintf("%s does not exist. To start a new database there, use “Create a shared database…”.", path))
	case err != nil:
		return Info{}, apperr.Invalid("path", fmt.Sprintf("Cannot read %s: %v.", path, err))
	case st.IsDir():
		return Info{}, apperr.Invalid("path", fmt.Sprintf("%s is a folder; choose a database file.", path))
	case st.Mode().IsRegular() && st.Size() == 0:
		// Opening means using a database that exists: banlist never turns
		// some other, empty file into one behind the supervisor's back.
		return Info{}, apperr.Invalid("path", fmt.Sprintf("%s is an empty file, not a banlist database. To start a new database, choose a name that does not exist yet with “Create a shared database…”.", path))
	}
	return s.switchTo(ctx, path, shared)
}

// CreateDatabase creates a new, empty banlist database at path (for a team:
// on a network share, with shared set), switches the app to it and
// remembers the choice. The file must not exist yet; its folder must.
func (s *Service) CreateDatabase(ctx context.Context, path string, shared bool) (Info, error) {
	path, err := cleanPath(path)
	if err != nil {
		return Info{}, err
	}
	// Lstat: a link, even to nothing, is something that exists there; the
	// cleanup below must never remove what was not created here.
	if _, err := os.Lstat(path); err == nil {
		return Info{}, apperr.Invalid("path", fmt.Sprintf("%s already exists. To use it, choose “Open another database…”.", path))
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return Info{}, apperr.Invalid("path", fmt.Sprintf("The folder %s does not exist.", dir))
	}
	info, err := s.switchTo(ctx, path, shared)
	if err != nil {
		// Leave nothing behind from a failed creation.
		for _, suffix := range []string{"", "-journal", "-wal", "-shm", ".lock-owner"} {
			_ = os.Remove(path + suffix)
		}
	}
	return info, err
}

func cleanPath(path string) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return "", apperr.Invalid("path", "Enter the path of a database file.")
	}
	if !filepath.IsAbs(path) {
		return "", apperr.Invalid("path", fmt.Sprintf("“%s” is not a full path; start it with / (or a drive letter on Windows).", path))
	}
	return filepath.Clean(path), nil
}

// switchTo opens path, proves it writable, swaps it in and saves the choice.
func (s *Service) switchTo(ctx context.Context, path string, shared bool) (Info, error) {
	old := s.cur.Load()
	db, err := store.Open(ctx, store.Options{Path: path, Shared: shared, Clock: old.db.Clock})
	if err == nil {
		if err = db.CheckWritable(ctx); err != nil {
			_ = db.Close()
		}
	}
	if err != nil {
		return Info{}, openError(path, err)
	}
	ctx, _ = s.acting(ctx)
	mode := func(shared bool) string {
		switch {
		case store.IsServerDSN(path):
			return "server"
		case shared:
			return "shared"
		}
		return "local"
	}
	// The new database's name as it shows it: a server's address without its
	// password, which is never recorded or shown.
	shown := db.Path
	// The new file must hold the record of how it came to be used; a file
	// that cannot take it is not switched to.
	if err := db.Session(ctx).RecordAudit(store.AuditEntry{Kind: AuditDatabaseSwitched, Target: shown,
		Detail: fmt.Sprintf("Switched to this database (%s) from %s.", mode(shared), old.db.Path)}); err != nil {
		_ = db.Close()
		return Info{}, openError(path, err)
	}
	if s.settings != nil {
		if err := s.settings.Update(func(st *settings.Settings) { st.DBPath, st.Shared = path, shared }); err != nil {
			_ = db.Close()
			return Info{}, apperr.Unavailable("Could not remember the choice: "+err.Error(), err)
		}
	}
	// The old file is told too, so its history shows why its bans stopped
	// being enforced here. It may be the broken file the supervisor is
	// leaving, so a failure is logged rather than blocking the switch.
	if err := old.db.Session(ctx).RecordAudit(store.AuditEntry{Kind: AuditDatabaseSwitched, Target: shown,
		Detail: fmt.Sprintf("Switched away from this database to %s (%s).", shown, mode(shared))}); err != nil {
		slog.Warn("could not record the switch in the old database", "path", old.db.Path, "err", err)
	}
	s.cur.Store(s.attach(context.WithoutCancel(ctx), db))
	_ = old.close()
	s.notify()
	return s.Info(ctx)
}

// AuditDatabaseSwitched is the audit kind recorded in both files when the
// app or server moves from one database to another.
const AuditDatabaseSwitched = "database_switched"

// openError turns a failure to open a file or a server into the message
// shown next to the field that named it.
func openError(path string, err error) error {
	if store.IsServerDSN(path) {
		return serverError(path, err)
	}
	return databaseError(path, err)
}

// databaseError turns a failure to open a database file into the message the
// Database panel shows next to the path field.
func databaseError(path string, err error) error {
	msg := ""
	switch {
	case errors.Is(err, store.ErrReadOnly):
		msg = fmt.Sprintf("%s is read-only (the file, its folder or the share): banlist needs to write to it.", path)
	case errors.Is(err, store.ErrNotDatabase):
		msg = fmt.Sprintf("%s is not a banlist database (it is not an SQLite file, or it is damaged).", path)
	case errors.Is(err, store.ErrNotBanlist):
		msg = fmt.Sprintf("%s belongs to another program: it is an SQLite database without banlist's tables.", path)
	case errors.Is(err, store.ErrInUseLocal):
		msg = fmt.Sprintf("%s is open as a local file (WAL) in another banlist window or command on this computer; close it (or open it there as shared too), then try again.", path)
	case errors.Is(err, store.ErrLockScheme):
		msg = err.Error()
	case errors.Is(err, store.ErrBusy):
		msg = fmt.Sprintf("%s is locked by another program; try again when it is released.", path)
	case errors.Is(err, store.ErrMissingFolder):
		msg = fmt.Sprintf("The folder of %s does not exist (is the network share mounted?).", path)
	case errors.Is(err, store.ErrIsFolder):
		msg = fmt.Sprintf("%s is a folder; choose a database file.", path)
	case errors.Is(err, store.ErrSymlink), errors.Is(err, store.ErrNotRegular), errors.Is(err, store.ErrExposed):
		msg = fmt.Sprintf("Cannot use %s: %v.", path, err)
	case errors.Is(err, store.ErrDiskFull):
		msg = fmt.Sprintf("The disk holding %s is full.", path)
	default:
		msg = fmt.Sprintf("Cannot use %s: %v", path, err)
	}
	return &apperr.Error{Code: apperr.CodeInvalid, Field: "path", Message: msg, Err: err}
}

// MaxOperatorLen caps the operator name recorded on bans.
const MaxOperatorLen = 100

// SetOperator changes the name recorded on this machine's bans and unbans.
func (s *Service) SetOperator(ctx context.Context, name string) (Info, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return Info{}, apperr.Invalid("operator", "Enter your name; it is recorded on every block you make.")
	case !utf8.ValidString(name):
		return Info{}, apperr.Invalid("operator", "The name contains invalid characters.")
	case utf8.RuneCountInString(name) > MaxOperatorLen:
		return Info{}, apperr.Invalid("operator", fmt.Sprintf("The name is too long (at most %d characters).", MaxOperatorLen))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return Info{}, apperr.Invalid("operator", "The name cannot contain control characters or line breaks.")
	}
	if s.settings != nil {
		if err := s.settings.Update(func(st *settings.Settings) { st.Operator = name }); err != nil {
			return Info{}, apperr.Unavailable("Could not save the name: "+err.Error(), err)
		}
	}
	s.mu.Lock()
	s.op = name
	s.mu.Unlock()
	return s.Info(ctx)
}
