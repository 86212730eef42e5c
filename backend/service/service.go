// Package service is the one layer both doors call: the Wails bindings in
// app.go and the HTTP API in backend/httpapi. Each method takes ctx first and
// returns API shapes and *apperr.Error values, never GORM types.
package service

import (
	"context"
	"os"

	"banlist/backend/contacts"
	"banlist/backend/store"
)

// Service holds the domain stores of one open database.
type Service struct {
	db       *store.DB
	contacts *contacts.Store
}

// New builds the service layer on an open database.
func New(db *store.DB) *Service {
	return &Service{db: db, contacts: contacts.New(db)}
}

// Close stops background work and closes the database.
func (s *Service) Close() error { return s.db.Close() }

// Info describes the open database, for the Settings → Database panel and
// for the startup log.
type Info struct {
	Version  string `json:"version"`
	Path     string `json:"path"`
	Mode     string `json:"mode"` // "local" or "shared"
	Size     int64  `json:"size"`
	Contacts int64  `json:"contacts"`
}

// Version is the application version, set at build time with -ldflags.
var Version = "dev"

// Info returns facts about the open database.
func (s *Service) Info(ctx context.Context) (Info, error) {
	info := Info{Version: Version, Path: s.db.Path, Mode: "local"}
	if s.db.Shared {
		info.Mode = "shared"
	}
	if st, err := os.Stat(s.db.Path); err == nil {
		info.Size = st.Size()
	}
	n, err := s.contacts.Count(ctx)
	if err != nil {
		return info, err
	}
	info.Contacts = n
	return info, nil
}

// ListContacts returns one page of the contacts report.
func (s *Service) ListContacts(ctx context.Context, q contacts.Query) (contacts.Page, error) {
	return s.contacts.List(ctx, q)
}

// GetContact returns one contact.
func (s *Service) GetContact(ctx context.Context, id int64) (contacts.Contact, error) {
	return s.contacts.Get(ctx, id)
}

// ListAgents returns the agent names for the report's filter.
func (s *Service) ListAgents(ctx context.Context) ([]string, error) {
	return s.contacts.Agents(ctx)
}
