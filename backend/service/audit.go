package service

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/store"
)

// AuditFilter selects one page of the audit trail. Empty fields do not filter.
type AuditFilter struct {
	// Actor matches part of the actor's name (a person or a token).
	Actor string `json:"actor"`
	// Kind is one kind exactly (banned, renewed, unbanned, import, protected_added, …).
	Kind string     `json:"kind"`
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
	// Page is 1-based; PageSize defaults to 50, at most 500.
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}

// AuditEvent is one line of the audit trail.
type AuditEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Source string    `json:"source"` // desktop, browser, token, cli; "" for records older than sources
	Remote string    `json:"remote,omitempty"`
	Kind   string    `json:"kind"`
	Target string    `json:"target"`
	Detail string    `json:"detail"`
}

// AuditPage is one page of the audit trail, newest first.
type AuditPage struct {
	Items    []AuditEvent `json:"items"`
	Total    int64        `json:"total"`
	Page     int          `json:"page"`
	PageSize int          `json:"pageSize"`
	// Kinds lists every kind recorded so far, for the filter.
	Kinds []string `json:"kinds"`
}

// AuditImport is the audit kind of a CSV import of bans.
const AuditImport = "import"

func toAuditEvent(r store.AuditRecord) AuditEvent {
	e := AuditEvent{At: time.UnixMilli(r.At).UTC(), Actor: r.Actor, Source: r.Source, Remote: r.Remote,
		Kind: r.Kind, Target: r.Target, Detail: r.Detail}
	if r.Origin == "ban" {
		p := bans.Period(r.Period).Label()
		switch r.Kind {
		case bans.EventBanned:
			e.Detail = "Blocked for " + p
		case bans.EventRenewed:
			e.Detail = "Renewed for " + p
		case bans.EventUnbanned:
			e.Detail = "Block removed"
		}
		if r.Notes != "" {
			e.Detail += ": " + r.Notes
		}
	}
	return e
}

func (f AuditFilter) query() (store.AuditQuery, error) {
	q := store.AuditQuery{Actor: strings.TrimSpace(f.Actor), Kind: strings.TrimSpace(f.Kind)}
	if !utf8.ValidString(q.Actor) || utf8.RuneCountInString(q.Actor) > 200 {
		return q, apperr.Invalid("actor", "The actor filter is too long or not valid text.")
	}
	if f.From != nil {
		q.From = f.From.UnixMilli()
	}
	if f.To != nil {
		q.To = f.To.UnixMilli()
	}
	if f.From != nil && f.To != nil && q.To <= q.From {
		return q, apperr.Invalid("to", "The end of the period must come after its start.")
	}
	page, size := f.Page, f.PageSize
	if page < 1 {
		page = 1
	}
	if page > 1_000_000 {
		return q, apperr.Invalid("page", fmt.Sprintf("Page %d is out of range.", page))
	}
	if size <= 0 {
		size = bans.DefaultPageSize
	}
	q.Limit, q.Offset = min(size, bans.MaxPageSize), (page-1)*min(size, bans.MaxPageSize)
	return q, nil
}

// ListAudit returns one page of everything that changed what banlist
// enforces or who may use it: bans, renewals and unbans, imports, the
// never-ban list, tokens and database switches, newest first.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if err := requireSupervisor(ctx, "read the audit trail"); err != nil {
		return AuditPage{}, err
	}
	q, err := f.query()
	if err != nil {
		return AuditPage{}, err
	}
	db := s.cur.Load().db
	rows, total, err := db.ListAudit(ctx, q)
	if err != nil {
		return AuditPage{}, db.Fault(ctx, "read the audit trail", err)
	}
	kinds, err := db.AuditKinds(ctx)
	if err != nil {
		return AuditPage{}, db.Fault(ctx, "read the audit trail", err)
	}
	out := AuditPage{Items: make([]AuditEvent, len(rows)), Total: total, Page: q.Offset/q.Limit + 1, PageSize: q.Limit, Kinds: kinds}
	for i, r := range rows {
		out.Items[i] = toAuditEvent(r)
	}
	return out, nil
}

// ExportAudit writes every audit event matching f (at most 100,000) as CSV
// to w, newest first, and returns how many it wrote.
func (s *Service) ExportAudit(ctx context.Context, f AuditFilter, w io.Writer) (int, error) {
	if err := requireSupervisor(ctx, "export the audit trail"); err != nil {
		return 0, err
	}
	q, err := f.query()
	if err != nil {
		return 0, err
	}
	q.Offset, q.Limit = 0, maxExport+1
	rows, _, err := s.cur.Load().db.ListAudit(ctx, q)
	if err != nil {
		return 0, s.cur.Load().db.Fault(ctx, "read the audit trail", err)
	}
	if len(rows) > maxExport {
		return 0, &apperr.Error{Code: apperr.CodeTooLarge, Message: fmt.Sprintf("More than %d audit events match; narrow the filter.", maxExport)}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"time_utc", "actor", "source", "remote", "kind", "target", "detail"}); err != nil {
		return 0, err
	}
	for _, r := range rows {
		e := toAuditEvent(r)
		rec := []string{e.At.Format(time.RFC3339), e.Actor, e.Source, e.Remote, e.Kind, e.Target, e.Detail}
		for i, v := range rec {
			rec[i] = csvSafe(v)
		}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(rows), cw.Error()
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
