package store

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Blocked only: the contacts whose address an active ban covers.
//
// The blocked contacts are found from the bans side (a few thousand active
// bans against a million contacts): few of them are read by id; many are
// counted through the ip_key index and the page comes from a walk down the
// date index that keeps the contacts inside the merged spans of the active
// bans.

// blocked answers blocked-only with no other filter.
func (l *lister) blocked() ([]Contact, int64, error) {
	few, top, err := l.few()
	if err != nil {
		return nil, 0, err
	}
	hits, err := scanInt64s(l.g, l.blockedIDs()+" LIMIT ?", l.q.BlockedAt, few+1)
	if err != nil {
		return nil, 0, err
	}
	if len(hits) <= few {
		slices.Sort(hits)
		return l.byIDs(slices.Compact(hits))
	}
	buf := spanBufs.Get().(*[]span)
	defer spanBufs.Put(buf)
	spans, nested, ok, err := l.activeSpans(buf)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return l.general()
	}
	total, err := l.blockedCount(nested)
	if err != nil {
		return nil, 0, err
	}
	if total <= int64(l.offset()) {
		return nil, total, nil
	}
	if l.q.Sort == SortStartedAt {
		rows, done, err := l.walkBlocked(spans, l.walkCap(total, top))
		if err != nil || done {
			return rows, total, err
		}
	}
	rows, err := scanContacts(l.g, selectContacts+l.d.notIndexed()+" WHERE id IN ("+l.blockedIDs()+") ORDER BY "+l.order()+" LIMIT ? OFFSET ?",
		l.q.BlockedAt, l.q.Limit, l.offset())
	return rows, total, err
}

// blob binds a []byte as one BLOB: GORM expands a bare slice written right
// after "(" into a list of its elements.
type blob []byte

// Value implements driver.Valuer.
func (b blob) Value() (driver.Value, error) { return []byte(b), nil }

// span is the first and last address an active ban covers, as ip_key values
// (16 bytes, ipaddr.Key). Arrays, not slices: thousands of spans hold no
// pointer for the garbage collector to follow.
type span struct{ lo, hi [16]byte }

// spanBufs keeps the buffer of the active bans' spans between report calls:
// every blocked-only page reads thousands of them, and growing a fresh
// slice each time was a sixth of activeSpans in pprof.
var spanBufs = sync.Pool{New: func() any { b := make([]span, 0, 1024); return &b }}

// activeSpans returns the address spans of the active bans, merged: spans,
// sorted and disjoint, cover every blocked address once; nested lists the
// bans that lie inside another active ban. Bans are CIDR blocks, so two of
// them either nest or do not meet; ok is false if they overlap otherwise.
// The spans are read into *buf (kept, grown, for the next call) and merged
// in place; they are valid until buf is used again.
func (l *lister) activeSpans(buf *[]span) (spans, nested []span, ok bool, err error) {
	rows, err := l.g.Raw(`SELECT b.lo, b.hi FROM bans b`+l.d.indexedBy("bans_live")+` WHERE `+activeAt("b."), l.q.BlockedAt).Rows()
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	all := (*buf)[:0]
	var lo, hi sql.RawBytes // reused: each row is copied out before the next
	for rows.Next() {
		if err := rows.Scan(&lo, &hi); err != nil {
			return nil, nil, false, err
		}
		var s span
		if len(lo) != len(s.lo) || len(hi) != len(s.hi) {
			return nil, nil, false, nil // not a key ipaddr makes: let the engine plan it
		}
		copy(s.lo[:], lo)
		copy(s.hi[:], hi)
		all = append(all, s)
	}
	*buf = all
	if err := rows.Err(); err != nil {
		return nil, nil, false, err
	}
	slices.SortFunc(all, func(a, b span) int {
		if c := bytes.Compare(a.lo[:], b.lo[:]); c != 0 {
			return c
		}
		return bytes.Compare(b.hi[:], a.hi[:]) // the wider first
	})
	// Merged in place: the n kept so far never overtake the one read.
	n := 0
	for _, s := range all {
		if n > 0 && bytes.Compare(s.lo[:], all[n-1].hi[:]) <= 0 {
			if bytes.Compare(s.hi[:], all[n-1].hi[:]) > 0 {
				return nil, nil, false, nil
			}
			nested = append(nested, s)
			continue
		}
		all[n] = s
		n++
	}
	return all[:n], nested, true, nil
}

// blockedCount counts the contacts an active ban covers: every (ban,
// contact) pair, less the pairs of bans nested inside another active ban,
// which would count their contacts twice.
func (l *lister) blockedCount(nested []span) (int64, error) {
	// The join counted as it is, not as a subquery of ids: SQLite then
	// counts while it walks instead of handing each id to an outer loop
	// (sqlite3 on the bench's file: 8.1 → 4.9 ms).
	total, err := scanInt64(l.g, "SELECT count(*)"+l.blockedJoin(), l.q.BlockedAt)
	if err != nil {
		return 0, err
	}
	const chunk = 500
	for start := 0; start < len(nested); start += chunk {
		part := nested[start:min(start+chunk, len(nested))]
		args := make([]any, 0, 2*len(part))
		for _, s := range part {
			args = append(args, blob(s.lo[:]), blob(s.hi[:]))
		}
		pair := "(" + l.d.blobParam() + ", " + l.d.blobParam() + "),"
		n, err := scanInt64(l.g, `SELECT count(*) FROM (VALUES `+strings.TrimSuffix(strings.Repeat(pair, len(part)), ",")+
			`) d CROSS JOIN contacts c`+l.d.indexedBy("contacts_ip_key")+` WHERE c.ip_key BETWEEN d.column1 AND d.column2`, args...)
		if err != nil {
			return 0, err
		}
		total -= n
	}
	return total, nil
}

// covered reports whether ip_key k lies in one of spans (sorted, disjoint).
func covered(spans []span, k []byte) bool {
	i := sort.Search(len(spans), func(i int) bool { return bytes.Compare(spans[i].lo[:], k) > 0 })
	return i > 0 && bytes.Compare(k, spans[i-1].hi[:]) <= 0
}

// walkBlocked reads the page by walking the date index in batches and
// keeping the contacts whose address lies in spans. done is false if it gave
// up after limit rows without filling the page.
func (l *lister) walkBlocked(spans []span, limit int64) (rows []Contact, done bool, err error) {
	need := l.offset() + l.q.Limit
	cmp := "<"
	if !l.q.Desc {
		cmp = ">"
	}
	var keep []int64
	var last walkStep
	end := false
	for walked := int64(0); len(keep) < need && !end; walked += walkBatch {
		if walked >= limit {
			return nil, false, nil
		}
		sql, args := "SELECT id, started_at, ip_key FROM contacts"+l.d.indexedBy("contacts_started"), []any{}
		if walked > 0 {
			sql += " WHERE (started_at, id) " + cmp + " (?, ?)"
			args = append(args, last.StartedAt, last.ID)
		}
		batch, err := scanSteps(l.g, sql+" ORDER BY "+l.order()+" LIMIT ?", append(args, walkBatch)...)
		if err != nil {
			return nil, false, err
		}
		end = len(batch) < walkBatch
		for _, r := range batch {
			if covered(spans, r.IPKey) {
				if keep = append(keep, r.ID); len(keep) == need {
					break
				}
			}
		}
		if len(batch) > 0 {
			last = batch[len(batch)-1]
		}
	}
	if len(keep) <= l.offset() {
		return nil, true, nil
	}
	keep = keep[l.offset():]
	got, err := scanContacts(l.g, selectContacts+" WHERE id IN ?", keep)
	if err != nil {
		return nil, false, err
	}
	byID := make(map[int64]Contact, len(got))
	for _, r := range got {
		byID[r.ID] = r
	}
	rows = make([]Contact, 0, len(keep))
	for _, id := range keep {
		if r, ok := byID[id]; ok {
			rows = append(rows, r)
		}
	}
	return rows, true, nil
}

// blockedIDs selects the ids of contacts an active ban covers (the time
// "active" is judged at is the next parameter). It walks the active bans in
// address order through the covering index bans_live (migration 0005;
// SQLite, without statistics, would pick bans_active and then read each
// ban's row) and range-scans the ip_key index for each, so the scans move
// forward through it: a few thousand bans against many contacts, never the
// other way round. A contact under two nested bans appears twice.
func (l *lister) blockedIDs() string { return "SELECT c.id" + l.blockedJoin() }

// blockedJoin is the FROM and WHERE of blockedIDs.
func (l *lister) blockedJoin() string {
	return " FROM bans b" + l.d.indexedBy("bans_live") + " CROSS JOIN contacts c" + l.d.indexedBy("contacts_ip_key") + `
	WHERE ` + activeAt("b.") + " AND c.ip_key BETWEEN b.lo AND b.hi"
}
