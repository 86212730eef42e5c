package store

import (
	"context"
)

// Contact is one stored chat contact (package contacts gives the report its
// API shape): times are UTC Unix milliseconds, IPKey is the 16-byte form of
// IP (IPv4 in its IPv4-mapped form) that ranges are compared against.
type Contact struct {
	ID           int64  `gorm:"column:id;primaryKey"`
	VisitorName  string `gorm:"column:visitor_name"`
	Email        string `gorm:"column:email"`
	IP           string `gorm:"column:ip"`
	IPKey        []byte `gorm:"column:ip_key"`
	Channel      string `gorm:"column:channel"`
	StartedAt    int64  `gorm:"column:started_at"`
	EndedAt      *int64 `gorm:"column:ended_at"`
	DurationSec  int64  `gorm:"column:duration_sec"`
	Agent        string `gorm:"column:agent"`
	Department   string `gorm:"column:department"`
	Messages     int64  `gorm:"column:messages"`
	Rating       *int64 `gorm:"column:rating"`
	Country      string `gorm:"column:country"`
	UserAgent    string `gorm:"column:user_agent"`
	FirstMessage string `gorm:"column:first_message"`
}

// TableName tells GORM where a Contact is stored, for the batched INSERT of
// rows that JSON cannot carry (contactbulk.go).
func (Contact) TableName() string { return "contacts" }

// GetContact returns contact id, and whether it exists.
func (db *DB) GetContact(ctx context.Context, id int64) (Contact, bool, error) {
	rows, err := scanContacts(db.WithContext(ctx), selectContacts+` WHERE id = ?`, id)
	if err != nil || len(rows) == 0 {
		return Contact{}, false, err
	}
	return rows[0], true, nil
}

// countContacts reads the number of contacts, which triggers keep on both
// engines (steps 055 and 056).
const countContacts = `SELECT n FROM contacts_count WHERE id = 1`

// CountContacts returns how many contacts are stored.
func (tx *Tx) CountContacts() (int64, error) {
	return scanInt64(tx.g, countContacts)
}

// CountContactsInRange counts the contacts whose address lies in [lo, hi]
// (16-byte keys, as ipaddr.Target.Lo and Hi give them), through the ip_key
// index. The contact page uses it to say how many contacts lifting a range
// block would let back in, and, with lo = hi, how many came from one
// address.
func (db *DB) CountContactsInRange(ctx context.Context, lo, hi [16]byte) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(*) FROM contacts WHERE ip_key BETWEEN ? AND ?`, lo[:], hi[:]).Scan(&n).Error
	return n, err
}

// ContactAgents lists the distinct agent names in order, for the report's
// agent filter.
//
// It hops from one agent to the next through the contacts_agent index (a
// "skip scan"): a few dozen index lookups instead of reading every contact,
// which SELECT DISTINCT does (0.2 ms instead of 150 ms at a million contacts
// on SQLite). Both engines run the recursive query as written.
func (db *DB) ContactAgents(ctx context.Context) ([]string, error) {
	out := []string{}
	err := db.WithContext(ctx).Raw(`WITH RECURSIVE next(agent) AS (
			SELECT min(agent) FROM contacts WHERE agent > ''
			UNION ALL
			SELECT (SELECT min(agent) FROM contacts WHERE agent > next.agent) FROM next WHERE next.agent IS NOT NULL
		)
		SELECT agent FROM next WHERE agent IS NOT NULL`).Scan(&out).Error
	return out, err
}
