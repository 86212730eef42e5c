package bans

import (
	"net/netip"

	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// insertBan blocks t inside tx, recording actor and the door it came
// through (source), unless an active ban on t or on a range
// containing it exists at now (then CodeAlreadyBlocked with that ban).
func insertBan(tx *store.Tx, t ipaddr.Target, p Period, notes, actor, source string, now int64) (Ban, error) {
	name := t.String()
	if cover, found, err := coveringBan(tx, t, now, 0); err != nil || found {
		if err == nil {
			err = alreadyBlocked(name, cover, now)
		}
		return Ban{}, err
	}
	row, err := tx.InsertBan(store.Ban{
		Target: name, IsRange: t.IsRange, Period: string(p), Notes: notes,
		CreatedBy: actor, CreatedAt: now, ExpiresAt: p.Add(msTime(now)).UnixMilli(),
	}, t.Lo(), t.Hi())
	if err != nil {
		return Ban{}, err
	}
	if err := tx.InsertBanEvent(store.BanEvent{
		BanID: row.ID, Target: name, Kind: EventBanned, Actor: actor, At: now,
		Period: row.Period, Notes: notes, ExpiresAt: &row.ExpiresAt, Source: source,
	}); err != nil {
		return Ban{}, err
	}
	return toBan(row, now), nil
}

// coveringBan finds the ban active at now on t or on a range containing it,
// other than ban except (0 for none): one on t itself first, then the one
// that lasts longest.
func coveringBan(tx *store.Tx, t ipaddr.Target, now, except int64) (store.Ban, bool, error) {
	return tx.CoveringBan(t.String(), coverLos(t), t.Hi(), now, except)
}

// coverLos lists the first addresses a ban covering t can have: a ban is a
// CIDR block stored with its network address as lo, so a block containing t
// is t masked to one of the prefix lengths Parse accepts, up to t's own.
// Looking these up one by one in the index costs the same however many bans
// sit near t (scanning every lo between the broadest mask and t did not: an
// import of 10,000 addresses in one /16 became quadratic).
func coverLos(t ipaddr.Target) [][16]byte {
	a := t.Prefix.Addr()
	bits := ipaddr.MinBitsIPv6
	if a.Is4() {
		bits = ipaddr.MinBitsIPv4
	}
	out := make([][16]byte, 0, t.Prefix.Bits()-bits+1)
	var last [16]byte
	for l := bits; l <= t.Prefix.Bits(); l++ {
		lo := netip.PrefixFrom(a, l).Masked().Addr().As16()
		if len(out) > 0 && lo == last {
			continue
		}
		last = lo
		out = append(out, lo)
	}
	return out
}
