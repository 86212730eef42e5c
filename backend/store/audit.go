package store

import (
	"context"

	"gorm.io/gorm"

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
// ctx (Unknown when there is none), inside tx when tx is not nil, so that the
// record commits or rolls back with the change it describes.
func (db *DB) RecordAudit(ctx context.Context, tx *gorm.DB, e AuditEntry) error {
	a, _ := actor.From(ctx)
	name := a.Name
	if name == "" {
		name = "unknown"
	}
	if tx == nil {
		tx = db.WithContext(ctx)
	}
	return tx.Exec(`INSERT INTO audit_events(at, actor, source, remote, kind, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		db.Clock.Now().UnixMilli(), name, a.Source, a.Remote, e.Kind, e.Target, e.Detail).Error
}
