package store

import (
	"context"
	"time"

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

// AuditRecord is one stored audit_events row.
type AuditRecord struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Source string    `json:"source"`
	Remote string    `json:"remote"`
	Kind   string    `json:"kind"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}

// AuditByKind returns the newest limit audit rows of kind, newest first.
func (db *DB) AuditByKind(ctx context.Context, kind string, limit int) ([]AuditRecord, error) {
	var rows []struct {
		At                                          int64
		Actor, Source, Remote, Kind, Target, Detail string
	}
	err := db.WithContext(ctx).Raw(`SELECT at, actor, source, remote, kind, target, detail FROM audit_events
		WHERE kind = ? ORDER BY at DESC, id DESC LIMIT ?`, kind, limit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]AuditRecord, 0, len(rows))
	for _, r := range rows {
		out = append(out, AuditRecord{At: time.UnixMilli(r.At).UTC(), Actor: r.Actor, Source: r.Source, Remote: r.Remote,
			Kind: r.Kind, Target: r.Target, Detail: r.Detail})
	}
	return out, nil
}
