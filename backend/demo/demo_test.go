package demo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/demo"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

func TestContactsAreDeterministicAndRealistic(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	a, b := demo.Contacts(now, 500), demo.Contacts(now, 500)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same inputs gave different contacts")
	}
	v6, repeat := 0, map[string]int{}
	for i, c := range a {
		if c.StartedAt.After(now) || c.StartedAt.Before(now.Add(-90*24*time.Hour)) {
			t.Fatalf("contact %d starts at %v, outside the last 90 days", i, c.StartedAt)
		}
		if c.EndedAt == nil || c.EndedAt.Before(c.StartedAt) {
			t.Fatalf("contact %d ends before it starts", i)
		}
		if len(c.IP) > 15 {
			v6++
		}
		repeat[c.IP]++
	}
	if v6 == 0 {
		t.Error("no IPv6 customers")
	}
	if repeat[demo.Abusers[0].IP] < 5 {
		t.Errorf("the first abuser came back only %d times", repeat[demo.Abusers[0].IP])
	}
	if a[0].IP != demo.Abusers[0].IP {
		t.Error("the newest contact is not the repeat offender")
	}
}

// On both engines: the claim in settings is ON CONFLICT DO NOTHING, and the
// bulk insert takes each engine's path.
func TestSeedLoadsOnceAndNeverIntoAUsedDatabase(t *testing.T) {
	for _, e := range []struct {
		name string
		open func(testing.TB) (*store.DB, *clock.Fixed)
	}{{"sqlite", storetest.Open}, {"postgres", pgtest.Open}} {
		t.Run(e.name, func(t *testing.T) {
			db, clk := e.open(t)
			ctx := context.Background()
			loaded, err := demo.SeedIfEmpty(ctx, db, clk.Now(), 50)
			if err != nil || !loaded {
				t.Fatalf("first seed: loaded=%v err=%v", loaded, err)
			}
			if err := db.Exec("DELETE FROM contacts").Error; err != nil {
				t.Fatal(err)
			}
			// A database whose demo data was deleted by its owner is not refilled.
			loaded, err = demo.SeedIfEmpty(ctx, db, clk.Now(), 50)
			if err != nil || loaded {
				t.Fatalf("second seed: loaded=%v err=%v", loaded, err)
			}
		})
	}
}
