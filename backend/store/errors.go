package store

import (
	"errors"
	"fmt"
	"strings"
)

// Storage faults a user can do something about. Open and the services wrap
// SQLite's errors into these so the UI can say what went wrong.
var (
	ErrNotDatabase   = errors.New("the file is not a banlist (SQLite) database, or it is damaged")
	ErrReadOnly      = errors.New("the database file or its folder is read-only")
	ErrBusy          = errors.New("the database is locked by another program for too long")
	ErrDiskFull      = errors.New("the disk holding the database is full")
	ErrNotBanlist    = errors.New("the file is an SQLite database of another program, not a banlist database")
	ErrMissingFolder = errors.New("the database folder does not exist")
	ErrUnreachable   = errors.New("the database server cannot be reached")
	ErrLoginRefused  = errors.New("the database server refused the user name or password")
	ErrNoSuchDB      = errors.New("the database does not exist on the server")
)

// SQLite primary result codes (the low byte of an extended code).
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// Classify maps a raw SQLite or PostgreSQL error to one of the storage faults above,
// wrapped with the original, or returns err unchanged. It reads the driver's
// result code; the message is consulted only for errors without one.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	for _, kind := range []error{ErrNotDatabase, ErrReadOnly, ErrBusy, ErrDiskFull, ErrNotBanlist, ErrMissingFolder, ErrUnreachable, ErrLoginRefused, ErrNoSuchDB,
		ErrIsFolder, ErrSymlink, ErrNotRegular, ErrExposed} {
		if errors.Is(err, kind) {
			return err
		}
	}
	kind := kindOf(err)
	if kind == nil {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

func kindOf(err error) error {
	if kind, known := pgKindOf(err); known {
		return kind
	}
	if code, ok := sqliteCode(err); ok {
		switch code {
		case sqliteBusy, sqliteLocked:
			return ErrBusy
		case sqliteReadOnly, sqliteCantOpen:
			return ErrReadOnly
		case sqliteCorrupt, sqliteNotADB:
			return ErrNotDatabase
		case sqliteFull:
			return ErrDiskFull
		}
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database") || strings.Contains(msg, "database disk image is malformed"):
		return ErrNotDatabase
	case strings.Contains(msg, "attempt to write a readonly database") || strings.Contains(msg, "unable to open database file"):
		return ErrReadOnly
	case strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked"):
		return ErrBusy
	case strings.Contains(msg, "database or disk is full"):
		return ErrDiskFull
	}
	return nil
}

// isCantOpen reports SQLite's "unable to open database file" (SQLITE_CANTOPEN).
func isCantOpen(err error) bool {
	if code, ok := sqliteCode(err); ok {
		return code == sqliteCantOpen
	}
	return err != nil && strings.Contains(err.Error(), "unable to open database file")
}

// sqliteCode is the primary SQLite result code an error carries, if any.
func sqliteCode(err error) (int, bool) {
	code, ok := sqliteExtendedCode(err)
	return code & 0xff, ok
}

// IsBusy reports whether err is SQLite's "locked/busy" or PostgreSQL's
// serialization failure or deadlock, which are worth retrying.
func IsBusy(err error) bool { return errors.Is(Classify(err), ErrBusy) }
