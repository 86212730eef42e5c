package store

import (
	"context"
	"strings"
)

// AuditRecord is one line of the audit view: a ban event (banned, renewed,
// unbanned) or an audit_events row (everything else).
type AuditRecord struct {
	At     int64  `gorm:"column:at"`
	Actor  string `gorm:"column:actor"`
	Source string `gorm:"column:source"`
	Remote string `gorm:"column:remote"`
	Kind   string `gorm:"column:kind"`
	Target string `gorm:"column:target"`
	Detail string `gorm:"column:detail"`
	// Period and Notes are set for ban events; Detail for the others.
	Period string `gorm:"column:period"`
	Notes  string `gorm:"column:notes"`
	// Origin is "ban" or "audit"; with ID it identifies the stored row.
	Origin string `gorm:"column:origin"`
	ID     int64  `gorm:"column:id"`
}

// AuditQuery selects audit records. Zero fields do not filter.
type AuditQuery struct {
	Actor  string // substring of the actor's name, ignoring ASCII case
	Kind   string // exact kind
	From   int64  // at or after (Unix ms)
	To     int64  // before (Unix ms)
	Limit  int
	Offset int
}

// The two tables, read in one shape.
const (
	banEventsSelect = `SELECT at, actor, source, '' AS remote, kind, target, '' AS detail, period, notes, 'ban' AS origin, id FROM ban_events`
	auditSelect     = `SELECT at, actor, source, remote, kind, target, detail, '' AS period, '' AS notes, 'audit' AS origin, id FROM audit_events`
)

func (q AuditQuery) where(d dialect) (string, []any) {
	var conds []string
	var args []any
	if q.Actor != "" {
		conds = append(conds, d.likeFold("actor"))
		args = append(args, containsLike(q.Actor))
	}
	if q.Kind != "" {
		conds = append(conds, `kind = ?`)
		args = append(args, q.Kind)
	}
	if q.From != 0 {
		conds = append(conds, `at >= ?`)
		args = append(args, q.From)
	}
	if q.To != 0 {
		conds = append(conds, `at < ?`)
		args = append(args, q.To)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListAudit returns the records matching q, newest first, and how many match
// in all. Each table is read newest first through its time index, up to
// Offset+Limit rows, and the two are merged here: a UNION sorted by the database
// would sort every event of both tables for each page. At the same
// millisecond an audit row comes before ban events, since an import records
// its summary after the bans it made.
func (db *DB) ListAudit(ctx context.Context, q AuditQuery) ([]AuditRecord, int64, error) {
	where, args := q.where(db.dialect())
	g := db.WithContext(ctx)
	var nBans, nAudit int64
	if err := g.Raw(`SELECT count(*) FROM ban_events`+where, args...).Scan(&nBans).Error; err != nil {
		return nil, 0, err
	}
	if err := g.Raw(`SELECT count(*) FROM audit_events`+where, args...).Scan(&nAudit).Error; err != nil {
		return nil, 0, err
	}
	want := q.Offset + q.Limit
	var fromBans, fromAudit []AuditRecord
	order := ` ORDER BY at DESC, id DESC LIMIT ?`
	if err := g.Raw(banEventsSelect+where+order, append(args, want)...).Scan(&fromBans).Error; err != nil {
		return nil, 0, err
	}
	if err := g.Raw(auditSelect+where+order, append(args, want)...).Scan(&fromAudit).Error; err != nil {
		return nil, 0, err
	}
	merged := make([]AuditRecord, 0, len(fromBans)+len(fromAudit))
	i, j := 0, 0
	for i < len(fromAudit) || j < len(fromBans) {
		if j == len(fromBans) || i < len(fromAudit) && fromAudit[i].At >= fromBans[j].At {
			merged = append(merged, fromAudit[i])
			i++
		} else {
			merged = append(merged, fromBans[j])
			j++
		}
	}
	out := []AuditRecord{}
	if q.Offset < len(merged) {
		out = merged[q.Offset:min(len(merged), want)]
	}
	return out, nBans + nAudit, nil
}

// AuditKinds lists every kind recorded so far, for the audit view's filter.
func (db *DB) AuditKinds(ctx context.Context) ([]string, error) {
	out := []string{}
	err := db.WithContext(ctx).Raw(`SELECT DISTINCT kind FROM ban_events UNION SELECT DISTINCT kind FROM audit_events ORDER BY 1`).Scan(&out).Error
	return out, err
}
