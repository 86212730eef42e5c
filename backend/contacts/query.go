package contacts

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

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

// sortColumns are the orders the report offers, each served by an index
// (migrations 0001 and 0601), so that any page in any order is an index walk.
var sortColumns = map[string]string{
	"startedAt":   "started_at",
	"visitorName": "visitor_name",
	"email":       "email",
	"ip":          "ip_key",
	"agent":       "agent",
	"channel":     "channel",
	"durationSec": "duration_sec",
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

// How List reads a page at scale (docs/BENCHMARKS.md has the figures).
//
// The total and the page are separate statements, and List picks their shape
// from what the query filters on, instead of leaving SQLite's planner, which
// has no statistics, to guess:
//
//   - No filter: count(*) and a walk down the date index.
//   - Search text of 3 characters or more: the trigram index contacts_fts
//     (migration 0004), whose matches are exactly the LIKE matches.
//   - Blocked only: a join of the active bans with the ip_key index.
//   - Anything combined: one WHERE clause, as plain SQL.
//
// For search and blocked-only, List first fetches up to `few` matching ids.
// If there are that few, they are the total and the page is read by id.
// Otherwise matches are common, and the page (in date order) comes from
// walking the date index newest first and keeping matching rows, which
// stops after about (offset+size) × contacts ÷ matches rows; a walk that
// runs far past that (matches bunched in old contacts) gives way to sorting
// all the matches.

// ftsMinRunes is the shortest search the trigram index can answer.
const ftsMinRunes = 3

// walkBatch is how many rows one step of the blocked-only walk reads.
const walkBatch = 512

// List returns one page of contacts matching q.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	if err := q.Normalize(); err != nil {
		return Page{}, err
	}
	if q.BlockedOnly && q.BlockedAt == nil {
		now := s.db.Clock.Now()
		q.BlockedAt = &now
	}
	l := &lister{db: s.db.Session(ctx), q: &q}
	l.prepare()
	var rows []row
	var total int64
	var err error
	out := Page{Page: q.Page, PageSize: q.PageSize}
	if l.short() {
		rows, total, out.Scanned, err = l.shortSearch(shortWindow)
		out.Partial = out.Scanned == int64(shortWindow)
	} else {
		rows, total, err = l.run()
	}
	if err != nil {
		return Page{}, s.db.Fault(ctx, "read contacts", err)
	}
	out.Items = make([]Contact, len(rows))
	for i, r := range rows {
		out.Items[i] = r.contact()
	}
	out.Total = total
	return out, nil
}

// lister reads one page for one query.
type lister struct {
	db *store.Tx
	q  *Query

	like  string // the search as a LIKE condition on three columns, "" without search
	likeP string // its pattern
	match string // the search as a contacts_fts phrase, "" unless indexable
	// plain holds the conditions other than search and blocked-only.
	plain []string
	args  []any
	at    int64 // BlockedAt in Unix ms
}

func (l *lister) prepare() {
	q := l.q
	if q.Search != "" {
		l.likeP = likePattern(q.Search)
		l.like = `(lower(visitor_name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR ip LIKE ? ESCAPE '\')`
		if low := strings.ToLower(q.Search); utf8.RuneCountInString(low) >= ftsMinRunes && !strings.ContainsRune(low, 0) {
			l.match = `"` + strings.ReplaceAll(low, `"`, `""`) + `"`
		}
	}
	if q.Agent != "" {
		l.plain, l.args = append(l.plain, "agent = ?"), append(l.args, q.Agent)
	}
	if q.From != nil {
		l.plain, l.args = append(l.plain, "started_at >= ?"), append(l.args, q.From.UnixMilli())
	}
	if q.To != nil {
		l.plain, l.args = append(l.plain, "started_at < ?"), append(l.args, q.To.UnixMilli())
	}
	if q.BlockedOnly {
		l.at = q.BlockedAt.UnixMilli()
	}
}

func (l *lister) order() string {
	dir := "ASC"
	if l.q.Desc {
		dir = "DESC"
	}
	return sortColumns[l.q.Sort] + " " + dir + ", id " + dir
}

func (l *lister) offset() int { return (l.q.Page - 1) * l.q.PageSize }

// activeBans scans the active bans in address order through the covering
// index bans_live (migration 0005). SQLite, without statistics, would pick
// bans_active and then read each ban's row.
const activeBans = `bans b INDEXED BY bans_live WHERE b.removed_at IS NULL AND b.expires_at > ?`

// blockedIDs selects the ids of contacts an active ban covers. It walks the
// active bans in address order and range-scans the ip_key index for each, so
// the scans move forward through it: a few thousand bans against many
// contacts, never the other way round. A contact under two nested bans
// appears twice.
const blockedIDs = `SELECT c.id FROM bans b INDEXED BY bans_live CROSS JOIN contacts c INDEXED BY contacts_ip_key
	WHERE b.removed_at IS NULL AND b.expires_at > ? AND c.ip_key BETWEEN b.lo AND b.hi`

// where returns every condition of the query as one WHERE clause.
func (l *lister) where() (string, []any) {
	conds, args := append([]string(nil), l.plain...), append([]any(nil), l.args...)
	switch {
	case l.match != "":
		conds = append(conds, "id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)")
		args = append(args, l.match)
	case l.like != "":
		conds = append(conds, l.like)
		args = append(args, l.likeP, l.likeP, l.likeP)
	}
	if l.q.BlockedOnly {
		conds = append(conds, "id IN ("+blockedIDs+")")
		args = append(args, l.at)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (l *lister) run() ([]row, int64, error) {
	switch {
	case len(l.plain) == 0 && l.q.Search == "" && !l.q.BlockedOnly:
		return l.unfiltered()
	case len(l.plain) == 0 && l.match != "" && !l.q.BlockedOnly:
		return l.searched()
	case len(l.plain) == 0 && l.q.Search == "" && l.q.BlockedOnly:
		return l.blocked()
	}
	return l.general()
}

// general runs the query as one WHERE clause and lets SQLite plan it.
func (l *lister) general() ([]row, int64, error) {
	where, args := l.where()
	var total int64
	if err := l.db.Gorm().Raw("SELECT count(*) FROM contacts"+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	var rows []row
	err := l.db.Gorm().Raw("SELECT * FROM contacts"+where+" ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		append(args, l.q.PageSize, l.offset())...).Scan(&rows).Error
	return rows, total, err
}

func (l *lister) unfiltered() ([]row, int64, error) {
	var total int64
	if err := l.db.Gorm().Raw("SELECT count(*) FROM contacts").Scan(&total).Error; err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	var rows []row
	err := l.db.Gorm().Raw("SELECT * FROM contacts ORDER BY "+l.order()+" LIMIT ? OFFSET ?", l.q.PageSize, l.offset()).Scan(&rows).Error
	return rows, total, err
}

// few returns how many matching ids List fetches before it treats matches as
// common: about the square root of (offset+size) × contacts, where reading
// every match by id and walking the date index cost about the same. It also
// returns the largest id, the size of the table near enough (one index seek).
func (l *lister) few() (int, int64, error) {
	var top int64
	if err := l.db.Gorm().Raw("SELECT coalesce(max(id), 0) FROM contacts").Scan(&top).Error; err != nil {
		return 0, 0, err
	}
	need := float64(l.offset() + l.q.PageSize)
	return int(min(max(math.Sqrt(need*float64(top)), 1000), 20000)), top, nil
}

// byIDs reads the page from the complete list of matching ids.
func (l *lister) byIDs(ids []int64) ([]row, int64, error) {
	total := int64(len(ids))
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	var rows []row
	err := l.db.Gorm().Raw("SELECT * FROM contacts NOT INDEXED WHERE id IN ? ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		ids, l.q.PageSize, l.offset()).Scan(&rows).Error
	return rows, total, err
}

// walkCap bounds a walk down the date index: four times the rows a walk
// should need if the total matches were spread evenly over the top contacts,
// plus a thousand.
func (l *lister) walkCap(total, top int64) int64 {
	need := int64(l.offset() + l.q.PageSize)
	return 4*need*max(top, total)/max(total, 1) + 1024
}

// walkBound returns the (started_at, id) of the limit-th contact in the
// report's date order, and the comparison that keeps the contacts before
// it; nil if there are fewer.
func (l *lister) walkBound(limit int64) (string, []int64, error) {
	var b []struct {
		StartedAt int64
		ID        int64
	}
	if err := l.db.Gorm().Raw("SELECT started_at, id FROM contacts INDEXED BY contacts_started ORDER BY "+l.order()+" LIMIT 1 OFFSET ?", limit).
		Scan(&b).Error; err != nil || len(b) == 0 {
		return "", nil, err
	}
	if l.q.Desc {
		return ">=", []int64{b[0].StartedAt, b[0].ID}, nil
	}
	return "<=", []int64{b[0].StartedAt, b[0].ID}, nil
}

// searched answers a search of 3 characters or more and no other filter.
func (l *lister) searched() ([]row, int64, error) {
	few, top, err := l.few()
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	if err := l.db.Gorm().Raw("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ?", l.match, few+1).
		Scan(&ids).Error; err != nil {
		return nil, 0, err
	}
	if len(ids) <= few {
		return l.byIDs(ids)
	}
	var total int64
	if err := l.db.Gorm().Raw("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?", l.match).Scan(&total).Error; err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	want := min(int64(l.q.PageSize), total-int64(l.offset()))
	var rows []row
	if l.q.Sort == "startedAt" {
		// Common text: walk the date index and keep the rows the LIKE form
		// of the search matches (the same rows as the trigram match), down
		// to a bound; a short page means the matches lie further back.
		cmp, bound, err := l.walkBound(l.walkCap(total, top))
		if err != nil {
			return nil, 0, err
		}
		walk, args := "SELECT * FROM contacts INDEXED BY contacts_started WHERE "+l.like, []any{l.likeP, l.likeP, l.likeP}
		if bound != nil {
			walk += " AND (started_at, id) " + cmp + " (?, ?)"
			args = append(args, bound[0], bound[1])
		}
		if err := l.db.Gorm().Raw(walk+" ORDER BY "+l.order()+" LIMIT ? OFFSET ?", append(args, l.q.PageSize, l.offset())...).
			Scan(&rows).Error; err != nil {
			return nil, 0, err
		}
		if int64(len(rows)) == want || bound == nil {
			return rows, total, nil
		}
	}
	rows = rows[:0]
	err = l.db.Gorm().Raw("SELECT * FROM contacts NOT INDEXED WHERE id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?) ORDER BY "+
		l.order()+" LIMIT ? OFFSET ?", l.match, l.q.PageSize, l.offset()).Scan(&rows).Error
	return rows, total, err
}

// Agents lists the distinct agent names, for the report's agent filter.
//
// It hops from one agent to the next through the contacts_agent index (a
// "skip scan"): a few dozen index lookups instead of reading every contact,
// which SELECT DISTINCT does (0.2 ms instead of 150 ms at a million contacts).
func (s *Store) Agents(ctx context.Context) ([]string, error) {
	out := []string{}
	err := s.db.WithContext(ctx).Raw(`WITH RECURSIVE next(agent) AS (
			SELECT min(agent) FROM contacts WHERE agent > ''
			UNION ALL
			SELECT (SELECT min(agent) FROM contacts WHERE agent > next.agent) FROM next WHERE next.agent IS NOT NULL
		)
		SELECT agent FROM next WHERE agent IS NOT NULL`).Scan(&out).Error
	if err != nil {
		return nil, s.db.Fault(ctx, "read contacts", err)
	}
	return out, nil
}
