package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"banlist/backend/apperr"
)

// Fault turns a storage error into something a supervisor can act on: the
// one translation of storage errors into apperr messages for every package.
// action completes "Could not …" ("block 203.0.113.7", "read contacts").
// Errors that are already user-facing pass through unchanged; a
// cancelled request stays a cancellation; any other failure is reported as
// unavailable with the driver's words, so nothing half-done looks done.
func (db *DB) Fault(ctx context.Context, action string, err error) error {
	if err == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", action, ctxErr)
	}
	c := Classify(err)
	if msg := db.faultMessage(c, err); msg != "" {
		return apperr.Unavailable(fmt.Sprintf("Could not %s: %s", action, msg), c)
	}
	return apperr.Unavailable(fmt.Sprintf("Could not %s: %v.", action, err), err)
}

// faultMessage says what went wrong and what to do, or "" when no kind fits.
func (db *DB) faultMessage(c, raw error) string {
	if db.Engine == Postgres {
		switch {
		case errors.Is(c, ErrBusy):
			return "another supervisor changed the same data at the same moment. Try again."
		case errors.Is(c, ErrReadOnly):
			return "the database server refused the change (a read-only server, or the account lacks the right). Ask whoever runs the server."
		case errors.Is(c, ErrDiskFull):
			return "the database server's disk is full. Ask whoever runs the server."
		case errors.Is(c, ErrUnreachable):
			return fmt.Sprintf("the database server (%s) cannot be reached. Check the network and that the server is running.", db.Path)
		}
		return ""
	}
	where := "the ban list"
	if db.Shared {
		where = "the shared ban list"
	}
	switch {
	case errors.Is(c, ErrBusy):
		return fmt.Sprintf("%s is locked by another banlist window or computer. Try again in a moment.", where)
	case errors.Is(c, ErrReadOnly):
		return fmt.Sprintf("%s file (%s) is read-only. Check that it and its folder can be written.", where, db.Path)
	case errors.Is(c, ErrDiskFull):
		return fmt.Sprintf("the disk holding %s is full. Free some space and try again.", where)
	case errors.Is(c, ErrNotDatabase):
		return fmt.Sprintf("%s file (%s) is damaged or is not a banlist database.", where, db.Path)
	case strings.Contains(raw.Error(), "disk I/O error"):
		return fmt.Sprintf("%s file (%s) could not be read or written. Check that the disk or network share is reachable.", where, db.Path)
	}
	return ""
}
