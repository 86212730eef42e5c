package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// migration is one named, ordered schema step. Steps never change once
// released; a schema change is a new step at the end of the list.
type migration struct {
	name string
	up   func(tx *gorm.DB) error
}

// execAll runs each statement in order and stops at the first error.
func execAll(stmts ...string) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		for _, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("%.60s…: %w", s, err)
			}
		}
		return nil
	}
}

// Times are stored as INTEGER Unix milliseconds in UTC: they sort and compare
// exactly, and index compactly, whatever the machine's time zone.
var migrations = []migration{
	{name: "0001_contacts", up: execAll(
		`CREATE TABLE contacts (
			id            INTEGER PRIMARY KEY,
			visitor_name  TEXT    NOT NULL DEFAULT '',
			email         TEXT    NOT NULL DEFAULT '',
			ip            TEXT    NOT NULL,
			ip_key        BLOB    NOT NULL, -- 16-byte form of ip, for range lookups
			channel       TEXT    NOT NULL DEFAULT 'chat',
			started_at    INTEGER NOT NULL,
			ended_at      INTEGER,
			duration_sec  INTEGER NOT NULL DEFAULT 0,
			agent         TEXT    NOT NULL DEFAULT '',
			department    TEXT    NOT NULL DEFAULT '',
			messages      INTEGER NOT NULL DEFAULT 0,
			rating        INTEGER,
			country       TEXT    NOT NULL DEFAULT '',
			user_agent    TEXT    NOT NULL DEFAULT '',
			first_message TEXT    NOT NULL DEFAULT ''
		)`,
		`CREATE INDEX contacts_started ON contacts(started_at DESC, id DESC)`,
		`CREATE INDEX contacts_ip ON contacts(ip, started_at DESC)`,
		`CREATE INDEX contacts_ip_key ON contacts(ip_key)`,
		`CREATE INDEX contacts_agent ON contacts(agent, started_at DESC)`,
	)},
	{name: "0002_settings", up: execAll(
		`CREATE TABLE settings (
			key   TEXT PRIMARY KEY,
			value TEXT NOT NULL
		)`,
	)},
	// Bans are never deleted: unbanning sets removed_at. lo/hi are the first
	// and last address covered, as 16-byte keys (IPv4 in its IPv4-mapped
	// form), so BLOB comparison orders them numerically. There is no unique
	// index on target: "active" depends on the clock, which an index cannot
	// see; package bans checks for an active duplicate inside the write
	// transaction instead, which the immediate write lock makes atomic.
	{name: "0003_bans", up: execAll(
		`CREATE TABLE bans (
			id         INTEGER PRIMARY KEY,
			target     TEXT    NOT NULL,
			is_range   INTEGER NOT NULL,
			lo         BLOB    NOT NULL,
			hi         BLOB    NOT NULL,
			period     TEXT    NOT NULL,
			notes      TEXT    NOT NULL DEFAULT '',
			created_by TEXT    NOT NULL,
			created_at INTEGER NOT NULL,
			expires_at INTEGER NOT NULL,
			removed_at INTEGER,
			removed_by TEXT    NOT NULL DEFAULT '',
			renewals   INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX bans_active ON bans(removed_at, expires_at)`,
		`CREATE INDEX bans_target ON bans(target, created_at)`,
		`CREATE INDEX bans_lo_hi ON bans(lo, hi)`,
		`CREATE INDEX bans_created ON bans(created_at)`,
		`CREATE TABLE ban_events (
			id         INTEGER PRIMARY KEY,
			ban_id     INTEGER NOT NULL REFERENCES bans(id),
			target     TEXT    NOT NULL,
			kind       TEXT    NOT NULL, -- banned, renewed, unbanned, expired
			actor      TEXT    NOT NULL,
			at         INTEGER NOT NULL,
			period     TEXT    NOT NULL DEFAULT '',
			notes      TEXT    NOT NULL DEFAULT '',
			expires_at INTEGER
		)`,
		`CREATE INDEX ban_events_target ON ban_events(target, at)`,
		`CREATE INDEX ban_events_ban ON ban_events(ban_id)`,
	)},
	// Substring search of the report without scanning every contact: a
	// trigram full-text index of the three searched columns. It holds them
	// as lower() gives them (ASCII letters folded, everything else as is)
	// and matches case-sensitively, so a match is exactly what
	// lower(column) LIKE '%text%' finds, for texts of 3 characters or more
	// (shorter ones have no trigram; the report scans a window for those,
	// store/contactshort.go).
	// Contentless (content=''): it stores the index only, not a second copy
	// of the text; columnsize=0 drops the per-row token counts, which only
	// ranking uses. The triggers keep it in step with contacts; a contentless
	// table forgets a row only through the 'delete' command given the exact
	// values it indexed, hence lower(old.…).
	{name: "0004_contacts_search", up: execAll(
		`CREATE VIRTUAL TABLE contacts_fts USING fts5(visitor_name, email, ip,
			content='', columnsize=0, tokenize='trigram case_sensitive 1')`,
		`INSERT INTO contacts_fts(rowid, visitor_name, email, ip)
			SELECT id, lower(visitor_name), lower(email), lower(ip) FROM contacts`,
		`CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
			INSERT INTO contacts_fts(rowid, visitor_name, email, ip)
				VALUES (new.id, lower(new.visitor_name), lower(new.email), lower(new.ip));
		END`,
		`CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
			INSERT INTO contacts_fts(contacts_fts, rowid, visitor_name, email, ip)
				VALUES ('delete', old.id, lower(old.visitor_name), lower(old.email), lower(old.ip));
		END`,
		`CREATE TRIGGER contacts_fts_update AFTER UPDATE OF id, visitor_name, email, ip ON contacts BEGIN
			INSERT INTO contacts_fts(contacts_fts, rowid, visitor_name, email, ip)
				VALUES ('delete', old.id, lower(old.visitor_name), lower(old.email), lower(old.ip));
			INSERT INTO contacts_fts(rowid, visitor_name, email, ip)
				VALUES (new.id, lower(new.visitor_name), lower(new.email), lower(new.ip));
		END`,
	)},
	// The active bans in address order, with their spans: the report's
	// "blocked only" walks them this way to range-scan contacts_ip_key
	// forwards (and reads them for its merge) without touching the table.
	{name: "0005_bans_live", up: execAll(
		`CREATE INDEX bans_live ON bans(removed_at, lo, hi, expires_at)`,
	)},
	// What happened outside the life of a ban (database switches, imports,
	// protected-list and token changes, bouncer keys): one row each, newest
	// found by at. Ban changes stay in ban_events; the audit view reads both.
	{name: "0006_audit", up: execAll(
		`CREATE TABLE audit_events (
			id     INTEGER PRIMARY KEY,
			at     INTEGER NOT NULL,
			actor  TEXT    NOT NULL,
			source TEXT    NOT NULL DEFAULT '', -- desktop, browser, token, cli
			remote TEXT    NOT NULL DEFAULT '',
			kind   TEXT    NOT NULL,            -- e.g. database_switched, import, protected_added
			target TEXT    NOT NULL DEFAULT '', -- what it was about (a path, an address, a name)
			detail TEXT    NOT NULL DEFAULT ''  -- a short human sentence
		)`,
		`CREATE INDEX audit_events_at ON audit_events(at DESC, id DESC)`,
		`CREATE INDEX audit_events_kind ON audit_events(kind, at DESC)`,
	)},
	// The never-ban list: addresses and ranges (offices, partners, the chat
	// platform's NAT) that no ban, renewal or import may cover. lo/hi are
	// 16-byte keys like bans', so overlap is two BLOB comparisons.
	{name: "051_protected", up: execAll(
		`CREATE TABLE protected (
			id         INTEGER PRIMARY KEY,
			target     TEXT    NOT NULL UNIQUE,
			is_range   INTEGER NOT NULL,
			lo         BLOB    NOT NULL,
			hi         BLOB    NOT NULL,
			notes      TEXT    NOT NULL DEFAULT '',
			created_by TEXT    NOT NULL,
			created_at INTEGER NOT NULL
		)`,
		`CREATE INDEX protected_lo_hi ON protected(lo, hi)`,
	)},
	// Named API tokens with a role (supervisor, agent, check). Only the
	// SHA-256 of a token is kept (package apikey).
	{name: "052_api_tokens", up: execAll(
		`CREATE TABLE api_tokens (
			id           INTEGER PRIMARY KEY,
			name         TEXT    NOT NULL UNIQUE,
			role         TEXT    NOT NULL,
			hash         TEXT    NOT NULL UNIQUE,
			created_by   TEXT    NOT NULL,
			created_at   INTEGER NOT NULL,
			last_used_at INTEGER
		)`,
	)},
	// Through which door a ban event came (desktop, browser, token, cli), for
	// the audit view ('' for events recorded before this step), and the
	// indexes that let the audit view read a page newest first, whole or by
	// kind, without sorting every event.
	{name: "053_ban_events_source", up: execAll(
		`ALTER TABLE ban_events ADD COLUMN source TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX ban_events_at ON ban_events(at DESC, id DESC)`,
		`CREATE INDEX ban_events_kind ON ban_events(kind, at DESC, id DESC)`,
	)},
	// Bouncer keys for the CrowdSec Local API (/v1/, package lapi): only the
	// key's hash is kept. cursor_event/cursor_at are where the key's previous
	// stream pull ended (the last ban_events id it saw, and the clock then),
	// so each pull sends what changed since, expiries included (found through
	// bans_active). last_* show in Settings → Enforcement.
	{name: "011_bouncers", up: execAll(
		`CREATE TABLE bouncers (
			id           INTEGER PRIMARY KEY,
			name         TEXT    NOT NULL COLLATE NOCASE UNIQUE,
			key_hash     TEXT    NOT NULL UNIQUE,
			created_at   INTEGER NOT NULL,
			created_by   TEXT    NOT NULL DEFAULT '',
			cursor_event INTEGER NOT NULL DEFAULT 0,
			cursor_at    INTEGER NOT NULL DEFAULT 0,
			last_pull_at INTEGER,
			last_remote  TEXT    NOT NULL DEFAULT '',
			last_agent   TEXT    NOT NULL DEFAULT ''
		)`,
	)},
	// One index per column the report can be sorted by, so a page in any
	// order is a walk down an index (each ends in the rowid, which is the
	// report's id tie-break), never a sort of every contact. Date and IP
	// already have theirs (contacts_started, contacts_ip_key).
	{name: "0601_contacts_sort", up: execAll(
		`CREATE INDEX contacts_sort_name ON contacts(visitor_name)`,
		`CREATE INDEX contacts_sort_email ON contacts(email)`,
		`CREATE INDEX contacts_sort_agent ON contacts(agent)`,
		`CREATE INDEX contacts_sort_channel ON contacts(channel)`,
		`CREATE INDEX contacts_sort_duration ON contacts(duration_sec)`,
	)},
	// How the file must be opened, recorded when it is made shared so every
	// process honours it whatever its flags (store/mode.go). One row at most.
	{name: "031_storage_mode", up: execAll(
		`CREATE TABLE storage_mode (
			id     INTEGER PRIMARY KEY CHECK (id = 1),
			shared INTEGER NOT NULL,
			lock   TEXT    NOT NULL, -- unix-dotfile or windows
			set_at INTEGER NOT NULL,
			set_by TEXT    NOT NULL  -- host and process that made it shared
		)`,
	)},
	// A server notifies other processes of changes (PostgreSQL's twin adds
	// triggers). An SQLite file has no such channel: its processes poll
	// data_version or the file's change counter, so this step is empty.
	{name: "054_change_notify", up: execAll()},
	// PostgreSQL's step keeps the number of contacts in a table; here 056
	// does the same.
	{name: "055_contacts_count", up: execAll()},
	// The number of contacts, kept by triggers as on PostgreSQL (055): the
	// report shows it on every unfiltered page, and count(*) walks an index
	// of every contact, a third of a first page's time at a million
	// (docs/BENCHMARKS.md). One row; the bench's bulk loader, which drops
	// the triggers while it loads, recounts it.
	{name: "056_contacts_count_file", up: execAll(
		`CREATE TABLE contacts_count (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)`,
		`INSERT INTO contacts_count(id, n) SELECT 1, count(*) FROM contacts`,
		`CREATE TRIGGER contacts_count_insert AFTER INSERT ON contacts BEGIN
			UPDATE contacts_count SET n = n + 1 WHERE id = 1;
		END`,
		`CREATE TRIGGER contacts_count_delete AFTER DELETE ON contacts BEGIN
			UPDATE contacts_count SET n = n - 1 WHERE id = 1;
		END`,
	)},
	// The contacts from one address are counted through contacts_ip_key
	// (every address has its key), so the index on the text of the address
	// only cost every import a fourth randomly placed index to write.
	{name: "057_drop_contacts_ip", up: execAll(`DROP INDEX IF EXISTS contacts_ip`)},
}

// migrate applies every SQLite step not yet recorded in schema_migrations. Each step
// runs in its own write transaction and re-checks whether it was applied, so
// two processes opening a new shared file at once do not both apply it.
func migrate(ctx context.Context, db *DB) error {
	g := db.WithContext(ctx)
	if err := g.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`).Error; err != nil {
		return err
	}
	for _, m := range migrations {
		if err := db.Write(ctx, func(tx *Tx) error { return db.applyStep(tx.g, m) }); err != nil {
			return fmt.Errorf("step %s: %w", m.name, err)
		}
	}
	return nil
}

// applyStep runs m inside tx unless schema_migrations says it already ran
// (another process may have applied it while this one waited for the lock),
// and records it.
func (db *DB) applyStep(tx *gorm.DB, m migration) error {
	var n int64
	if err := tx.Raw(`SELECT count(*) FROM schema_migrations WHERE name = ?`, m.name).Scan(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := m.up(tx); err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO schema_migrations(name, applied_at) VALUES (?, ?)`,
		m.name, db.Clock.Now().UnixMilli()).Error
}
