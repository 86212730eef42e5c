package store

import (
	"context"
	"database/sql"
)

// The statements behind package bans's in-memory Check index: a cheap
// number to poll for other processes' commits, the change stamp (the newest
// ban event), every active ban, and the bans touched since a stamp.

// ChangeStamp returns a number that moves whenever another process may have
// changed the bans; pollers compare it with the last value they saw and
// reload only when it moved. It may also move for other changes.
//
//   - A local SQLite file: PRAGMA data_version, which moves on every commit
//     made through another connection (this process's own commits do not
//     move it: its writers know they wrote).
//   - A shared SQLite file: the header's change counter (ChangeCounter), read
//     without SQLite's lock, which on a share is a mkdir and an rmdir per
//     look; data_version if the header cannot be read.
//   - PostgreSQL: the newest ban event's id (BanStamp, one index probe).
//     Ban writes take LockBans, so ids become visible in order and a commit
//     elsewhere always moves it.
func (db *DB) ChangeStamp(ctx context.Context) (int64, error) {
	switch {
	case db.Engine == Postgres:
		return db.BanStamp(ctx)
	case db.Shared:
		if c, err := db.ChangeCounter(ctx); err == nil {
			return int64(c), nil
		}
	}
	return db.DataVersion(ctx)
}

// banWriteLockKey is the advisory lock that LockBans takes on PostgreSQL
// ("bans" in ASCII).
const banWriteLockKey int64 = 0x62616e73

// LockBans makes the rest of tx the only writer of bans until it ends.
// SQLite's write transactions already are (BEGIN IMMEDIATE); on PostgreSQL
// it takes a transaction-scoped advisory lock. Serializable transactions
// alone keep two supervisors from blocking the same address at once, but
// they let ban_events ids become visible out of order (the writer given
// id 10 may commit after the one given 11), and then a reader that already
// moved its cursor to 11 never sees event 10. Under the lock, ids are given
// and committed one writer after the other, so the newest id is a sound
// cursor (ChangeStamp, BanStamp, the feed's streams). The snapshot of a
// serializable transaction is taken by its first statement, before the lock
// is granted: a writer that waited may still be aborted with 40001 and
// retried, as without the lock.
func (tx *Tx) LockBans() error {
	if tx.Engine() != Postgres {
		return nil
	}
	return tx.g.Exec(`SELECT pg_advisory_xact_lock(?)`, banWriteLockKey).Error
}

// BanStamp is the id of the newest ban event (see DB.BanStamp), read
// through tx.
func (tx *Tx) BanStamp() (int64, error) {
	var id int64
	err := tx.g.Raw(`SELECT coalesce(max(id), 0) FROM ban_events`).Scan(&id).Error
	return id, err
}

// BanSpan is what the Check index keeps of a ban: who it is, the span it
// covers (16-byte keys, see ipaddr.Key) and when it ends.
type BanSpan struct {
	ID        int64
	Target    string
	IsRange   bool
	Lo, Hi    []byte
	ExpiresAt int64 // Unix ms
}

// EachActiveBan calls fn with every ban active at now, in no particular
// order, stopping at fn's first error. b.Lo and b.Hi are only valid during
// the call (the rows are not copied: at 100,000 bans that matters).
func (tx *Tx) EachActiveBan(now int64, fn func(b BanSpan) error) error {
	rows, err := tx.g.Raw(`SELECT id, target, is_range, lo, hi, expires_at FROM bans
		WHERE `+activeAt(""), now).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b BanSpan
		var lo, hi sql.RawBytes
		if err := rows.Scan(&b.ID, &b.Target, &b.IsRange, &lo, &hi, &b.ExpiresAt); err != nil {
			return err
		}
		b.Lo, b.Hi = lo, hi
		if err := fn(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BanIDsChanged returns the distinct ids of the bans that have an event with
// an id in (after, upto], at most limit of them.
func (tx *Tx) BanIDsChanged(after, upto int64, limit int) ([]int64, error) {
	ids := []int64{}
	err := tx.g.Raw(`SELECT DISTINCT ban_id FROM ban_events WHERE id > ? AND id <= ? LIMIT ?`,
		after, upto, limit).Scan(&ids).Error
	return ids, err
}

// BanSpansByID returns the spans of the bans with the given ids (any
// status; ID, Target and ExpiresAt left empty). Callers pass at most a few
// hundred ids at a time.
func (tx *Tx) BanSpansByID(ids []int64) ([]BanSpan, error) {
	out := []BanSpan{}
	if len(ids) == 0 {
		return out, nil
	}
	err := tx.g.Raw(`SELECT is_range, lo, hi FROM bans WHERE id IN ?`, ids).Scan(&out).Error
	return out, err
}

// ActiveAddressBans returns the bans of single addresses (not ranges) active
// at now whose address is one of keys (16-byte keys). Callers pass at most a
// few hundred keys at a time.
func (tx *Tx) ActiveAddressBans(keys [][16]byte, now int64) ([]BanSpan, error) {
	out := []BanSpan{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i := range keys {
		args[i] = keys[i][:]
	}
	err := tx.g.Raw(`SELECT id, target, is_range, lo, hi, expires_at FROM bans
		WHERE lo IN ? AND is_range = 0 AND lo = hi AND `+activeAt(""), args, now).Scan(&out).Error
	return out, err
}

// ActiveRangeBans returns every range ban active at now.
func (tx *Tx) ActiveRangeBans(now int64) ([]BanSpan, error) {
	out := []BanSpan{}
	err := tx.g.Raw(`SELECT id, target, is_range, lo, hi, expires_at FROM bans
		WHERE `+activeAt("")+` AND (is_range = 1 OR lo <> hi)`, now).Scan(&out).Error
	return out, err
}
