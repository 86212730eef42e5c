package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

// sharedServer serves a fresh shared (rollback-journal) database file.
func sharedServer(t *testing.T) (*service.Service, string) {
	t.Helper()
	db, _ := storetest.OpenAt(t, filepath.Join(t.TempDir(), "team.db"), true)
	svc := service.New(context.Background(), db, nil)
	t.Cleanup(func() { _ = svc.Close() })
	return svc, newServerOn(t, svc, httpapi.Options{}).URL
}

func banLines(n int) string {
	var b strings.Builder
	b.WriteString("ip,period,notes\n")
	for i := range n {
		fmt.Fprintf(&b, "198.18.%d.%d,1d,line %d\n", i/250, i%250+1, i)
	}
	return b.String()
}

// cancelMidImport posts body to path and cancels the request (the client
// goes away) once the server reports the import saving, part way through.
// It returns the last progress seen before the cancel.
func cancelMidImport(t *testing.T, svc *service.Service, url, path string, body any, kind string) service.ImportProgress {
	t.Helper()
	data, _ := json.Marshal(body)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", url+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			err = fmt.Errorf("the import answered %d before it could be cancelled", res.StatusCode)
		}
		done <- err
	}()
	var seen service.ImportProgress
	deadline := time.Now().Add(60 * time.Second)
	for {
		p, _ := svc.ImportProgress(context.Background())
		if p.Kind == kind && p.Running && p.Phase == "saving" && p.Done > 0 && p.Done < p.Total {
			seen = p
			break
		}
		select {
		case err := <-done:
			t.Fatalf("before a mid-import moment was seen: %v (last progress %+v)", err, p)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress seen; last %+v", p)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("client: %v", err)
	}
	// Wait for the server to give up and roll back.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if p, _ := svc.ImportProgress(context.Background()); !p.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import kept running after the client left")
		}
	}
	return seen
}

func TestBansImportIsAllOrNothingWhenTheClientLeaves(t *testing.T) {
	svc, url := sharedServer(t)
	seen := cancelMidImport(t, svc, url, "/api/v1/bans/import", map[string]string{"csv": banLines(10000)}, "bans")
	t.Logf("cancelled at %d of %d lines", seen.Done, seen.Total)
	info, err := svc.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Bans != 0 {
		t.Fatalf("%d bans were left from a cancelled import", info.Bans)
	}
	if c, _ := svc.Check(context.Background(), "198.18.0.1"); c.Blocked {
		t.Fatal("the first line of the cancelled import is enforced")
	}
	// The file then imports in full, and a retry rejects each line as
	// already blocked instead of adding anything.
	status, body := postJSON(t, url+"/api/v1/bans/import", map[string]string{"csv": banLines(2000)})
	if status != 200 || !strings.HasPrefix(body, `{"imported":2000,"rejected":[]}`) {
		t.Fatalf("import: %d %.200s", status, body)
	}
	status, body = postJSON(t, url+"/api/v1/bans/import", map[string]string{"csv": banLines(3)})
	if status != 200 || !strings.Contains(body, `"imported":0`) || strings.Count(body, "already blocked") != 3 {
		t.Fatalf("retry: %d %.300s", status, body)
	}
}

func TestContactsImportIsAllOrNothingWhenTheClientLeaves(t *testing.T) {
	svc, url := sharedServer(t)
	var b strings.Builder
	b.WriteString("started_at,ip,visitor_name,agent\n")
	for i := range 60000 {
		fmt.Fprintf(&b, "2026-11-20T10:%02d:00Z,192.0.%d.%d,Visitor %d,Alice\n", i%60, i/250%250, i%250+1, i)
	}
	seen := cancelMidImport(t, svc, url, "/api/v1/contacts/import", map[string]string{"name": "c.csv", "content": b.String()}, "contacts")
	t.Logf("cancelled at %d of %d rows", seen.Done, seen.Total)
	info, err := svc.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Contacts != 0 {
		t.Fatalf("%d contacts were left from a cancelled import", info.Contacts)
	}
}

func postJSON(t *testing.T, url string, body any) (int, string) {
	t.Helper()
	data, _ := json.Marshal(body)
	res, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	return res.StatusCode, out.String()
}
