package bench

import (
	"cmp"
	"context"
	"database/sql"
	"math/rand/v2"
	"net/netip"
	"slices"

	"banlist/backend/ipaddr"
)

// Generating the report database's bans: addresses and ranges, active,
// expired and removed, each with its history.

// banSpec is one generated ban with its history.
type banSpec struct {
	target           string
	isRange          bool
	lo, hi           [16]byte
	period           string
	notes, by        string
	created, expires int64
	removed          int64 // 0: not removed
	renewedAt        int64 // 0: never renewed
}

var periods = []struct {
	name string
	ms   int64
}{{"1h", 3_600_000}, {"1d", 86_400_000}, {"1w", 7 * 86_400_000}, {"1mo", 30 * 86_400_000}}

// bans draws nBans bans: 10% ranges (IPv4 /24–/28, IPv6 /48–/64), the rest
// single addresses, first the abusers', then other customers'. About 60% are
// active at Epoch, 25% expired, 15% removed. Like the app, it never makes an
// active ban on a target that another active ban already covers.
func (g *reportGen) bans(nBans int, contactIPs []netip.Addr) ([]banSpec, int) {
	r := rand.New(rand.NewPCG(7, uint64(nBans)))
	now := Epoch.UnixMilli()
	var out []banSpec
	used := map[string]bool{}
	var activeRanges []netip.Prefix
	covered := func(a netip.Addr) bool {
		for _, p := range activeRanges {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	active := 0
	add := func(p netip.Prefix, isRange bool) {
		t, err := ipaddr.Parse(p.String())
		if err != nil || used[t.String()] {
			return
		}
		used[t.String()] = true
		b := banSpec{target: t.String(), isRange: isRange, lo: t.Lo(), hi: t.Hi(), by: agentNames[r.IntN(6)]}
		per := periods[r.IntN(len(periods))]
		b.period = per.name
		switch x := r.IntN(100); {
		case x < 60 && (isRange || !covered(p.Addr())):
			per = periods[2+r.IntN(2)]
			b.period = per.name
			b.created = now - r.Int64N(per.ms-60_000) - 1
			active++
			if isRange {
				activeRanges = append(activeRanges, p)
			}
		case x < 85:
			b.created = now - per.ms - r.Int64N(60*86_400_000)
		default:
			b.created = now - per.ms/2 - r.Int64N(60*86_400_000)
			b.removed = b.created + r.Int64N(per.ms/2)
		}
		b.expires = b.created + per.ms
		if r.IntN(10) == 0 && b.removed == 0 && b.expires > now { // renewed once
			b.renewedAt = b.created + r.Int64N(now-b.created)
			b.expires = b.renewedAt + per.ms
		}
		if r.IntN(3) == 0 {
			b.notes = "Abusive language towards agent " + agentNames[r.IntN(len(agentNames))]
		}
		out = append(out, b)
	}
	nRanges := nBans / 10
	for i := 0; len(out) < nRanges && i < 10*nRanges; i++ {
		if i%2 == 0 {
			a := randomV4(r)
			add(netip.PrefixFrom(a, 24+r.IntN(5)).Masked(), true)
		} else {
			a := randomV6(r)
			add(netip.PrefixFrom(a, 48+r.IntN(17)).Masked(), true)
		}
	}
	for _, ab := range g.abusers {
		if len(out) >= nBans {
			break
		}
		add(netip.PrefixFrom(ab.addr, ab.addr.BitLen()), false)
	}
	for i := 0; len(out) < nBans && i < 10*nBans; i++ {
		a := contactIPs[r.IntN(len(contactIPs))]
		add(netip.PrefixFrom(a, a.BitLen()), false)
	}
	// Ban ids follow creation time, as they do when supervisors make them.
	sortBans(out)
	return out, active
}

func sortBans(bs []banSpec) {
	slices.SortStableFunc(bs, func(a, b banSpec) int { return cmp.Compare(a.created, b.created) })
}

// insertBans writes the bans and their events (banned, renewed, unbanned).
func insertBans(ctx context.Context, conn *sql.Conn, bans []banSpec) error {
	banStmt, err := conn.PrepareContext(ctx, `INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by,
		created_at, expires_at, removed_at, removed_by, renewals) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`)
	if err != nil {
		return err
	}
	defer banStmt.Close()
	evStmt, err := conn.PrepareContext(ctx, `INSERT INTO ban_events(ban_id, target, kind, actor, at, period, notes, expires_at)
		VALUES (?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer evStmt.Close()
	for _, b := range bans {
		var removed any
		removedBy, renewals := "", 0
		if b.removed != 0 {
			removed, removedBy = b.removed, b.by
		}
		firstEnd := b.expires
		if b.renewedAt != 0 {
			renewals = 1
			firstEnd = b.created + (b.expires - b.renewedAt)
		}
		var id int64
		if err := banStmt.QueryRowContext(ctx, b.target, b.isRange, b.lo[:], b.hi[:], b.period, b.notes, b.by,
			b.created, b.expires, removed, removedBy, renewals).Scan(&id); err != nil {
			return err
		}
		if _, err := evStmt.ExecContext(ctx, id, b.target, "banned", b.by, b.created, b.period, b.notes, firstEnd); err != nil {
			return err
		}
		if b.renewedAt != 0 {
			if _, err := evStmt.ExecContext(ctx, id, b.target, "renewed", b.by, b.renewedAt, b.period, "", b.expires); err != nil {
				return err
			}
		}
		if b.removed != 0 {
			if _, err := evStmt.ExecContext(ctx, id, b.target, "unbanned", b.by, b.removed, b.period, "", nil); err != nil {
				return err
			}
		}
	}
	return nil
}
