package store

import (
	"context"
	"math"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ContactSort is an order the report offers. Each is served by an index
// (steps 0001 and 0601 of both schemas), so that any page in any order is an
// index walk.
type ContactSort int

// The report's orders; id breaks ties in the same direction.
const (
	SortStartedAt ContactSort = iota
	SortVisitorName
	SortEmail
	SortIP // by address, numerically (ip_key)
	SortAgent
	SortChannel
	SortDuration
)

var contactSortColumns = [...]string{
	SortStartedAt:   "started_at",
	SortVisitorName: "visitor_name",
	SortEmail:       "email",
	SortIP:          "ip_key",
	SortAgent:       "agent",
	SortChannel:     "channel",
	SortDuration:    "duration_sec",
}

// ContactQuery selects and orders a page of the report. Zero values mean
// "no filter"; package contacts validates what a caller asks for.
type ContactQuery struct {
	// Search is text that the visitor's name, email or address contains,
	// ignoring case (Unicode-lowered, matched against the ASCII-lowered
	// columns).
	Search   string
	Agent    string
	From, To *int64 // started at or after From, before To (Unix ms)
	Sort     ContactSort
	Desc     bool
	Offset   int
	Limit    int
	// BlockedOnly keeps the contacts whose address a ban active at
	// BlockedAt (Unix ms) covers.
	BlockedOnly bool
	BlockedAt   int64
	// ShortWindow is how many contacts a search of 1 or 2 characters looks
	// through (contactshort.go).
	ShortWindow int
}

// ContactPage is one page of the report and the number of contacts that
// match in all.
type ContactPage struct {
	Rows  []Contact
	Total int64
	// Partial is set when a search too short for the search index looked
	// only through the first Scanned contacts in the report's order: Total
	// then counts the matches among those.
	Partial bool
	Scanned int64
}

// How ListContacts reads a page at scale (docs/BENCHMARKS.md has the figures).
//
// The total and the page are separate statements, and ListContacts picks
// their shape from what the query filters on, instead of leaving SQLite's
// planner, which has no statistics, to guess:
//
//   - No filter: count(*) and a walk down the date index.
//   - Search text of 3 characters or more: the trigram index (SQLite's
//     contacts_fts, migration 0004, whose matches are exactly the LIKE
//     matches; PostgreSQL's pg_trgm GIN indexes on the LIKE itself).
//   - Blocked only: a join of the active bans with the ip_key index.
//   - Anything combined: one WHERE clause, as plain SQL.
//
// For search and blocked-only, it first fetches up to `few` matching ids.
// If there are that few, they are the total and the page is read by id.
// Otherwise matches are common, and the page (in date order) comes from
// walking the date index newest first and keeping matching rows, which
// stops after about (offset+size) × contacts ÷ matches rows; a walk that
// runs far past that (matches bunched in old contacts) gives way to sorting
// all the matches. PostgreSQL runs the same plan; the INDEXED BY hints are
// SQLite's only.

// ftsMinRunes is the shortest search the trigram index can answer.
const ftsMinRunes = 3

// walkBatch is how many rows one step of the blocked-only walk reads.
const walkBatch = 512

// ListContacts returns one page of the contacts matching q.
func (db *DB) ListContacts(ctx context.Context, q ContactQuery) (ContactPage, error) {
	l := &lister{g: db.WithContext(ctx), d: db.dialect(), q: &q}
	l.prepare()
	var out ContactPage
	var err error
	if l.short() {
		out.Rows, out.Total, out.Scanned, err = l.shortSearch(q.ShortWindow)
		out.Partial = out.Scanned == int64(q.ShortWindow)
	} else {
		out.Rows, out.Total, err = l.run()
	}
	if err != nil {
		return ContactPage{}, err
	}
	return out, nil
}

// lister reads one page for one query.
type lister struct {
	g *gorm.DB
	d dialect
	q *ContactQuery

	like     string // the search as a LIKE condition on three columns, "" without search
	likeArgs []any  // its parameters
	// match is the search as a contacts_fts phrase on SQLite, the lowered
	// search on PostgreSQL; "" unless the trigram index can answer it.
	match string
	// plain holds the conditions other than search and blocked-only.
	plain []string
	args  []any
}

// likePattern is the LIKE pattern of a search: the text lowered, its
// wildcards escaped, between two %.
func likePattern(s string) string { return containsLike(strings.ToLower(s)) }

func (l *lister) prepare() {
	q := l.q
	if q.Search != "" {
		p := likePattern(q.Search)
		l.like, l.likeArgs = l.d.searchLike(), []any{p, p, p}
		low := strings.ToLower(q.Search)
		if utf8.RuneCountInString(low) >= ftsMinRunes {
			if l.d.engine == Postgres {
				l.match = low
			} else if !strings.ContainsRune(low, 0) {
				l.match = `"` + strings.ReplaceAll(low, `"`, `""`) + `"`
			}
		}
		if l.d.engine == Postgres && !jsonSafe(q.Search) {
			// PostgreSQL stores no NUL and no invalid UTF-8 (and refuses
			// them as parameters): no contact contains such a text.
			l.like, l.likeArgs = "FALSE", nil
		}
	}
	if q.Agent != "" {
		l.plain, l.args = append(l.plain, "agent = ?"), append(l.args, q.Agent)
	}
	if q.From != nil {
		l.plain, l.args = append(l.plain, "started_at >= ?"), append(l.args, *q.From)
	}
	if q.To != nil {
		l.plain, l.args = append(l.plain, "started_at < ?"), append(l.args, *q.To)
	}
}

func (l *lister) order() string {
	dir := "ASC"
	if l.q.Desc {
		dir = "DESC"
	}
	return contactSortColumns[l.q.Sort] + " " + dir + ", id " + dir
}

func (l *lister) offset() int { return l.q.Offset }

// matchCond is the search as a condition the trigram index serves.
func (l *lister) matchCond() (string, []any) {
	if l.d.engine == Postgres {
		return l.like, l.likeArgs[:len(l.likeArgs):len(l.likeArgs)]
	}
	return "id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)", []any{l.match}
}

// matchIDs returns the ids of up to limit contacts the search matches,
// through the trigram index.
func (l *lister) matchIDs(limit int) ([]int64, error) {
	if l.d.engine == Postgres {
		return scanInt64s(l.g, "SELECT id FROM contacts WHERE "+l.like+" LIMIT ?", append(l.likeArgs[:len(l.likeArgs):len(l.likeArgs)], limit)...)
	}
	return scanInt64s(l.g, "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ?", l.match, limit)
}

// matchCount counts the contacts the search matches, through the trigram
// index.
func (l *lister) matchCount() (int64, error) {
	if l.d.engine == Postgres {
		return scanInt64(l.g, "SELECT count(*) FROM contacts WHERE "+l.like, l.likeArgs...)
	}
	return scanInt64(l.g, "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?", l.match)
}

// where returns every condition of the query as one WHERE clause.
func (l *lister) where() (string, []any) {
	conds, args := append([]string(nil), l.plain...), append([]any(nil), l.args...)
	switch {
	case l.match != "":
		c, a := l.matchCond()
		conds, args = append(conds, c), append(args, a...)
	case l.like != "":
		conds, args = append(conds, l.like), append(args, l.likeArgs...)
	}
	if l.q.BlockedOnly {
		conds = append(conds, "id IN ("+l.blockedIDs()+")")
		args = append(args, l.q.BlockedAt)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (l *lister) run() ([]Contact, int64, error) {
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

// general runs the query as one WHERE clause and lets the engine plan it.
func (l *lister) general() ([]Contact, int64, error) {
	where, args := l.where()
	total, err := scanInt64(l.g, "SELECT count(*) FROM contacts"+where, args...)
	if err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	rows, err := scanContacts(l.g, selectContacts+where+" ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		append(args, l.q.Limit, l.offset())...)
	return rows, total, err
}

func (l *lister) unfiltered() ([]Contact, int64, error) {
	total, err := scanInt64(l.g, countContacts)
	if err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	if l.offset() == 0 {
		rows, err := scanContacts(l.g, selectContacts+" ORDER BY "+l.order()+" LIMIT ?", l.q.Limit)
		return rows, total, err
	}
	// A later page: the ids come from the sort's index alone (it holds the
	// id), so the rows skipped on the way are never read; then the page's
	// rows by id. At page 500 this takes less than half the time of
	// reading the table at every skipped entry (docs/BENCHMARKS.md, P1).
	order := " ORDER BY " + l.order()
	rows, err := scanContacts(l.g, selectContacts+" WHERE id IN (SELECT id FROM contacts"+order+" LIMIT ? OFFSET ?)"+order,
		l.q.Limit, l.offset())
	return rows, total, err
}

// few returns how many matching ids ListContacts fetches before it treats
// matches as common: about the square root of (offset+size) × contacts,
// where reading every match by id and walking the date index cost about the
// same. It also returns the largest id, the size of the table near enough
// (one index seek).
func (l *lister) few() (int, int64, error) {
	top, err := scanInt64(l.g, "SELECT coalesce(max(id), 0) FROM contacts")
	if err != nil {
		return 0, 0, err
	}
	need := float64(l.offset() + l.q.Limit)
	return int(min(max(math.Sqrt(need*float64(top)), 1000), 20000)), top, nil
}

// byIDs reads the page from the complete list of matching ids.
func (l *lister) byIDs(ids []int64) ([]Contact, int64, error) {
	total := int64(len(ids))
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	rows, err := scanContacts(l.g, selectContacts+l.d.notIndexed()+" WHERE id IN ? ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		ids, l.q.Limit, l.offset())
	return rows, total, err
}

// walkCap bounds a walk down the date index: four times the rows a walk
// should need if the total matches were spread evenly over the top contacts,
// plus a thousand.
func (l *lister) walkCap(total, top int64) int64 {
	need := int64(l.offset() + l.q.Limit)
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
	if err := l.g.Raw("SELECT started_at, id FROM contacts"+l.d.indexedBy("contacts_started")+" ORDER BY "+l.order()+" LIMIT 1 OFFSET ?", limit).
		Scan(&b).Error; err != nil || len(b) == 0 {
		return "", nil, err
	}
	if l.q.Desc {
		return ">=", []int64{b[0].StartedAt, b[0].ID}, nil
	}
	return "<=", []int64{b[0].StartedAt, b[0].ID}, nil
}

// searched answers a search of 3 characters or more and no other filter.
func (l *lister) searched() ([]Contact, int64, error) {
	few, top, err := l.few()
	if err != nil {
		return nil, 0, err
	}
	ids, err := l.matchIDs(few + 1)
	if err != nil {
		return nil, 0, err
	}
	if len(ids) <= few {
		return l.byIDs(ids)
	}
	total, err := l.matchCount()
	if err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	want := min(int64(l.q.Limit), total-int64(l.offset()))
	var rows []Contact
	if l.q.Sort == SortStartedAt {
		// Common text: walk the date index and keep the rows the LIKE form
		// of the search matches (the same rows as the trigram match), down
		// to a bound; a short page means the matches lie further back.
		cmp, bound, err := l.walkBound(l.walkCap(total, top))
		if err != nil {
			return nil, 0, err
		}
		walk, args := selectContacts+l.d.indexedBy("contacts_started")+" WHERE "+l.like, append([]any(nil), l.likeArgs...)
		if bound != nil {
			walk += " AND (started_at, id) " + cmp + " (?, ?)"
			args = append(args, bound[0], bound[1])
		}
		if rows, err = scanContacts(l.g, walk+" ORDER BY "+l.order()+" LIMIT ? OFFSET ?", append(args, l.q.Limit, l.offset())...); err != nil {
			return nil, 0, err
		}
		if int64(len(rows)) == want || bound == nil {
			return rows, total, nil
		}
	}
	cond, args := l.matchCond()
	rows, err = scanContacts(l.g, selectContacts+l.d.notIndexed()+" WHERE "+cond+" ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		append(args, l.q.Limit, l.offset())...)
	return rows, total, err
}
