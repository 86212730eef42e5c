package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// ConnectDatabase switches the app to a PostgreSQL server, named by a
// postgres:// address, after checking that it connects, migrates and
// accepts writes, and remembers the choice (docs/TEAMS.md). On any error the
// app stays on its current database; messages never show a password.
func (s *Service) ConnectDatabase(ctx context.Context, address string) (Info, error) {
	if err := requireSupervisor(ctx, "switch databases"); err != nil {
		return Info{}, err
	}
	address = strings.TrimSpace(address)
	if err := checkServerAddress(address); err != nil {
		return Info{}, err
	}
	return s.switchTo(ctx, address, false)
}

// checkServerAddress refuses what cannot be a PostgreSQL address, saying
// what is missing.
func checkServerAddress(address string) error {
	const field = "address"
	if address == "" {
		return apperr.Invalid(field, "Enter the server's address, e.g. postgres://banlist@db.example:5432/banlist?sslmode=verify-full.")
	}
	if !store.IsServerDSN(address) {
		return apperr.Invalid(field, "A server address starts with postgres:// (for a file, use “Open another database…”).")
	}
	u, err := url.Parse(address)
	if err != nil {
		return apperr.Invalid(field, fmt.Sprintf("The address is not valid: %v.", strings.TrimPrefix(err.Error(), "parse ")))
	}
	if u.Hostname() == "" {
		return apperr.Invalid(field, "The address names no server: write postgres://USER@HOST:PORT/DATABASE.")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return apperr.Invalid(field, fmt.Sprintf("The address is not valid: port %s is not a number from 1 to 65535.", p))
		}
	}
	if strings.Trim(u.Path, "/") == "" {
		return apperr.Invalid(field, "The address names no database: end it with /DATABASE (e.g. /banlist).")
	}
	if u.User == nil || u.User.Username() == "" {
		return apperr.Invalid(field, "The address names no user: write postgres://USER@HOST/DATABASE (the password goes in ~/.pgpass).")
	}
	return nil
}

// serverError turns a failure to use a server into the message shown next
// to the address field.
func serverError(address string, err error) error {
	name := store.Redact(address)
	var msg string
	switch {
	case errors.Is(err, store.ErrUnreachable):
		msg = fmt.Sprintf("Cannot reach %s: check the host and port, and that the server is running and accepts connections from this computer.", name)
	case errors.Is(err, store.ErrLoginRefused):
		msg = fmt.Sprintf("%s refused the user name or password (check ~/.pgpass or the server's pg_hba.conf).", name)
	case errors.Is(err, store.ErrNoSuchDB):
		msg = fmt.Sprintf("The database in %s does not exist on the server: create it first (docs/TEAMS.md).", name)
	case errors.Is(err, store.ErrNotBanlist):
		msg = fmt.Sprintf("The database in %s belongs to another program: it has tables but not banlist's.", name)
	case errors.Is(err, store.ErrReadOnly):
		msg = fmt.Sprintf("%s does not let this user write (a read-only server or missing rights): banlist needs to write.", name)
	default:
		msg = fmt.Sprintf("Cannot use %s: %v", name, err)
	}
	return &apperr.Error{Code: apperr.CodeInvalid, Field: "address", Message: msg, Err: err}
}
