package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

func TestDatabaseSwitchIsOffWithoutTheFlag(t *testing.T) {
	srv := newSecured(t, httpapi.Options{})
	dir := t.TempDir()
	existing := filepath.Join(dir, "other.db")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, body string }{
		{"/api/v1/database/open", `{"path":"` + existing + `"}`},
		{"/api/v1/database/open", `{"path":"/etc/passwd"}`},
		{"/api/v1/database/create", `{"path":"` + filepath.Join(dir, "new.db") + `","shared":false}`},
		{"/api/v1/database/connect", `{"address":"postgres://banlist@127.0.0.1:1/banlist"}`},
	} {
		status, body := do(t, srv, "POST", c.path, c.body, nil)
		if status != 403 || !strings.Contains(body, "--allow-database-switch") || strings.Contains(body, "does not exist") || strings.Contains(body, "passwd") {
			t.Errorf("%s %s: %d %s", c.path, c.body, status, body)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused create left a file: %v", err)
	}
	_, body := do(t, srv, "GET", "/api/v1/info", "", nil)
	var info service.Info
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatal(err)
	}
	if info.DatabaseSwitch || !strings.Contains(info.DatabaseSwitchNote, "--allow-database-switch") {
		t.Fatalf("info says %+v", info)
	}
}

func TestDatabaseSwitchIsRecordedInBothFiles(t *testing.T) {
	ctx := context.Background()
	db, _ := storetest.Open(t)
	oldPath := db.Path
	svc := service.New(ctx, db, nil)
	if _, err := svc.SetOperator(ctx, "Dana Supervisor"); err != nil {
		t.Fatal(err)
	}
	srv := newServerOn(t, svc, httpapi.Options{AllowDatabaseSwitch: true})
	newPath := filepath.Join(t.TempDir(), "team.db")
	status, body := do(t, srv, "POST", "/api/v1/database/create", `{"path":"`+newPath+`","shared":true}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %s", status, body)
	}
	var info service.Info
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatal(err)
	}
	if !info.DatabaseSwitch || info.Path != newPath || info.LastSwitch == nil || info.LastSwitch.Actor != "Dana Supervisor" {
		t.Fatalf("info after the switch: %+v", info)
	}
	_ = svc.Close()
	// Read both files afresh, as another process would.
	for _, c := range []struct{ path, detail string }{{newPath, "from " + oldPath}, {oldPath, "to " + newPath}} {
		d, err := store.Open(ctx, store.Options{Path: c.path, Shared: c.path == newPath})
		if err != nil {
			t.Fatal(err)
		}
		recs, _, err := d.ListAudit(ctx, store.AuditQuery{Kind: service.AuditDatabaseSwitched, Limit: 10})
		_ = d.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("%s holds %d switch records: %+v", c.path, len(recs), recs)
		}
		r := recs[0]
		if r.Actor != "Dana Supervisor" || r.Source != "browser" || !strings.HasPrefix(r.Remote, "127.0.0.1:") ||
			r.Target != newPath || !strings.Contains(r.Detail, c.detail) || r.At != storetest.Epoch.UnixMilli() {
			t.Errorf("%s: record %+v", c.path, r)
		}
	}
}

// Back up now writes a file on the server: off, like a database switch,
// unless the server allows it.
func TestBackupFromTheBrowserNeedsTheSwitchFlag(t *testing.T) {
	storetest.SQLiteOnly(t) // a server is backed up with pg_dump
	dir := t.TempDir()
	for _, allow := range []bool{false, true} {
		srv := newSecured(t, httpapi.Options{AllowDatabaseSwitch: allow})
		target := filepath.Join(dir, fmt.Sprintf("copy-%v.db", allow))
		code, body := do(t, srv, "POST", "/api/v1/database/backup", fmt.Sprintf(`{"path":%q}`, target), nil)
		_, statErr := os.Stat(target)
		if !allow && (code != 403 || !strings.Contains(body, "--allow-database-switch") || statErr == nil) {
			t.Errorf("without the flag: %d %s, file written: %v", code, body, statErr == nil)
		}
		if allow && (code != 200 || statErr != nil) {
			t.Errorf("with the flag: %d %s, file: %v", code, body, statErr)
		}
	}
}
