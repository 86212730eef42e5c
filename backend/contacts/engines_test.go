package contacts_test

import (
	"testing"

	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// engine is a database the report's tests run on. Each test that reads or
// writes contacts runs on an SQLite file and on PostgreSQL (pgtest skips
// without a test server): that both give the same answers is what shows
// the two engines' statements mean the same.
type engine struct {
	name string
	open func(testing.TB) (*store.DB, *clock.Fixed)
}

var engines = []engine{
	{"sqlite", storetest.Open},
	{"postgres", pgtest.Open},
}

// onEngines runs test once on each engine, as a subtest named after it.
func onEngines(t *testing.T, test func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { test(t, e) })
	}
}

// store returns a contacts store on a fresh database of this engine.
func (e engine) store(t testing.TB) *contacts.Store {
	t.Helper()
	db, _ := e.open(t)
	return contacts.New(db)
}
