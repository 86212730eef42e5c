package bans

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"testing"

	"gorm.io/gorm"

	"banlist/backend/ipaddr"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// benchBans is how many active bans the benchmarks load.
const benchBans = 100_000

// seed writes n active bans straight into the table, 10% of them ranges,
// half IPv4 and half IPv6, and returns probe addresses: a third exact hits,
// a third inside ranges, a third (mostly) misses.
func seed(tb testing.TB, db *store.DB, n int) []string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(42, 42))
	v6base := netip.MustParseAddr("2001:db8::").As16()
	randAddr := func(v6 bool) netip.Addr {
		if !v6 {
			return netip.AddrFrom4([4]byte{byte(1 + rng.IntN(222)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		}
		b := v6base
		for i := 4; i < 16; i++ {
			b[i] = byte(rng.IntN(256))
		}
		return netip.AddrFrom16(b)
	}
	var hits, inRange []string
	now := storetest.Epoch.UnixMilli()
	ends := Week.Add(storetest.Epoch).UnixMilli()
	const batch = 500
	var sqlText string
	var args []any
	flush := func(tx *gorm.DB) error {
		if len(args) == 0 {
			return nil
		}
		err := tx.Exec(`INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by, created_at, expires_at)
			VALUES `+sqlText[1:], args...).Error
		sqlText, args = "", args[:0]
		return err
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		for i := 0; i < n; i++ {
			v6 := i%2 == 1
			a := randAddr(v6)
			p := netip.PrefixFrom(a, a.BitLen())
			if i%10 == 0 {
				bits := 16 + rng.IntN(16)
				if v6 {
					bits = 32 + rng.IntN(96)
				}
				p = netip.PrefixFrom(a, bits).Masked()
			}
			t, err := ipaddr.Parse(p.String())
			if err != nil {
				return err
			}
			lo, hi := t.Lo(), t.Hi()
			sqlText += ",(?, ?, ?, ?, '1w', '', 'bench', ?, ?)"
			args = append(args, t.String(), t.IsRange, lo[:], hi[:], now, ends)
			if (i+1)%batch == 0 {
				if err := flush(tx); err != nil {
					return err
				}
			}
			if t.IsRange {
				inRange = append(inRange, a.String())
			} else {
				hits = append(hits, a.String())
			}
		}
		return flush(tx)
	})
	if err != nil {
		tb.Fatal(err)
	}
	probes := make([]string, 0, 4096)
	for len(probes) < cap(probes) {
		switch len(probes) % 3 {
		case 0:
			probes = append(probes, hits[rng.IntN(len(hits))])
		case 1:
			probes = append(probes, inRange[rng.IntN(len(inRange))])
		default:
			probes = append(probes, randAddr(rng.IntN(2) == 0).String())
		}
	}
	return probes
}

// BenchmarkCheck looks up addresses among 100k active bans (10% ranges,
// IPv4 and IPv6; a third of the probes exact hits, a third inside ranges, a
// third misses), from one goroutine and from all CPUs.
func BenchmarkCheck(b *testing.B) {
	db, _ := storetest.Open(b)
	probes := seed(b, db, benchBans)
	svc := New(db, nil)
	ctx := context.Background()
	svc.Start(ctx)
	b.Cleanup(func() { _ = svc.Close() })
	blocked := 0
	for _, p := range probes { // the first Check loads the index
		r, err := svc.Check(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if r.Blocked {
			blocked++
		}
	}
	if blocked < len(probes)*2/3 {
		b.Fatalf("only %d of %d probes blocked", blocked, len(probes))
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := svc.Check(ctx, probes[i%len(probes)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(probes))
			for pb.Next() {
				if _, err := svc.Check(ctx, probes[i%len(probes)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkIndexLoad measures a full reload, what each change costs.
func BenchmarkIndexLoad(b *testing.B) {
	db, _ := storetest.Open(b)
	seed(b, db, benchBans)
	svc := New(db, nil)
	ctx := context.Background()
	now := svc.nowMs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.load(ctx, nil, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapFloor is a plain map lookup of the address text, the least a
// lookup could cost, for comparison with BenchmarkCheck.
func BenchmarkMapFloor(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := make(map[string]int64, benchBans)
	var keys []string
	for i := 0; i < benchBans; i++ {
		a := netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		m[a.String()] = int64(i)
		if i%25 == 0 {
			keys = append(keys, a.String(), netip.AddrFrom4([4]byte{1, 2, 3, byte(i)}).String())
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	sink := int64(0)
	for i := 0; b.Loop(); i++ {
		sink += m[keys[i%len(keys)]]
	}
	_ = sink
}
