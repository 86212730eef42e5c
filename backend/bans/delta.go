package bans

import (
	"database/sql/driver"
	"fmt"
	"maps"
	"strings"

	"banlist/backend/store"
)

// Incremental index updates.
//
// Reloading every active ban after each change costs ~170 ms at 100,000
// bans, and every process sharing the database pays it for every ban anyone
// makes. Instead, when the change stamp (max ban_events.id) moves, load reads
// the bans those events touched and lays the result over the index it has:
//
//   - a single address gets an overlay entry with whichever active ban on it
//     lasts longest now, or a tombstone when none is left;
//   - a touched range rebuilds the range segments from the active ranges
//     only (there are few: they are blocks of addresses, not customers).
//
// The snapshot stays immutable (the overlay is copied, the base map shared),
// so lookups never lock. Past maxOverlay changed addresses, or maxDelta
// events, a full reload folds everything into a new base.
const (
	maxOverlay = 4096
	maxDelta   = 10_000
)

// keyArg binds a 16-byte key as one BLOB parameter.
type keyArg []byte

// Value implements driver.Valuer.
func (k keyArg) Value() (driver.Value, error) { return []byte(k), nil }

func (k key) bytes() []byte {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	return b[:]
}

// placeholders returns "?, ?, …" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// applyDelta returns cur updated with the bans that events after cur.stamp
// (up to stamp) touched, as they are at now; nil when a full load is due.
func applyDelta(db *store.Tx, cur *index, stamp, now int64) (*index, error) {
	var banIDs []int64
	if err := db.Gorm().Raw(`SELECT DISTINCT ban_id FROM ban_events WHERE id > ? AND id <= ? LIMIT ?`,
		cur.stamp, stamp, maxDelta+1).Scan(&banIDs).Error; err != nil {
		return nil, err
	}
	if len(banIDs) > maxDelta {
		return nil, nil
	}
	touched := map[key]bool{}
	rangeTouched := false
	const chunk = 500
	for start := 0; start < len(banIDs); start += chunk {
		part := banIDs[start:min(start+chunk, len(banIDs))]
		var rows []struct {
			IsRange bool
			Lo, Hi  []byte
		}
		if err := db.Gorm().Raw(`SELECT is_range, lo, hi FROM bans WHERE id IN ?`, part).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			lo, ok1 := keyFromBytes(r.Lo)
			hi, ok2 := keyFromBytes(r.Hi)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("a ban has a damaged address range")
			}
			if r.IsRange || lo != hi {
				rangeTouched = true
			} else {
				touched[lo] = true
			}
		}
	}
	if len(cur.overlay)+len(touched) > maxOverlay {
		return nil, nil
	}
	ix := &index{stamp: stamp, loadedAt: now, exact: cur.exact, segLo: cur.segLo, segs: cur.segs}
	ix.overlay = make(map[key]entry, len(cur.overlay)+len(touched))
	maps.Copy(ix.overlay, cur.overlay)
	keys := make([]key, 0, len(touched))
	for k := range touched {
		ix.overlay[k] = entry{} // a tombstone unless an active ban is found below
		keys = append(keys, k)
	}
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, 0, len(part)+1)
		for _, k := range part {
			args = append(args, keyArg(k.bytes()))
		}
		args = append(args, now)
		var rows []struct {
			ID        int64
			Target    string
			Lo        []byte
			ExpiresAt int64
		}
		if err := db.Gorm().Raw(`SELECT id, target, lo, expires_at FROM bans WHERE lo IN (`+placeholders(len(part))+`)
			AND is_range = 0 AND lo = hi AND removed_at IS NULL AND expires_at > ?`, args...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			k, _ := keyFromBytes(r.Lo)
			e := entry{id: r.ID, target: r.Target, expires: r.ExpiresAt}
			if old := ix.overlay[k]; old.id != 0 {
				e = later(old, e)
			}
			ix.overlay[k] = e
		}
	}
	if rangeTouched {
		var rows []struct {
			ID        int64
			Target    string
			Lo, Hi    []byte
			ExpiresAt int64
		}
		if err := db.Gorm().Raw(`SELECT id, target, lo, hi, expires_at FROM bans
			WHERE removed_at IS NULL AND expires_at > ? AND (is_range = 1 OR lo <> hi)`, now).Scan(&rows).Error; err != nil {
			return nil, err
		}
		ranges := make([]rangeBan, 0, len(rows))
		for _, r := range rows {
			lo, ok1 := keyFromBytes(r.Lo)
			hi, ok2 := keyFromBytes(r.Hi)
			if !ok1 || !ok2 || hi.less(lo) {
				return nil, fmt.Errorf("ban #%d has a damaged address range", r.ID)
			}
			ranges = append(ranges, rangeBan{lo: lo, hi: hi, e: entry{id: r.ID, target: r.Target, expires: r.ExpiresAt}})
		}
		fresh := newIndex(stamp, now, nil, ranges)
		ix.segLo, ix.segs = fresh.segLo, fresh.segs
	}
	return ix, nil
}
