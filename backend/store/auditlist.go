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

// auditUnion reads both tables in one shape.
const auditUnion = `SELECT at, actor, source, '' AS remote, kind, target, '' AS detail, period, notes, 'ban' AS origin, id FROM ban_events
	UNION ALL
	SELECT at, actor, source, remote, kind, target, detail, '' AS period, '' AS notes, 'audit' AS origin, id FROM audit_events`

func (q AuditQuery) where() (string, []any) {
	var conds []string
	var args []any
	if q.Actor != "" {
		conds = append(conds, `actor LIKE ? ESCAPE '\'`)
		args = append(args, "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Actor)+"%")
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

// ListAudit returns the records matching q, newest first, and how many match in all.
// At the same millisecond an audit row comes before ban events: an import
// records its summary after the bans it made.
func (db *DB) ListAudit(ctx context.Context, q AuditQuery) ([]AuditRecord, int64, error) {
	where, args := q.where()
	g := db.WithContext(ctx)
	var total int64
	if err := g.Raw(`SELECT count(*) FROM (`+auditUnion+`)`+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []AuditRecord{}
	err := g.Raw(`SELECT * FROM (`+auditUnion+`)`+where+` ORDER BY at DESC, origin, id DESC LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Offset)...).Scan(&out).Error
	return out, total, err
}

// AuditKinds lists every kind recorded so far, for the audit view's filter.
func (db *DB) AuditKinds(ctx context.Context) ([]string, error) {
	out := []string{}
	err := db.WithContext(ctx).Raw(`SELECT DISTINCT kind FROM ban_events UNION SELECT DISTINCT kind FROM audit_events ORDER BY 1`).Scan(&out).Error
	return out, err
}
