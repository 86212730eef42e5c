package contacts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

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
}

var sortColumns = map[string]string{
	"startedAt":   "started_at",
	"visitorName": "visitor_name",
	"email":       "email",
	"ip":          "ip_key",
	"agent":       "agent",
	"channel":     "channel",
	"durationSec": "duration_sec",
	"messages":    "messages",
	"department":  "department",
	"country":     "country",
}

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

func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// List returns one page of contacts matching q.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	if err := q.Normalize(); err != nil {
		return Page{}, err
	}
	if q.BlockedOnly && q.BlockedAt == nil {
		now := s.db.Clock.Now()
		q.BlockedAt = &now
	}
	filter := func(tx *gorm.DB) *gorm.DB { return q.apply(tx) }
	var total int64
	if err := s.db.WithContext(ctx).Model(&row{}).Scopes(filter).Count(&total).Error; err != nil {
		return Page{}, apperr.Unavailable("Could not read contacts: "+store.Classify(err).Error(), err)
	}
	dir := "ASC"
	if q.Desc {
		dir = "DESC"
	}
	var rows []row
	err := s.db.WithContext(ctx).Model(&row{}).Scopes(filter).Order(sortColumns[q.Sort] + " " + dir + ", id " + dir).
		Offset((q.Page - 1) * q.PageSize).Limit(q.PageSize).Find(&rows).Error
	if err != nil {
		return Page{}, apperr.Unavailable("Could not read contacts: "+store.Classify(err).Error(), err)
	}
	items := make([]Contact, len(rows))
	for i, r := range rows {
		items[i] = r.contact()
	}
	return Page{Items: items, Total: total, Page: q.Page, PageSize: q.PageSize}, nil
}

// apply adds q's filters to tx.
func (q *Query) apply(tx *gorm.DB) *gorm.DB {
	if q.Search != "" {
		p := likePattern(q.Search)
		tx = tx.Where(`(lower(visitor_name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR ip LIKE ? ESCAPE '\')`, p, p, p)
	}
	if q.Agent != "" {
		tx = tx.Where("agent = ?", q.Agent)
	}
	if q.From != nil {
		tx = tx.Where("started_at >= ?", q.From.UnixMilli())
	}
	if q.To != nil {
		tx = tx.Where("started_at < ?", q.To.UnixMilli())
	}
	if q.BlockedOnly {
		at := q.BlockedAt.UnixMilli()
		// Walk the active bans and range-scan the ip_key index for each: a
		// handful of bans against many contacts, never the other way round.
		tx = tx.Where(`id IN (SELECT c.id FROM bans b CROSS JOIN contacts c
			WHERE b.removed_at IS NULL AND b.expires_at > ? AND c.ip_key BETWEEN b.lo AND b.hi)`, at)
	}
	return tx
}

// Agents lists the distinct agent names, for the report's agent filter.
func (s *Store) Agents(ctx context.Context) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&row{}).Distinct("agent").Where("agent <> ''").Order("agent").Pluck("agent", &out).Error
	return out, err
}
