package store

import (
	"context"
	"slices"
)

// PastBan is the part of an earlier ban that advice needs.
type PastBan struct {
	Target    string `gorm:"column:target"`
	Period    string `gorm:"column:period"`
	CreatedAt int64  `gorm:"column:created_at"`
}

// BansOfTargetSince returns the bans (any status) on exactly target made at
// or after since (Unix ms), newest first.
func (db *DB) BansOfTargetSince(ctx context.Context, target string, since int64) ([]PastBan, error) {
	var out []PastBan
	err := db.WithContext(ctx).Raw(`SELECT target, period, created_at FROM bans
		WHERE target = ? AND created_at >= ? ORDER BY created_at DESC, id DESC`, target, since).Scan(&out).Error
	return out, err
}

// CountBansWithinSince counts the bans (any status) made at or after since
// whose whole span lies inside lo..hi: the addresses and smaller ranges of
// one network.
func (db *DB) CountBansWithinSince(ctx context.Context, lo, hi [16]byte, since int64) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(*) FROM bans
		WHERE lo >= ? AND lo <= ? AND hi <= ? AND created_at >= ?`, lo[:], hi[:], hi[:], since).Scan(&n).Error
	return n, err
}

// DistinctCustomersSince counts the different customers who came from the
// address with 16-byte key ipKey since (Unix ms): a customer is its email
// when it has one, else its visitor name, ignoring case; contacts with
// neither are not counted.
func (db *DB) DistinctCustomersSince(ctx context.Context, ipKey [16]byte, since int64) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(DISTINCT CASE WHEN trim(email) <> '' THEN 'e:' || lower(trim(email))
			ELSE 'n:' || lower(trim(visitor_name)) END)
		FROM contacts
		WHERE ip_key = ? AND started_at >= ? AND (trim(email) <> '' OR trim(visitor_name) <> '')`,
		ipKey[:], since).Scan(&n).Error
	return n, err
}

// EarlierBanCounts returns, for each of targets banned before, how many of
// its bans (on exactly that target) are not active at now (Unix ms): the
// expired and removed ones. Targets never banned are absent.
func (db *DB) EarlierBanCounts(ctx context.Context, targets []string, now int64) (map[string]int, error) {
	out := map[string]int{}
	// A page often shows one address many times (a search for it): ask once.
	targets = slices.Compact(slices.Sorted(slices.Values(targets)))
	if len(targets) == 0 {
		return out, nil
	}
	rows, err := db.WithContext(ctx).Raw(`SELECT target, count(*) AS n FROM bans
		WHERE target IN ? AND (removed_at IS NOT NULL OR expires_at <= ?)
		GROUP BY target`, targets, now).Rows()
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var target string
		var n int
		if err := rows.Scan(&target, &n); err != nil {
			return out, err
		}
		out[target] = n
	}
	return out, rows.Err()
}
