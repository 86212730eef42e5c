package lapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// maxValue bounds a looked-up value before parsing: anything longer is no
// address, and is refused without work.
const maxValue = 100

// Lookup answers GET /v1/decisions: the active bans covering ip=X, or the
// CIDR range=R (contains=false: the bans inside R instead), or scope=+value=
// spelled either way; with none of these, every active ban. Scopes other than
// ip and range match nothing. Errors are *apperr.Error with the reason.
func (f *Feed) Lookup(ctx context.Context, q url.Values) ([]Decision, error) {
	ip, rng := q.Get("ip"), q.Get("range")
	if scope := strings.ToLower(strings.TrimSpace(q.Get("scope"))); scope != "" {
		value := q.Get("value")
		if value == "" {
			return nil, apperr.Invalid("value", "scope= needs value= (the address or range to look up).")
		}
		switch scope {
		case "ip":
			ip = value
		case "range":
			rng = value
		default:
			return nil, nil
		}
	}
	if t := q.Get("type"); t != "" && !strings.EqualFold(t, "ban") {
		return nil, nil
	}
	contains := true
	if c := q.Get("contains"); c != "" {
		var err error
		if contains, err = strconv.ParseBool(c); err != nil {
			return nil, apperr.Invalid("contains", "contains= must be true or false.")
		}
	}
	now := f.db.Clock.Now().UnixMilli()
	var bans []store.FeedBan
	var err error
	switch {
	case ip != "":
		if len(ip) > maxValue {
			return nil, apperr.Invalid("ip", fmt.Sprintf("ip= is %d characters long; an IP address has at most %d.", len(ip), maxValue))
		}
		a, perr := ipaddr.ParseIP(ip)
		if perr != nil {
			return nil, perr
		}
		k := ipaddr.Key(a)
		bans, err = f.db.CoveringBans(ctx, k, k, floor(k, a.Is4()), now)
	case rng != "":
		if len(rng) > maxValue {
			return nil, apperr.Invalid("range", fmt.Sprintf("range= is %d characters long; a CIDR range has at most %d.", len(rng), maxValue))
		}
		t, perr := ipaddr.Parse(rng)
		if errors.Is(perr, ipaddr.ErrRangeTooBroad) && contains {
			return nil, nil // no ban is that broad, so none contains it
		}
		if perr != nil {
			var ae *apperr.Error
			if errors.As(perr, &ae) {
				ae.Field = "range"
			}
			return nil, perr
		}
		if contains {
			bans, err = f.db.CoveringBans(ctx, t.Lo(), t.Hi(), floor(t.Lo(), t.Addr().Is4()), now)
		} else {
			bans, err = f.db.BansWithin(ctx, t.Lo(), t.Hi(), now)
		}
	default:
		bans, err = f.db.ActiveBans(ctx, now)
	}
	if err != nil || len(bans) == 0 {
		return nil, err
	}
	out := make([]Decision, len(bans))
	for i, b := range bans {
		out[i] = active(b, now)
	}
	return out, nil
}

// floor is the lowest first address a ban covering k can have: k masked to
// the broadest range a ban may be (ipaddr.MinBitsIPv4 / MinBitsIPv6).
func floor(k [16]byte, is4 bool) [16]byte {
	bits := ipaddr.MinBitsIPv6
	if is4 {
		bits = 96 + ipaddr.MinBitsIPv4
	}
	for i := bits / 8; i < 16; i++ {
		k[i] = 0
	}
	return k
}
