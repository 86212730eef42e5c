package service_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/actor"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

// The desktop door marks its calls with the desktop source; the service
// names the operator, and the record lands in the file switched to.
func TestDesktopSwitchIsRecordedWithTheOperator(t *testing.T) {
	storetest.SQLiteOnly(t) // switching between files; servers: TestConnectDatabaseSwitchesToTheServer
	ctx := context.Background()
	db, _ := storetest.Open(t)
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	if _, err := svc.SetOperator(ctx, "Rui at the desk"); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(t.TempDir(), "next.db")
	info, err := svc.CreateDatabase(actor.With(ctx, actor.Actor{Source: actor.Desktop}), next, false)
	if err != nil {
		t.Fatal(err)
	}
	r := info.LastSwitch
	if r == nil || r.Actor != "Rui at the desk" || r.Source != "desktop" || r.Remote != "" || r.Target != next ||
		!strings.Contains(r.Detail, "from "+db.Path) {
		t.Fatalf("last switch = %+v", r)
	}
	// Back to the first file: its newest record is now the switch back, and
	// the one before says where the app went.
	info, err = svc.OpenDatabase(actor.With(ctx, actor.Actor{Source: actor.Desktop}), db.Path, false)
	if err != nil {
		t.Fatal(err)
	}
	if info.LastSwitch == nil || !strings.Contains(info.LastSwitch.Detail, "Switched to this database (local) from "+next) {
		t.Fatalf("after switching back: %+v", info.LastSwitch)
	}
	if !info.DatabaseSwitch {
		t.Fatal("the service itself allows switching; only the browser door forbids it")
	}
}
