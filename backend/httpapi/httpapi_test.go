package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"banlist/backend/demo"
	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

// newServer starts the real router on a fresh database with the demo data.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, clk := storetest.Open(t)
	if _, err := demo.SeedIfEmpty(context.Background(), db, clk.Now(), 200); err != nil {
		t.Fatal(err)
	}
	ui := fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><title>banlist</title>")},
		"assets/app-123.js": {Data: []byte("console.log(1)")},
	}
	svc := service.New(context.Background(), db, nil)
	srv := httptest.NewServer(httpapi.New(svc, ui, httpapi.Options{}))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	return srv
}

type scenario struct {
	name       string
	method     string
	url        string
	body       string
	wantStatus int
	wantBody   []string // substrings that must appear
	notBody    []string // substrings that must not appear
}

func run(t *testing.T, srv *httptest.Server, sc scenario) {
	t.Helper()
	t.Run(sc.name, func(t *testing.T) {
		var body io.Reader
		if sc.body != "" {
			body = strings.NewReader(sc.body)
		}
		req, err := http.NewRequest(sc.method, srv.URL+sc.url, body)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != sc.wantStatus {
			t.Fatalf("status %d, want %d; body %s", res.StatusCode, sc.wantStatus, b)
		}
		for _, s := range sc.wantBody {
			if !strings.Contains(string(b), s) {
				t.Errorf("body lacks %q: %s", s, b)
			}
		}
		for _, s := range sc.notBody {
			if strings.Contains(string(b), s) {
				t.Errorf("body has %q: %s", s, b)
			}
		}
	})
}

func TestContactsAPI(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "first page", method: "GET", url: "/api/v1/contacts?pageSize=5", wantStatus: 200, wantBody: []string{`"total":200`, `"pageSize":5`}},
		{name: "search by IP", method: "GET", url: "/api/v1/contacts?search=203.0.113.45", wantStatus: 200, wantBody: []string{`"ip":"203.0.113.45"`}, notBody: []string{`"total":0`}},
		{name: "search with LIKE wildcards finds nothing", method: "GET", url: "/api/v1/contacts?search=%25_%25", wantStatus: 200, wantBody: []string{`"total":0`}},
		{name: "bad sort", method: "GET", url: "/api/v1/contacts?sort=password", wantStatus: 400, wantBody: []string{`"code":"invalid"`, `"field":"sort"`}},
		{name: "bad page size", method: "GET", url: "/api/v1/contacts?pageSize=100000", wantStatus: 400, wantBody: []string{`"field":"pageSize"`}},
		{name: "page not a number", method: "GET", url: "/api/v1/contacts?page=two", wantStatus: 400, wantBody: []string{`"field":"page"`}},
		{name: "bad date", method: "GET", url: "/api/v1/contacts?from=yesterday", wantStatus: 400, wantBody: []string{`"field":"from"`}},
		{name: "one contact", method: "GET", url: "/api/v1/contacts/1", wantStatus: 200, wantBody: []string{`"id":1`}},
		{name: "unknown contact", method: "GET", url: "/api/v1/contacts/999999", wantStatus: 404, wantBody: []string{`"code":"not_found"`, "Contact 999999 does not exist"}},
		{name: "id not a number", method: "GET", url: "/api/v1/contacts/1%20OR%201=1", wantStatus: 400, wantBody: []string{`"field":"id"`}},
		{name: "agents", method: "GET", url: "/api/v1/agents", wantStatus: 200, wantBody: []string{"Alice Martins"}},
		{name: "info", method: "GET", url: "/api/v1/info", wantStatus: 200, wantBody: []string{`"mode":"` + localMode() + `"`, `"contacts":200`}},
		{name: "oversized body is refused, not truncated", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.1","period":"1h","notes":"` + strings.Repeat("x", 2<<20) + `"}`, wantStatus: 413, wantBody: []string{`"code":"too_large"`}},
		{name: "notes over 1000 characters", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.1","period":"1h","notes":"` + strings.Repeat("é", 1001) + `"}`, wantStatus: 400, wantBody: []string{`"field":"notes"`}},
		{name: "unknown JSON field", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.1","period":"1h","admin":true}`, wantStatus: 400, wantBody: []string{`"field":"admin"`}},
		{name: "unknown API route is JSON 404", method: "GET", url: "/api/v1/nope", wantStatus: 404, wantBody: []string{`"code":"not_found"`}},
		{name: "SPA fallback serves index for deep links", method: "GET", url: "/contacts/5", wantStatus: 200, wantBody: []string{"<title>banlist</title>"}},
		{name: "static asset", method: "GET", url: "/assets/app-123.js", wantStatus: 200, wantBody: []string{"console.log"}},
	} {
		run(t, srv, sc)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := newServer(t)
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP = %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("missing nosniff")
	}
}

func TestContactsPageIsNewestFirst(t *testing.T) {
	srv := newServer(t)
	res, err := http.Get(srv.URL + "/api/v1/contacts?pageSize=50")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Items []struct {
			StartedAt string `json:"startedAt"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(page.Items); i++ {
		if page.Items[i].StartedAt > page.Items[i-1].StartedAt {
			t.Fatalf("row %d (%s) is newer than row %d (%s)", i, page.Items[i].StartedAt, i-1, page.Items[i-1].StartedAt)
		}
	}
}

// localMode is the mode Info reports for the test's own database: a local
// file, or a server in the PostgreSQL run.
func localMode() string {
	if storetest.Postgres() {
		return "server"
	}
	return "local"
}
