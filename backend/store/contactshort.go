package store

import "strings"

// Searches of one or two characters.
//
// The trigram index cannot answer them: they hold no trigram. Scanning
// every contact for them takes over half a second at a million contacts,
// and their matches are mostly too many to read anyway, since one or two
// letters occur in a large share of names and addresses. So a short search
// looks only through the first ContactQuery.ShortWindow contacts in the
// report's own order (the newest, by default), walking that order's index:
// the page and the count come from that window, and the ContactPage says so
// (Partial, Scanned), so the UI can tell the supervisor to type a third
// character to search everything. The window is exact when the report has
// fewer contacts than that.

// short reports a search that the trigram index cannot answer. With
// blocked-only the blocked contacts are few enough to filter them all.
func (l *lister) short() bool {
	return l.q.Search != "" && l.match == "" && !l.q.BlockedOnly
}

// shortSearch returns the page of matches within the first window contacts
// in the report's order (after the other filters), the number of matches
// among them, and how many contacts it looked through. One walk down the
// order's index reads each contact's id and whether it matches; the page's
// rows are then read by id.
func (l *lister) shortSearch(window int) (rows []Contact, total, scanned int64, err error) {
	where := ""
	if len(l.plain) > 0 {
		where = " WHERE " + strings.Join(l.plain, " AND ")
	}
	args := append(append([]any(nil), l.likeArgs...), l.args...)
	cur, err := l.g.Raw("SELECT id, "+l.like+" FROM contacts"+where+" ORDER BY "+l.order()+" LIMIT ?", append(args, window)...).Rows()
	if err != nil {
		return nil, 0, 0, err
	}
	defer cur.Close()
	from, to := int64(l.offset()), int64(l.offset()+l.q.Limit)
	var page []int64
	for cur.Next() {
		var id int64
		var match bool
		if err := cur.Scan(&id, &match); err != nil {
			return nil, 0, 0, err
		}
		scanned++
		if !match {
			continue
		}
		if total >= from && total < to {
			page = append(page, id)
		}
		total++
	}
	if err := cur.Err(); err != nil {
		return nil, 0, 0, err
	}
	if len(page) == 0 {
		return nil, total, scanned, nil
	}
	rows, err = scanContacts(l.g, selectContacts+" WHERE id IN ? ORDER BY "+l.order(), page)
	return rows, total, scanned, err
}
