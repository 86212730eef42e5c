package service_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"banlist/backend/apperr"
	"banlist/backend/service"
	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// What cannot be a server address is refused next to the field, naming what
// is missing, and the app stays on its file.
func TestConnectDatabaseRefusesBadAddresses(t *testing.T) {
	ctx := context.Background()
	db, _ := storetest.Open(t)
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	before, err := svc.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for address, want := range map[string]string{
		"":                                   "Enter the server's address",
		"/srv/team.db":                       "starts with postgres://",
		"postgres://banlist@/banlist":        "names no server",
		"postgres://banlist@db.example":      "names no database",
		"postgres://db.example:5432/banlist": "names no user",
		"postgres://banlist@db.example:99999999/banlist": "not valid",
	} {
		_, err := svc.ConnectDatabase(ctx, address)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Field != "address" || !strings.Contains(ae.Message, want) {
			t.Errorf("%q: %v, want a field error saying %q", address, err, want)
		}
	}
	info, err := svc.Info(ctx)
	if err != nil || info.Path != before.Path || info.Mode != before.Mode {
		t.Fatalf("after refusals: %+v, %v", info, err)
	}
}

// A server that is not there, or that refuses the login, is a clear message
// without the password; the app stays where it was.
func TestConnectDatabaseExplainsServerFailures(t *testing.T) {
	ctx := context.Background()
	db, _ := storetest.Open(t)
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	_, err := svc.ConnectDatabase(ctx, "postgres://banlist:s3cret@127.0.0.1:1/banlist?sslmode=disable&connect_timeout=2")
	if !errors.Is(err, store.ErrUnreachable) || !strings.Contains(err.Error(), "Cannot reach") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("unreachable: %v", err)
	}
	if dsn := pgtest.ServerDSN(t); dsn != "" {
		u, _ := url.Parse(dsn)
		u.Path = "/no_such_banlist_db"
		_, err = svc.ConnectDatabase(ctx, u.String())
		if !errors.Is(err, store.ErrNoSuchDB) || !strings.Contains(err.Error(), "does not exist on the server") {
			t.Fatalf("missing database: %v", err)
		}
	}
	if info, _ := svc.Info(ctx); info.Path != db.Path {
		t.Fatalf("the app left its file: %+v", info)
	}
}

// Connecting to a server switches the app to it: the switch is recorded in
// both databases without the password, and Info describes the server.
func TestConnectDatabaseSwitchesToTheServer(t *testing.T) {
	ctx := context.Background()
	db, _ := storetest.Open(t)
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	dsn := pgtest.DSN(t)
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "unused-by-trust")
	info, err := svc.ConnectDatabase(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode != "server" || info.FileSystem.Kind != store.FSServer || !strings.HasPrefix(info.FileSystem.Name, "PostgreSQL ") ||
		strings.Contains(info.Path, "unused-by-trust") || info.Size <= 0 {
		t.Fatalf("info on the server: %+v", info)
	}
	if info.LastSwitch == nil || strings.Contains(info.LastSwitch.Target, "unused-by-trust") ||
		!strings.Contains(info.LastSwitch.Detail, "Switched to this database (server) from "+db.Path) {
		t.Fatalf("the switch recorded on the server: %+v", info.LastSwitch)
	}
	_, err = svc.BackupDatabase(ctx, t.TempDir()+"/copy.db")
	var ae *apperr.Error
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, "pg_dump") {
		t.Fatalf("backup on a server: %v", err)
	}
}
