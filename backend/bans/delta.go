package bans

import (
	"encoding/binary"
	"fmt"
	"maps"

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

func (k key) bytes() [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	return b
}

// applyDelta returns cur updated with the bans that events after cur.stamp
// (up to stamp) touched, as they are at now; nil when a full load is due.
func applyDelta(tx *store.Tx, cur *index, stamp, now int64) (*index, error) {
	banIDs, err := tx.BanIDsChanged(cur.stamp, stamp, maxDelta+1)
	if err != nil {
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
		rows, err := tx.BanSpansByID(part)
		if err != nil {
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
		args := make([][16]byte, len(part))
		for i, k := range part {
			args[i] = k.bytes()
		}
		rows, err := tx.ActiveAddressBans(args, now)
		if err != nil {
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
		rows, err := tx.ActiveRangeBans(now)
		if err != nil {
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
