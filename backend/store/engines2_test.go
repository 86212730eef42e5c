package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"banlist/backend/clock"
	"banlist/backend/store"
)

func testDecisions(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	long := strings.Repeat("n", 250)
	single := fixtureBan(t, db, "203.0.113.7", long, epochMs-hour, epochMs+hour, nil)
	wide := fixtureBan(t, db, "203.0.113.0/24", "", epochMs-hour, epochMs+3*hour, nil)
	fixtureBan(t, db, "198.51.100.1", "", epochMs-2*hour, epochMs-hour, nil) // expired
	removed := fixtureBan(t, db, "198.51.100.2", "", epochMs-hour, epochMs+hour, ptr(epochMs-1))
	stamp, err := db.BanStamp(ctx)
	if err != nil || stamp != 4 {
		t.Fatalf("BanStamp = %d, %v", stamp, err)
	}
	active, err := db.ActiveBans(ctx, epochMs)
	if err != nil || len(active) != 2 || active[0].ID != single || active[1].ID != wide || !active[1].IsRange || active[0].IsRange {
		t.Fatalf("ActiveBans: %+v, %v", active, err)
	}
	if n := len(active[0].Notes); n != 200 {
		t.Errorf("feed notes are %d characters, want the first 200", n)
	}
	// A renewal of the single ban after the stamp: TouchedBans gives the
	// expiry it had as of the stamp.
	if err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Gorm().Exec(`UPDATE bans SET expires_at = ? WHERE id = ?`, epochMs+5*hour, single).Error; err != nil {
			return err
		}
		return fixtureEvent(tx, single, "203.0.113.7", "renewed", epochMs, ptr(epochMs+5*hour))
	}); err != nil {
		t.Fatal(err)
	}
	touched, err := db.TouchedBans(ctx, stamp, stamp+1)
	if err != nil || len(touched) != 1 || touched[0].ID != single || touched[0].ExpiresAt != epochMs+5*hour ||
		touched[0].PrevExpires == nil || *touched[0].PrevExpires != epochMs+hour {
		t.Fatalf("TouchedBans: %+v, %v", touched, err)
	}
	touched, _ = db.TouchedBans(ctx, 0, stamp)
	if len(touched) != 4 || touched[3].ID != removed || touched[3].RemovedAt == nil || touched[0].PrevExpires != nil {
		t.Errorf("TouchedBans from the start: %+v", touched)
	}
	ending, err := db.EndingBans(ctx, epochMs, epochMs+3*hour)
	if err != nil || len(ending) != 1 || ending[0].ID != wide {
		t.Errorf("EndingBans: %+v, %v", ending, err)
	}
	one := target(t, "203.0.113.7")
	floor := target(t, "203.0.0.0/16").Lo()
	covering, err := db.CoveringBans(ctx, one.Lo(), one.Hi(), floor, epochMs)
	if err != nil || len(covering) != 2 {
		t.Errorf("CoveringBans of 203.0.113.7: %+v, %v", covering, err)
	}
	net := target(t, "203.0.113.0/24")
	within, err := db.BansWithin(ctx, net.Lo(), net.Hi(), epochMs)
	if err != nil || len(within) != 2 {
		t.Errorf("BansWithin 203.0.113.0/24: %+v, %v", within, err)
	}
	small := target(t, "203.0.113.0/25")
	if within, _ := db.BansWithin(ctx, small.Lo(), small.Hi(), epochMs); len(within) != 1 || within[0].ID != single {
		t.Errorf("BansWithin the /25: %+v", within)
	}
}

func testHistory(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	day := 24 * hour
	fixtureBan(t, db, "203.0.113.7", "", epochMs-10*day, epochMs-9*day, nil)
	fixtureBan(t, db, "203.0.113.7", "", epochMs-day, epochMs+day, nil)
	fixtureBan(t, db, "203.0.113.9", "", epochMs-2*day, epochMs+day, ptr(epochMs-day))
	fixtureBan(t, db, "203.0.113.0/28", "", epochMs-3*day, epochMs-2*day, nil)
	past, err := db.BansOfTargetSince(ctx, "203.0.113.7", epochMs-30*day)
	if err != nil || len(past) != 2 || past[0].CreatedAt != epochMs-day || past[1].Period != "1d" {
		t.Errorf("BansOfTargetSince: %+v, %v", past, err)
	}
	net := target(t, "203.0.113.0/24")
	if n, err := db.CountBansWithinSince(ctx, net.Lo(), net.Hi(), epochMs-5*day); err != nil || n != 3 {
		t.Errorf("CountBansWithinSince: %d, %v", n, err)
	}
	counts, err := db.EarlierBanCounts(ctx, []string{"203.0.113.7", "203.0.113.9", "203.0.113.0/28", "192.0.2.1"}, epochMs)
	if err != nil || len(counts) != 3 || counts["203.0.113.7"] != 1 || counts["203.0.113.9"] != 1 || counts["203.0.113.0/28"] != 1 {
		t.Errorf("EarlierBanCounts: %v, %v", counts, err)
	}
	if c, err := db.EarlierBanCounts(ctx, nil, epochMs); err != nil || len(c) != 0 {
		t.Errorf("no targets: %v %v", c, err)
	}
	ip := "198.51.100.20"
	fixtureContact(t, db, ip, "Ann", "ann@example.com", epochMs-hour)
	fixtureContact(t, db, ip, "ANN B", " ANN@Example.com ", epochMs-2*hour) // same email, other case
	fixtureContact(t, db, ip, "Zoë", "", epochMs-hour)
	fixtureContact(t, db, ip, "ZOË", "", epochMs-hour) // Ë is not ASCII: another name, as SQLite's lower() sees it
	fixtureContact(t, db, ip, " ", "", epochMs-hour)   // neither: not counted
	fixtureContact(t, db, ip, "Old", "", epochMs-30*day)
	fixtureContact(t, db, "198.51.100.21", "Other", "", epochMs-hour)
	n, err := db.DistinctCustomersSince(ctx, target(t, ip).Lo(), epochMs-day)
	if err != nil || n != 3 {
		t.Errorf("DistinctCustomersSince = %d, %v; want ann@, zoë, zoË", n, err)
	}
}

var errUndo = errors.New("undo")

func testWrite(t *testing.T, db *store.DB, _ *clock.Fixed) {
	ctx := context.Background()
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('a', '1')`).Error; err != nil {
			return err
		}
		return errUndo
	})
	if !errors.Is(err, errUndo) {
		t.Fatalf("Write: %v", err)
	}
	if err := db.CheckWritable(ctx); err != nil {
		t.Fatalf("CheckWritable: %v", err)
	}
	var n int64
	if err := db.Raw(`SELECT count(*) FROM settings`).Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("settings rows after a rolled-back write and the probe: %d, %v", n, err)
	}
	// A failed statement inside the transaction rolls back the whole of it,
	// and the connection is usable afterwards.
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('b', '1')`).Error; err != nil {
			return err
		}
		return tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('b', '2')`).Error
	})
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Errorf("duplicate key inside a write: %v", err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('c', '1')`).Error
	}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := db.Raw(`SELECT key FROM settings ORDER BY key`).Scan(&keys).Error; err != nil || strings.Join(keys, ",") != "c" {
		t.Errorf("settings: %v, %v", keys, err)
	}
}
