// Package contacts holds the contact-center report: one row per chat contact,
// with the customer's IP address that a supervisor may block.
package contacts

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// ErrNotFound is returned (wrapped in an *apperr.Error) for an unknown contact id.
var ErrNotFound = errors.New("contact not found")

// Contact is one chat contact as the report and the detail view show it.
type Contact struct {
	ID           int64      `json:"id"`
	VisitorName  string     `json:"visitorName"`
	Email        string     `json:"email"`
	IP           string     `json:"ip"`
	Channel      string     `json:"channel"`
	StartedAt    time.Time  `json:"startedAt"`
	EndedAt      *time.Time `json:"endedAt,omitempty"`
	DurationSec  int64      `json:"durationSec"`
	Agent        string     `json:"agent"`
	Department   string     `json:"department"`
	Messages     int64      `json:"messages"`
	Rating       *int64     `json:"rating,omitempty"`
	Country      string     `json:"country"`
	UserAgent    string     `json:"userAgent"`
	FirstMessage string     `json:"firstMessage"`
}

// fromStore is the report's shape of a stored contact.
func fromStore(r store.Contact) Contact {
	c := Contact{
		ID: r.ID, VisitorName: r.VisitorName, Email: r.Email, IP: r.IP, Channel: r.Channel,
		StartedAt: time.UnixMilli(r.StartedAt).UTC(), DurationSec: r.DurationSec, Agent: r.Agent,
		Department: r.Department, Messages: r.Messages, Rating: r.Rating, Country: r.Country,
		UserAgent: r.UserAgent, FirstMessage: r.FirstMessage,
	}
	if r.EndedAt != nil {
		t := time.UnixMilli(*r.EndedAt).UTC()
		c.EndedAt = &t
	}
	return c
}

// toStore is c as stored: its address normalized (and as a range key), its
// times in Unix milliseconds, the default channel filled in.
func toStore(c Contact) (store.Contact, error) {
	addr, ok := addressOf(c.IP)
	if !ok {
		return store.Contact{}, apperr.Invalid("ip", fmt.Sprintf("“%s” is not an IP address", c.IP))
	}
	key := addr.As16()
	// The id is always assigned by the database: a contact is new when
	// inserted, and a retried transaction must not reuse ids handed out by a
	// failed attempt.
	r := store.Contact{
		VisitorName: c.VisitorName, Email: c.Email, IP: addr.String(), IPKey: key[:],
		Channel: c.Channel, StartedAt: c.StartedAt.UnixMilli(), DurationSec: c.DurationSec,
		Agent: c.Agent, Department: c.Department, Messages: c.Messages, Rating: c.Rating,
		Country: c.Country, UserAgent: c.UserAgent, FirstMessage: c.FirstMessage,
	}
	if r.Channel == "" {
		r.Channel = "chat"
	}
	if c.EndedAt != nil {
		ms := c.EndedAt.UnixMilli()
		r.EndedAt = &ms
	}
	return r, nil
}

// Store reads and writes contacts.
type Store struct {
	db *store.DB
}

// New returns a Store on db.
func New(db *store.DB) *Store { return &Store{db: db} }

// Insert stores contacts in one transaction: all or none. Each contact's IP
// is normalized; the assigned ids are written back into cs.
func (s *Store) Insert(ctx context.Context, cs []Contact) error {
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		return InsertTx(tx, cs)
	})
	return s.db.Fault(ctx, "save contacts", err)
}

// InsertTx stores contacts inside the caller's transaction tx. Each
// contact's IP is normalized; the assigned ids are written back into cs.
func InsertTx(tx *store.Tx, cs []Contact) error {
	rows := make([]store.Contact, len(cs))
	for i, c := range cs {
		r, err := toStore(c)
		if err != nil {
			return fmt.Errorf("contact %d: %w", i+1, err)
		}
		rows[i] = r
	}
	if err := tx.InsertContacts(rows); err != nil {
		return err
	}
	for i := range rows {
		cs[i].ID = rows[i].ID
		cs[i].IP = rows[i].IP
	}
	return nil
}

// Get returns one contact.
func (s *Store) Get(ctx context.Context, id int64) (Contact, error) {
	r, ok, err := s.db.GetContact(ctx, id)
	if err != nil {
		return Contact{}, s.db.Fault(ctx, "read the contact", err)
	}
	if !ok {
		return Contact{}, &apperr.Error{Code: apperr.CodeNotFound, Message: fmt.Sprintf("Contact %d does not exist.", id), Err: ErrNotFound}
	}
	return fromStore(r), nil
}

// Count returns how many contacts are stored.
func (s *Store) Count(ctx context.Context) (int64, error) {
	return s.db.Session(ctx).CountContacts()
}

// CountByIP returns how many contacts came from ip: those whose ip_key is
// its key (a lookup in the ip_key index). A text that is no address matches
// no contact.
func (s *Store) CountByIP(ctx context.Context, ip string) (int64, error) {
	addr, ok := addressOf(ip)
	if !ok {
		return 0, nil
	}
	key := addr.As16()
	return s.db.CountContactsInRange(ctx, key, key)
}

// addressOf reads a contact's address as it is stored: one address without
// a zone, IPv4-mapped IPv6 unmapped.
func addressOf(ip string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}
