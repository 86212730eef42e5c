package bans

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// key is a position in the shared 16-byte address space (see ipaddr.Key) as
// two integers, so comparisons are two word compares.
type key struct{ hi, lo uint64 }

func keyOf(b [16]byte) key {
	return key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func keyFromBytes(b []byte) (key, bool) {
	if len(b) != 16 {
		return key{}, false
	}
	return key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, true
}

func (a key) less(b key) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a key) next() key {
	if a.lo == ^uint64(0) {
		return key{a.hi + 1, 0}
	}
	return key{a.hi, a.lo + 1}
}

var maxKey = key{^uint64(0), ^uint64(0)}

// entry is the part of a ban a lookup needs.
type entry struct {
	id      int64
	expires int64 // Unix ms
	target  string
}

// later picks the entry that blocks longer.
func later(a, b entry) entry {
	if b.expires > a.expires || (b.expires == a.expires && b.id > a.id) {
		return b
	}
	return a
}

// index is an immutable snapshot of the bans that were active when it was
// loaded. Lookups compare expiry with the clock, so a ban that lapses later
// stops matching without a reload; a ban can only start matching through a
// write, which moves the stamp.
//
// Single addresses live in a hash map. Ranges, being CIDR blocks, are either
// nested or disjoint, so they flatten into sorted disjoint segments, each
// carrying the covering ban that lasts longest; a lookup is one binary
// search. (If that ban has expired, every ban covering the segment has.)
type index struct {
	gen      uint64 // Service.gen the index is current for
	stamp    int64  // max(ban_events.id) when loaded
	loadedAt int64  // clock (Unix ms) when loaded
	exact    map[key]entry
	overlay  map[key]entry // changes since exact was loaded; wins over exact (see delta.go)
	segLo    []key         // segment starts, ascending
	segs     []segment
}

type segment struct {
	hi key
	e  entry
}

type rangeBan struct {
	lo, hi key
	e      entry
}

func newIndex(stamp, loadedAt int64, exact map[key]entry, ranges []rangeBan) *index {
	ix := &index{stamp: stamp, loadedAt: loadedAt, exact: exact}
	// Outer ranges first at equal starts, so each range is pushed after
	// every range that contains it.
	slices.SortFunc(ranges, func(a, b rangeBan) int {
		switch {
		case a.lo.less(b.lo):
			return -1
		case b.lo.less(a.lo):
			return 1
		case b.hi.less(a.hi):
			return -1
		case a.hi.less(b.hi):
			return 1
		}
		return 0
	})
	type open struct {
		lo, hi key
		e      entry // best of this range and all ranges containing it
	}
	var stack []open
	var cur key   // first address not yet assigned to a segment
	done := false // the segments reached the end of the key space
	emit := func(lo, hi key, e entry) {
		if done || hi.less(lo) {
			return
		}
		ix.segLo = append(ix.segLo, lo)
		ix.segs = append(ix.segs, segment{hi: hi, e: e})
	}
	// pop closes the innermost open range.
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		emit(cur, top.hi, top.e)
		if top.hi == maxKey {
			done = true
		} else if !top.hi.less(cur) {
			cur = top.hi.next()
		}
	}
	for _, r := range ranges {
		for len(stack) > 0 && stack[len(stack)-1].hi.less(r.lo) {
			pop()
		}
		e := r.e
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.lo == r.lo && top.hi == r.hi {
				// The same block twice: keep the longer-lasting ban.
				stack[len(stack)-1].e = later(top.e, e)
				continue
			}
			if cur.less(r.lo) {
				emit(cur, prevKey(r.lo), top.e)
			}
			e = later(top.e, e)
		}
		cur = r.lo
		stack = append(stack, open{lo: r.lo, hi: r.hi, e: e})
	}
	for len(stack) > 0 {
		pop()
	}
	return ix
}

func prevKey(k key) key {
	if k.lo == 0 {
		return key{k.hi - 1, ^uint64(0)}
	}
	return key{k.hi, k.lo - 1}
}

// lookup returns the ban blocking k at now (Unix ms), preferring whichever of
// an exact ban and a covering range lasts longer.
func (ix *index) lookup(k key, now int64) (entry, bool) {
	best, found := entry{}, false
	e, ok := ix.overlay[k]
	if !ok {
		e, ok = ix.exact[k]
	}
	if ok && e.expires > now {
		best, found = e, true
	}
	// Last segment starting at or before k.
	i, j := 0, len(ix.segLo)
	for i < j {
		h := int(uint(i+j) >> 1)
		if k.less(ix.segLo[h]) {
			j = h
		} else {
			i = h + 1
		}
	}
	if i > 0 {
		if s := &ix.segs[i-1]; !s.hi.less(k) && s.e.expires > now {
			if !found || s.e.expires > best.expires {
				best, found = s.e, true
			}
		}
	}
	return best, found
}

// current returns an index that reflects every change this process has made
// and every change other processes committed up to the last poll.
func (s *Service) current(ctx context.Context, now int64) (*index, error) {
	ix := s.idx.Load()
	if ix != nil && ix.gen == s.gen.Load() && now >= ix.loadedAt {
		if s.running.Load() || time.Since(s.born).Nanoseconds()-s.lastPoll.Load() < int64(pollEvery) {
			return ix, nil
		}
	}
	return s.refresh(ctx, !s.running.Load())
}

// refresh reloads the index if the bans changed. With poll it first asks
// the database whether any other connection committed since the last poll.
func (s *Service) refresh(ctx context.Context, poll bool) (*index, error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	cur := s.idx.Load()
	now := s.nowMs()
	if poll && time.Since(s.born).Nanoseconds()-s.lastPoll.Load() < int64(pollEvery)/2 && cur != nil {
		poll = false // another caller just polled
	}
	if poll {
		v, err := s.changeVersion(ctx)
		if err != nil {
			return nil, err
		}
		s.lastPoll.Store(time.Since(s.born).Nanoseconds())
		if v != s.lastStamp {
			s.lastStamp = v
			s.gen.Add(1)
		}
	}
	gen := s.gen.Load()
	if cur != nil && cur.gen == gen && now >= cur.loadedAt {
		return cur, nil
	}
	// gen was read before the database: a change landing during the load
	// moves s.gen past it, and the next lookup loads again.
	ix, err := s.load(ctx, cur, now)
	if err != nil {
		return nil, err
	}
	changed := cur == nil || ix.stamp != cur.stamp
	if ix == cur {
		same := *cur // shared, immutable maps and slices
		ix = &same
	}
	ix.gen = gen
	s.idx.Store(ix)
	if changed && cur != nil {
		s.notify()
	}
	return ix, nil
}

// changeVersion returns a number that moves when another process commits
// a change to the bans (store.DB.ChangeStamp: data_version, a shared file's
// header counter, or PostgreSQL's newest ban event).
func (s *Service) changeVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.retry(ctx, "check the ban list for changes", func() (err error) {
		v, err = s.db.ChangeStamp(ctx)
		return err
	})
	return v, err
}

// load reads the change stamp and, if it moved (or the clock went back),
// every active ban. The stamp is read first, so the index is never older than
// its stamp claims.
func (s *Service) load(ctx context.Context, cur *index, now int64) (*index, error) {
	var ix *index
	err := s.read(ctx, "load the active bans", func(tx *store.Tx) error {
		stamp, err := tx.BanStamp()
		if err != nil {
			return err
		}
		if cur != nil && stamp == cur.stamp && now >= cur.loadedAt {
			ix = cur
			return nil
		}
		if cur != nil && stamp > cur.stamp && now >= cur.loadedAt {
			delta, err := applyDelta(tx, cur, stamp, now)
			if err != nil || delta != nil {
				ix = delta
				return err
			}
		}
		exact := map[key]entry{}
		var ranges []rangeBan
		err = tx.EachActiveBan(now, func(b store.BanSpan) error {
			e := entry{id: b.ID, target: b.Target, expires: b.ExpiresAt}
			lo, ok1 := keyFromBytes(b.Lo)
			hi, ok2 := keyFromBytes(b.Hi)
			if !ok1 || !ok2 || hi.less(lo) {
				return fmt.Errorf("ban #%d has a damaged address range", e.id)
			}
			if !b.IsRange && lo == hi {
				if old, ok := exact[lo]; ok {
					e = later(old, e)
				}
				exact[lo] = e
				return nil
			}
			ranges = append(ranges, rangeBan{lo: lo, hi: hi, e: e})
			return nil
		})
		if err != nil {
			return err
		}
		ix = newIndex(stamp, now, exact, ranges)
		return nil
	})
	return ix, err
}

// Check reports whether ip (one address; IPv4-mapped IPv6 counts as IPv4) is
// blocked now by a ban on it or on a range containing it. Expired and removed
// bans never block.
func (s *Service) Check(ctx context.Context, ip string) (CheckResult, error) {
	a, err := ipaddr.ParseIP(ip)
	if err != nil {
		return CheckResult{}, err
	}
	now := s.nowMs()
	ix, err := s.current(ctx, now)
	if err != nil {
		return CheckResult{}, err
	}
	return ix.check(a, now), nil
}

// check is Check's answer for a from this index at now (Unix ms).
func (ix *index) check(a netip.Addr, now int64) CheckResult {
	res := CheckResult{IP: a.String()}
	if e, ok := ix.lookup(keyOf(ipaddr.Key(a)), now); ok {
		until := msTime(e.expires)
		res.Blocked, res.BanID, res.Target, res.Until = true, e.id, e.target, &until
	}
	return res
}

// CheckMany answers Check for each of ips that is blocked now, keyed by the
// string as given, from the same index: the report marks a contact blocked
// exactly when Check would refuse it, without reading the bans table.
// Strings that are not single addresses are skipped, so a report can pass
// its raw column values.
func (s *Service) CheckMany(ctx context.Context, ips []string) (map[string]CheckResult, error) {
	out := map[string]CheckResult{}
	if len(ips) == 0 {
		return out, nil
	}
	now := s.nowMs()
	ix, err := s.current(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, raw := range ips {
		if _, done := out[raw]; done {
			continue
		}
		a, err := ipaddr.ParseIP(raw)
		if err != nil {
			continue
		}
		if r := ix.check(a, now); r.Blocked {
			out[raw] = r
		}
	}
	return out, nil
}
