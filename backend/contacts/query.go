package contacts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// Paging limits for the report.
const (
	DefaultPageSize = 25
	MaxPageSize     = 500
	maxSearchLen    = 200
)

// Query selects and orders a page of the report. Zero values mean "no filter".
type Query struct {
	Search   string     `json:"search"`
	Agent    string     `json:"agent"`
	From     *time.Time `json:"from,omitempty"`
	To       *time.Time `json:"to,omitempty"`
	Sort     string     `json:"sort"` // a column key from sortColumns; default startedAt
	Desc     bool       `json:"desc"`
	Page     int        `json:"page"`     // 1-based
	PageSize int        `json:"pageSize"` // default DefaultPageSize, at most MaxPageSize
	// BlockedOnly limits the report to contacts whose IP an active ban covers.
	BlockedOnly bool `json:"blockedOnly"`
	// BlockedAt is the moment "active" is judged at; List sets it from the
	// database clock when BlockedOnly is set and it is nil.
	BlockedAt *time.Time `json:"-"`
}

// Page is one page of the report and the total number of matching contacts.
type Page struct {
	Items    []Contact `json:"items"`
	Total    int64     `json:"total"`
	Page     int       `json:"page"`
	PageSize int       `json:"pageSize"`
	// Partial is set when a search too short for the search index (1 or 2
	// characters) looked only through the first Scanned contacts in the
	// report's order: Total then counts the matches among those.
	Partial bool  `json:"partial,omitempty"`
	Scanned int64 `json:"scanned,omitempty"`
}

// sortColumns are the orders the report offers, each served by an index,
// so that any page in any order is an index walk.
var sortColumns = map[string]store.ContactSort{
	"startedAt":   store.SortStartedAt,
	"visitorName": store.SortVisitorName,
	"email":       store.SortEmail,
	"ip":          store.SortIP,
	"agent":       store.SortAgent,
	"channel":     store.SortChannel,
	"durationSec": store.SortDuration,
}

// shortWindow is how many contacts a search of 1 or 2 characters looks
// through: the trigram index cannot answer it, so it scans only the first
// contacts in the report's order and the Page says so (Partial, Scanned).
// A variable only so that tests can make it small.
var shortWindow = 10_000

// Normalize validates q and fills its defaults.
func (q *Query) Normalize() error {
	q.Search = strings.TrimSpace(q.Search)
	if len([]rune(q.Search)) > maxSearchLen {
		return apperr.Invalid("search", fmt.Sprintf("Search text is too long (at most %d characters).", maxSearchLen))
	}
	if q.Sort == "" {
		q.Sort = "startedAt"
		q.Desc = true
	}
	if _, ok := sortColumns[q.Sort]; !ok {
		return apperr.Invalid("sort", fmt.Sprintf("Cannot sort by “%s”.", q.Sort))
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 0 {
		return apperr.Invalid("page", "Page must be 1 or more.")
	}
	if q.PageSize == 0 {
		q.PageSize = DefaultPageSize
	}
	if q.PageSize < 0 || q.PageSize > MaxPageSize {
		return apperr.Invalid("pageSize", fmt.Sprintf("Page size must be between 1 and %d.", MaxPageSize))
	}
	if q.From != nil && q.To != nil && q.To.Before(*q.From) {
		return apperr.Invalid("to", "The end date is before the start date.")
	}
	return nil
}

// List returns one page of contacts matching q. How the page is read at
// scale is store.ListContacts' business.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	if err := q.Normalize(); err != nil {
		return Page{}, err
	}
	if q.BlockedOnly && q.BlockedAt == nil {
		now := s.db.Clock.Now()
		q.BlockedAt = &now
	}
	sq := store.ContactQuery{
		Search: q.Search, Agent: q.Agent, Sort: sortColumns[q.Sort], Desc: q.Desc,
		Offset: (q.Page - 1) * q.PageSize, Limit: q.PageSize, BlockedOnly: q.BlockedOnly, ShortWindow: shortWindow,
	}
	if q.From != nil {
		ms := q.From.UnixMilli()
		sq.From = &ms
	}
	if q.To != nil {
		ms := q.To.UnixMilli()
		sq.To = &ms
	}
	if q.BlockedOnly {
		sq.BlockedAt = q.BlockedAt.UnixMilli()
	}
	got, err := s.db.ListContacts(ctx, sq)
	if err != nil {
		return Page{}, s.db.Fault(ctx, "read contacts", err)
	}
	out := Page{Page: q.Page, PageSize: q.PageSize, Total: got.Total, Partial: got.Partial, Scanned: got.Scanned,
		Items: make([]Contact, len(got.Rows))}
	for i, r := range got.Rows {
		out.Items[i] = fromStore(r)
	}
	return out, nil
}

// Agents lists the distinct agent names, for the report's agent filter.
func (s *Store) Agents(ctx context.Context) ([]string, error) {
	out, err := s.db.ContactAgents(ctx)
	if err != nil {
		return nil, s.db.Fault(ctx, "read contacts", err)
	}
	return out, nil
}
