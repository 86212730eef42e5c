package store

import (
	"gorm.io/gorm"
)

// Scanning the report's rows without reflection.
//
// GORM's Scan into []Contact matches every column to a struct field by name
// through reflection, for every row: at a million contacts about a fifth of
// a report page's time in pprof (BenchmarkReport in package bench), more
// than some of the statements themselves. The report's hot paths therefore
// name the columns (contactColumns) and scan each row straight into the
// fields, in that order. The statements still go through GORM (Raw(…).Rows()
// and Row()), so its callbacks, the bench's statement capture among them,
// see every one.

// contactColumns are the columns of contacts in Contact's field order, for
// scanContacts.
const contactColumns = `id, visitor_name, email, ip, ip_key, channel, started_at, ended_at, duration_sec,
	agent, department, messages, rating, country, user_agent, first_message`

// selectContacts is the start of a statement that scanContacts reads.
const selectContacts = "SELECT " + contactColumns + " FROM contacts"

// fields returns pointers to c's fields in contactColumns order.
func (c *Contact) fields() []any {
	return []any{&c.ID, &c.VisitorName, &c.Email, &c.IP, &c.IPKey, &c.Channel, &c.StartedAt, &c.EndedAt, &c.DurationSec,
		&c.Agent, &c.Department, &c.Messages, &c.Rating, &c.Country, &c.UserAgent, &c.FirstMessage}
}

// scanContacts runs query (which selects contactColumns) on g and returns
// its rows.
func scanContacts(g *gorm.DB, query string, args ...any) ([]Contact, error) {
	rows, err := g.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(c.fields()...); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanInt64 runs query, which returns one integer, on g (0 if it returns
// no row).
func scanInt64(g *gorm.DB, query string, args ...any) (int64, error) {
	rows, err := g.Raw(query, args...).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

// scanInt64s runs query, which returns one integer column, on g.
func scanInt64s(g *gorm.DB, query string, args ...any) ([]int64, error) {
	rows, err := g.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// walkStep is one row of the blocked-only walk down the date index.
type walkStep struct {
	ID        int64
	StartedAt int64
	IPKey     []byte
}

// scanSteps runs query, which selects id, started_at and ip_key, on g.
func scanSteps(g *gorm.DB, query string, args ...any) ([]walkStep, error) {
	rows, err := g.Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []walkStep
	for rows.Next() {
		var s walkStep
		if err := rows.Scan(&s.ID, &s.StartedAt, &s.IPKey); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
