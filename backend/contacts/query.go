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
	// IPKeys, when not nil, limits the report to contacts whose ip_key lies in
	// one of the ranges. The service fills it for "blocked only".
	IPRanges []KeyRange `json:"-"`
}

// KeyRange is an inclusive range of 16-byte IP keys.
type KeyRange struct{ Lo, Hi []byte }

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
	if q.IPRanges != nil && len(q.IPRanges) == 0 {
		return Page{Items: []Contact{}, Page: q.Page, PageSize: q.PageSize}, nil
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
	if len(q.IPRanges) > 0 {
		conds := make([]string, 0, len(q.IPRanges))
		args := make([]any, 0, 2*len(q.IPRanges))
		for _, r := range q.IPRanges {
			conds = append(conds, "ip_key BETWEEN ? AND ?")
			args = append(args, r.Lo, r.Hi)
		}
		tx = tx.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	return tx
}

// Agents lists the distinct agent names, for the report's agent filter.
func (s *Store) Agents(ctx context.Context) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&row{}).Distinct("agent").Where("agent <> ''").Order("agent").Pluck("agent", &out).Error
	return out, err
}
