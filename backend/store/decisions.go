package store

import (
	"context"
	"database/sql"
)

// FeedBan is the part of a ban the CrowdSec decision feed (package lapi)
// sends: what is blocked, until when, and the start of its notes.
type FeedBan struct {
	ID        int64
	Target    string
	IsRange   bool
	Notes     string // at most its first 200 characters: the feed's scenario keeps 100
	ExpiresAt int64  // Unix ms
	RemovedAt *int64
	// PrevExpires is when the ban was due to end as of a stream cursor (set
	// by TouchedBans only); nil when the ban did not exist yet.
	PrevExpires *int64
}

const feedCols = `id, target, is_range, substr(notes, 1, 200), expires_at, removed_at`

func scanFeed(rows *sql.Rows, withPrev bool) ([]FeedBan, error) {
	defer rows.Close()
	var out []FeedBan
	for rows.Next() {
		var b FeedBan
		dest := []any{&b.ID, &b.Target, &b.IsRange, &b.Notes, &b.ExpiresAt, &b.RemovedAt}
		if withPrev {
			dest = append(dest, &b.PrevExpires)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (db *DB) feedQuery(ctx context.Context, withPrev bool, query string, args ...any) ([]FeedBan, error) {
	rows, err := db.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	return scanFeed(rows, withPrev)
}

// BanStamp is the id of the newest ban event: every ban, renewal and unban
// writes one, so a stream cursor at this id has seen every write so far.
func (db *DB) BanStamp(ctx context.Context) (int64, error) {
	return db.Session(ctx).BanStamp()
}

// ActiveBans returns every ban blocking at now (Unix ms), in id order.
func (db *DB) ActiveBans(ctx context.Context, now int64) ([]FeedBan, error) {
	return db.feedQuery(ctx, false, `SELECT `+feedCols+` FROM bans
		WHERE `+activeAt("")+` ORDER BY id`, now)
}

// TouchedBans returns, as they stand now, the bans that have an event with
// an id in (after, upto], each with the expiry it had as of event after.
func (db *DB) TouchedBans(ctx context.Context, after, upto int64) ([]FeedBan, error) {
	return db.feedQuery(ctx, true, `SELECT `+feedCols+`,
			(SELECT e.expires_at FROM ban_events e WHERE e.ban_id = bans.id AND e.id <= ?
				AND e.kind IN ('banned', 'renewed') ORDER BY e.id DESC LIMIT 1)
		FROM bans WHERE id IN (SELECT ban_id FROM ban_events WHERE id > ? AND id <= ?) ORDER BY id`,
		after, after, upto)
}

// EndingBans returns the bans not removed whose expiry lies in (from, to]
// (Unix ms): those that lapsed between two pulls, found without any write
// having happened.
func (db *DB) EndingBans(ctx context.Context, from, to int64) ([]FeedBan, error) {
	return db.feedQuery(ctx, false, `SELECT `+feedCols+` FROM bans
		WHERE `+activeAt("")+` AND expires_at <= ? ORDER BY id`, from, to)
}

// CoveringBans returns the bans active at now that cover every address from
// lo to hi (16-byte keys, see ipaddr.Key). floor is the lowest first address
// such a ban can have, which bounds the index scan.
func (db *DB) CoveringBans(ctx context.Context, lo, hi, floor [16]byte, now int64) ([]FeedBan, error) {
	return db.feedQuery(ctx, false, `SELECT `+feedCols+` FROM bans
		WHERE lo BETWEEN ? AND ? AND hi >= ? AND `+activeAt("")+` ORDER BY id`,
		floor[:], lo[:], hi[:], now)
}

// BansWithin returns the bans active at now that lie inside lo..hi.
func (db *DB) BansWithin(ctx context.Context, lo, hi [16]byte, now int64) ([]FeedBan, error) {
	return db.feedQuery(ctx, false, `SELECT `+feedCols+` FROM bans
		WHERE lo BETWEEN ? AND ? AND hi <= ? AND `+activeAt("")+` ORDER BY id`,
		lo[:], hi[:], hi[:], now)
}
