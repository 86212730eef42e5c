package lapi

import (
	"context"
	"errors"
	"strings"
	"time"

	"banlist/backend/apikey"
	"banlist/backend/store"
)

// ErrForbidden is a missing, wrong or revoked bouncer key.
var ErrForbidden = errors.New("access forbidden")

// ipset's longest timeout is 2147483 s (about 24.8 days), and the firewall
// bouncer cuts longer bans to it, so its entry for a one-month ban would
// lapse days early. Every ban is therefore sent again when its time left
// drops below refreshBelow, which renews the entry to end with the ban.
const refreshBelow = 2147000 * time.Second

// noteEvery bounds how often a pull that changes nothing writes its
// last-pull time: at most once per key per noteEvery, so that many bouncers
// pulling every second do not turn reads into a stream of writes.
const noteEvery = 10 * time.Second

// Feed answers bouncers from one database.
type Feed struct{ db *store.DB }

// New returns the feed of db.
func New(db *store.DB) *Feed { return &Feed{db: db} }

// Stream is the answer to a stream pull. Both lists are always present.
type Stream struct {
	New     []Decision `json:"new"`
	Deleted []Decision `json:"deleted"`
}

// Pull describes one stream request.
type Pull struct {
	Startup bool
	// Scopes keeps only these scopes (lower case: "ip", "range"); nil keeps all.
	Scopes        []string
	Remote, Agent string
}

// Authenticate returns the bouncer whose key is key, or ErrForbidden.
func (f *Feed) Authenticate(ctx context.Context, key string) (store.Bouncer, error) {
	if strings.TrimSpace(key) == "" || len(key) > 200 {
		return store.Bouncer{}, ErrForbidden
	}
	b, found, err := f.db.BouncerByKeyHash(ctx, apikey.Hash(key))
	if err != nil {
		return b, err
	}
	if !found || !apikey.Matches(key, b.KeyHash) {
		return b, ErrForbidden
	}
	return b, nil
}

// Stream answers bouncer b's pull. At startup (or on a key's first pull) it
// sends every active ban in New. Otherwise it sends what changed since the key's
// previous pull: new bans, renewals and revived bans in New with their time
// left; unbans, expiries and shortened bans in Deleted (a shortened ban
// also comes back in New with its shorter time: bouncers apply Deleted
// first). Then it moves the key's cursor to this pull.
//
// Each change reaches every key at least once, even when one key pulls
// concurrently: a pull sends everything after the cursor it read, so a
// cursor written by an overlapping pull can only make changes come twice.
func (f *Feed) Stream(ctx context.Context, b store.Bouncer, p Pull) (Stream, error) {
	now := f.db.Clock.Now().UnixMilli()
	stamp, err := f.db.BanStamp(ctx)
	if err != nil {
		return Stream{}, err
	}
	out := Stream{New: []Decision{}, Deleted: []Decision{}}
	// A key that never pulled, or whose cursor is ahead of this file's
	// events (the file was restored from a backup), gets the whole list.
	fresh := p.Startup || (b.CursorEvent == 0 && b.CursorAt == 0) || stamp < b.CursorEvent
	if fresh {
		live, err := f.db.ActiveBans(ctx, now)
		if err != nil {
			return Stream{}, err
		}
		out.New = make([]Decision, 0, len(live))
		for _, l := range live {
			if keep(p.Scopes, l) {
				out.New = append(out.New, active(l, now))
			}
		}
	} else if out, err = f.delta(ctx, b, p, stamp, now); err != nil {
		return Stream{}, err
	}
	cursorAt := max(now, b.CursorAt) // a clock set back never re-opens a window
	moved := fresh || stamp != b.CursorEvent || len(out.New)+len(out.Deleted) > 0
	stale := b.LastPullAt == nil || now-*b.LastPullAt >= noteEvery.Milliseconds() || now < *b.LastPullAt
	if moved || stale || b.LastRemote != p.Remote || b.LastAgent != p.Agent {
		pull := store.BouncerPull{CursorEvent: b.CursorEvent, CursorAt: b.CursorAt,
			At: time.UnixMilli(now), Remote: p.Remote, Agent: p.Agent}
		if moved {
			pull.CursorEvent, pull.CursorAt = stamp, cursorAt
		}
		if err := f.db.SaveBouncerPull(ctx, b.ID, pull); err != nil {
			return Stream{}, err
		}
	}
	return out, nil
}

// delta is what changed between b's cursor and (stamp, now).
func (f *Feed) delta(ctx context.Context, b store.Bouncer, p Pull, stamp, now int64) (Stream, error) {
	out := Stream{New: []Decision{}, Deleted: []Decision{}}
	touched, err := f.db.TouchedBans(ctx, b.CursorEvent, stamp)
	if err != nil {
		return out, err
	}
	var lapsed, refresh []store.FeedBan
	if now > b.CursorAt {
		if lapsed, err = f.db.EndingBans(ctx, b.CursorAt, now); err != nil {
			return out, err
		}
		ahead := refreshBelow.Milliseconds()
		if refresh, err = f.db.EndingBans(ctx, b.CursorAt+ahead, now+ahead); err != nil {
			return out, err
		}
	}
	type gone struct {
		d       Decision
		shorter bool // the same ban is also in New, with less time
	}
	var dels []gone
	seen := map[int64]bool{}
	blocking := map[string]bool{} // values in New
	for _, t := range touched {
		seen[t.ID] = true
		if !keep(p.Scopes, t) {
			continue
		}
		if t.RemovedAt != nil || t.ExpiresAt <= now {
			dels = append(dels, gone{d: ended(t, now)})
			continue
		}
		if t.PrevExpires != nil && *t.PrevExpires > b.CursorAt && t.ExpiresAt < *t.PrevExpires {
			dels = append(dels, gone{d: ended(t, now), shorter: true})
		}
		out.New = append(out.New, active(t, now))
		blocking[t.Target] = true
	}
	for _, l := range lapsed {
		if !seen[l.ID] && keep(p.Scopes, l) {
			seen[l.ID] = true
			dels = append(dels, gone{d: ended(l, now)})
		}
	}
	for _, r := range refresh {
		if !seen[r.ID] && keep(p.Scopes, r) {
			out.New = append(out.New, active(r, now))
			blocking[r.Target] = true
		}
	}
	// A value another ban still blocks must not be dropped by a bouncer that
	// applies Deleted after New.
	for _, g := range dels {
		if g.shorter || !blocking[g.d.Value] {
			out.Deleted = append(out.Deleted, g.d)
		}
	}
	return out, nil
}

// keep applies a pull's scopes filter.
func keep(scopes []string, b store.FeedBan) bool {
	if scopes == nil {
		return true
	}
	want := strings.ToLower(scopeOf(b))
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}
