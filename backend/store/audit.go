package store

import (
	"context"

	"banlist/backend/actor"
)

// AuditEntry is one row of audit_events: something that changed what banlist
// enforces or who may use it, outside the life of a single ban.
type AuditEntry struct {
	Kind   string // database_switched, import, protected_added, token_added, …
	Target string // what it was about: a path, an address, a name
	Detail string // a short sentence for the audit view
}

// RecordAudit appends e, stamped with this database's clock and the actor on
// tx's ctx (unknown when there is none), inside tx, so that the record
// commits or rolls back with the change it describes.
func (tx *Tx) RecordAudit(e AuditEntry) error {
	a, _ := actor.From(tx.ctx())
	name := a.Name
	if name == "" {
		name = "unknown"
	}
	db := tx.db
	return tx.g.Exec(`INSERT INTO audit_events(at, actor, source, remote, kind, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		db.Clock.Now().UnixMilli(), name, a.Source, a.Remote, e.Kind, e.Target, e.Detail).Error
}

// LastAudit returns the newest audit entry of kind and when it happened
// (UTC Unix ms), or found=false.
func (db *DB) LastAudit(ctx context.Context, kind string) (e AuditEntry, at int64, found bool, err error) {
	var rows []struct {
		At     int64
		Target string
		Detail string
	}
	err = db.WithContext(ctx).Raw(`SELECT at, target, detail FROM audit_events WHERE kind = ? ORDER BY at DESC, id DESC LIMIT 1`, kind).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return AuditEntry{}, 0, false, err
	}
	return AuditEntry{Kind: kind, Target: rows[0].Target, Detail: rows[0].Detail}, rows[0].At, true, nil
}
