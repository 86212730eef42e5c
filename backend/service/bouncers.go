package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"banlist/backend/apikey"
	"banlist/backend/apperr"
	"banlist/backend/lapi"
	"banlist/backend/store"
)

// BouncerKeyPrefix starts every bouncer key, so a leaked one is recognisable.
const BouncerKeyPrefix = "blb_"

// MaxBouncerName is the longest bouncer name, in characters.
const MaxBouncerName = 64

// Bouncer is one CrowdSec bouncer key as Settings → Enforcement lists it.
type Bouncer struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"createdAt"`
	CreatedBy  string     `json:"createdBy"`
	LastPullAt *time.Time `json:"lastPullAt"`
	LastRemote string     `json:"lastRemote"`
	LastAgent  string     `json:"lastAgent"`
}

// NewBouncer is a bouncer just added, with its key: shown this once only.
type NewBouncer struct {
	Bouncer Bouncer `json:"bouncer"`
	Key     string  `json:"key"`
}

func toBouncer(b store.Bouncer) Bouncer {
	out := Bouncer{Name: b.Name, CreatedAt: time.UnixMilli(b.CreatedAt).UTC(), CreatedBy: b.CreatedBy,
		LastRemote: b.LastRemote, LastAgent: b.LastAgent}
	if b.LastPullAt != nil {
		t := time.UnixMilli(*b.LastPullAt).UTC()
		out.LastPullAt = &t
	}
	return out
}

// Feed is the CrowdSec decision feed of the current database, for /v1/.
func (s *Service) Feed() *lapi.Feed { return lapi.New(s.cur.Load().db) }

// ListBouncers returns the bouncer keys, by name, with their last pull.
func (s *Service) ListBouncers(ctx context.Context) ([]Bouncer, error) {
	if err := requireSupervisor(ctx, "see the bouncer keys"); err != nil {
		return nil, err
	}
	rows, err := s.cur.Load().db.ListBouncers(ctx)
	if err != nil {
		return nil, s.cur.Load().db.Fault(ctx, "read the bouncer keys", err)
	}
	out := make([]Bouncer, len(rows))
	for i, r := range rows {
		out[i] = toBouncer(r)
	}
	return out, nil
}

// AddBouncer makes a key for a bouncer called name. The key is in the
// answer only; the database keeps its hash.
func (s *Service) AddBouncer(ctx context.Context, name string) (NewBouncer, error) {
	if err := requireSupervisor(ctx, "add a bouncer key"); err != nil {
		return NewBouncer{}, err
	}
	ctx, _ = s.acting(ctx)
	name, err := checkBouncerName(name)
	if err != nil {
		return NewBouncer{}, err
	}
	key, hash := apikey.New(BouncerKeyPrefix)
	row, err := s.cur.Load().db.AddBouncer(ctx, name, hash)
	if errors.Is(err, store.ErrBouncerExists) {
		return NewBouncer{}, &apperr.Error{Code: apperr.CodeConflict, Field: "name", Err: err,
			Message: fmt.Sprintf("A bouncer called “%s” already exists; choose another name, or revoke it first.", name)}
	}
	if err != nil {
		return NewBouncer{}, s.cur.Load().db.Fault(ctx, "add the bouncer "+name, err)
	}
	return NewBouncer{Bouncer: toBouncer(row), Key: key}, nil
}

// DeleteBouncer revokes the key of the bouncer called name at once.
func (s *Service) DeleteBouncer(ctx context.Context, name string) error {
	if err := requireSupervisor(ctx, "revoke a bouncer key"); err != nil {
		return err
	}
	ctx, _ = s.acting(ctx)
	name = strings.TrimSpace(name)
	err := s.cur.Load().db.DeleteBouncer(ctx, name)
	if errors.Is(err, store.ErrNoBouncer) {
		return &apperr.Error{Code: apperr.CodeNotFound, Field: "name", Err: err,
			Message: fmt.Sprintf("There is no bouncer called “%s”.", name)}
	}
	if err != nil {
		return s.cur.Load().db.Fault(ctx, "revoke the bouncer "+name, err)
	}
	return nil
}

// checkBouncerName trims name and refuses an empty, overlong or unprintable one.
func checkBouncerName(name string) (string, error) {
	name = strings.TrimSpace(name)
	bad := func(msg string) error { return apperr.Invalid("name", msg) }
	switch {
	case name == "":
		return "", bad("Enter a name for the bouncer, e.g. firewall-chat1.")
	case !utf8.ValidString(name):
		return "", bad("The name contains bytes that are not valid text; retype it.")
	case utf8.RuneCountInString(name) > MaxBouncerName:
		return "", bad(fmt.Sprintf("The name is %d characters long; the limit is %d.", utf8.RuneCountInString(name), MaxBouncerName))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", bad("The name contains control characters (tabs, line breaks…); use letters, digits, dashes or spaces.")
	}
	return name, nil
}
