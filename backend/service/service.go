// Package service is the one layer both doors call: the Wails bindings in
// app.go and the HTTP API in backend/httpapi. Each method takes ctx first and
// returns API shapes and *apperr.Error values, never GORM types.
package service

import (
	"context"
	"os"
	"os/user"
	"sync"
	"sync/atomic"

	"banlist/backend/bans"
	"banlist/backend/contacts"
	"banlist/backend/store"
)

// Service is the application on its current database. The database can be
// switched while the app runs (Settings → Database); callers keep the same
// *Service and always reach the current one.
type Service struct {
	cur      atomic.Pointer[backend]
	settings *Settings // nil: nothing is remembered between runs

	progress progress // the running import's progress, for the UI

	mu   sync.Mutex // guards subs, nextSub and operator
	subs map[int]func()
	next int
	op   string
}

// backend is everything tied to one open database file.
type backend struct {
	db          *store.DB
	contacts    *contacts.Store
	bans        *bans.Service
	unsubscribe func()
}

// New builds the service layer on an open database and starts watching the
// file for changes made by other processes. settings may be nil. Close stops it.
func New(ctx context.Context, db *store.DB, settings *Settings) *Service {
	s := &Service{settings: settings, subs: map[int]func(){}, op: defaultOperator()}
	if settings != nil && settings.Get().Operator != "" {
		s.op = settings.Get().Operator
	}
	s.cur.Store(s.attach(ctx, db))
	return s
}

// attach builds the stores for db and forwards its change notices.
func (s *Service) attach(ctx context.Context, db *store.DB) *backend {
	b := &backend{db: db, contacts: contacts.New(db), bans: bans.New(db, s.Operator)}
	b.bans.Start(ctx)
	b.unsubscribe = b.bans.Subscribe(s.notify)
	return b
}

func (b *backend) close() error {
	b.unsubscribe()
	berr := b.bans.Close()
	if err := b.db.Close(); err != nil {
		return err
	}
	return berr
}

// defaultOperator is the OS user's name, recorded on bans until the
// supervisor sets another in Settings.
func defaultOperator() string {
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return u.Name
		}
		return u.Username
	}
	return os.Getenv("USER")
}

// Operator returns the name recorded as the author of bans and unbans.
func (s *Service) Operator() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.op
}

// Close stops background work and closes the database.
func (s *Service) Close() error { return s.cur.Load().close() }

// Subscribe calls fn (from another goroutine) whenever the blacklist changes,
// in this process or another one sharing the file, and when the app switches
// to another database. The returned func stops it.
func (s *Service) Subscribe(fn func()) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.next
	s.next++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

func (s *Service) notify() {
	s.mu.Lock()
	fns := make([]func(), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Info describes the open database, for the Settings → Database panel and
// for the startup log.
type Info struct {
	Version  string `json:"version"`
	Path     string `json:"path"`
	Mode     string `json:"mode"` // "local", "shared" or "server"
	Size     int64  `json:"size"`
	Contacts int64  `json:"contacts"`
	Bans     int64  `json:"bans"`
	Active   int64  `json:"activeBans"`
	Operator string `json:"operator"`
	// DatabaseSwitch says whether this door may open or create another
	// database; DatabaseSwitchNote says why not when it may not.
	DatabaseSwitch     bool   `json:"databaseSwitch"`
	DatabaseSwitchNote string `json:"databaseSwitchNote,omitempty"`
	// LastSwitch is the newest database switch recorded in this file.
	LastSwitch *AuditEvent `json:"lastSwitch"`
	// Role is what the caller may do (supervisor, agent or check), and
	// Actor the name its changes are recorded under, so the UI can offer
	// only what will work.
	Role  string `json:"role" ts:"Role"`
	Actor string `json:"actor"`
	// Storage is the mode read from the file itself (shared, lock scheme,
	// journal), FileSystem where it lives, LockRecovery the last stale lock
	// broken on it (nil if none).
	Storage      store.Mode       `json:"storage"`
	FileSystem   store.FileSystem `json:"fileSystem"`
	LockRecovery *LockRecovery    `json:"lockRecovery,omitempty"`
}

// LockRecovery says when a stale lock on the shared file was broken and why.
type LockRecovery struct {
	At     int64  `json:"at"` // UTC Unix ms
	Detail string `json:"detail"`
}

// Version is the application version, set at build time with -ldflags.
var Version = "dev"

// Info returns facts about the open database.
func (s *Service) Info(ctx context.Context) (Info, error) {
	b := s.cur.Load()
	_, who := s.acting(ctx)
	info := Info{Version: Version, Path: b.db.Path, Mode: "local", Operator: s.Operator(), Role: who.RoleOf(), Actor: who.Name,
		DatabaseSwitch: true}
	switch {
	case b.db.Engine == store.Postgres:
		info.Mode = "server"
	case b.db.Shared:
		info.Mode = "shared"
	}
	info.Size = b.db.Size(ctx)
	info.FileSystem = b.db.FileSystem(ctx)
	var err error
	if info.Storage, err = b.db.Mode(ctx); err != nil {
		return info, err
	}
	if e, at, ok, err := b.db.LastAudit(ctx, store.AuditLockRecovered); err != nil {
		return info, err
	} else if ok {
		info.LockRecovery = &LockRecovery{At: at, Detail: e.Detail}
	}
	if info.Contacts, err = b.contacts.Count(ctx); err != nil {
		return info, err
	}
	all, err := b.bans.ListBlacklist(ctx, bans.Filter{Status: "all", PageSize: 1})
	if err != nil {
		return info, err
	}
	active, err := b.bans.ListBlacklist(ctx, bans.Filter{Status: "active", PageSize: 1})
	if err != nil {
		return info, err
	}
	info.Bans, info.Active = all.Total, active.Total
	switches, _, err := b.db.ListAudit(ctx, store.AuditQuery{Kind: AuditDatabaseSwitched, Limit: 1})
	if err != nil {
		return info, err
	}
	if len(switches) > 0 {
		last := toAuditEvent(switches[0])
		info.LastSwitch = &last
	}
	return info, nil
}
