package store

import (
	"errors"
	"fmt"
	"strings"
)

// Storage faults a user can do something about. Open and the services wrap
// SQLite's errors into these so the UI can say what went wrong.
var (
	ErrNotDatabase = errors.New("the file is not a banlist (SQLite) database, or it is damaged")
	ErrReadOnly    = errors.New("the database file or its folder is read-only")
	ErrBusy        = errors.New("the database is locked by another program for too long")
	ErrDiskFull    = errors.New("the disk holding the database is full")
	ErrNotBanlist  = errors.New("the file is an SQLite database of another program, not a banlist database")
)

// Classify maps a raw SQLite error to one of the storage faults above,
// wrapped with the original, or returns err unchanged.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var kind error
	switch {
	case strings.Contains(msg, "(26)") || strings.Contains(msg, "not a database") ||
		strings.Contains(msg, "malformed") || strings.Contains(msg, "(11)"):
		kind = ErrNotDatabase
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") ||
		strings.Contains(msg, "(8)") || strings.Contains(msg, "unable to open database file") ||
		strings.Contains(msg, "(14)"):
		kind = ErrReadOnly
	case strings.Contains(msg, "database is locked") || strings.Contains(msg, "(5)") ||
		strings.Contains(msg, "(6)") || strings.Contains(msg, "SQLITE_BUSY"):
		kind = ErrBusy
	case strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "(13)"):
		kind = ErrDiskFull
	default:
		return err
	}
	if errors.Is(err, kind) {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// IsBusy reports whether err is SQLite's "locked/busy", which is worth retrying.
func IsBusy(err error) bool { return errors.Is(Classify(err), ErrBusy) }
