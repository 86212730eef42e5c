package lapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"banlist/backend/clock"
	"banlist/backend/httpapi"
	"banlist/backend/lapi"
	"banlist/backend/service"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// env is the real router on a fresh database with a fixed clock, and one
// bouncer key.
type env struct {
	t   *testing.T
	svc *service.Service
	clk *clock.Fixed
	srv *httptest.Server
	key string
	db  *store.DB
}

func newEnv(t *testing.T, opts httpapi.Options) *env {
	t.Helper()
	db, clk := storetest.Open(t)
	svc := service.New(context.Background(), db, nil)
	srv := httptest.NewServer(httpapi.New(svc, fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}, opts))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	e := &env{t: t, svc: svc, clk: clk, srv: srv, db: db}
	e.key = e.addBouncer("fw1")
	return e
}

func (e *env) addBouncer(name string) string {
	e.t.Helper()
	nb, err := e.svc.AddBouncer(context.Background(), name)
	if err != nil {
		e.t.Fatalf("add bouncer %s: %v", name, err)
	}
	return nb.Key
}

// do sends method path with the key (none if key is "") and returns the
// status and body.
func (e *env) do(method, path, key string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set(lapi.KeyHeader, key)
	}
	req.Header.Set("User-Agent", "crowdsec-firewall-bouncer/v0.0.25-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// pull does a stream pull with e's key and decodes it, failing on any
// status but 200 or a missing list.
func (e *env) pull(query string) lapi.Stream {
	e.t.Helper()
	return e.pullWith(e.key, query)
}

func (e *env) pullWith(key, query string) lapi.Stream {
	e.t.Helper()
	status, body := e.do("GET", "/v1/decisions/stream?"+query, key)
	if status != 200 {
		e.t.Fatalf("stream ?%s: %d %s", query, status, body)
	}
	if !strings.Contains(body, `"new":[`) || !strings.Contains(body, `"deleted":[`) {
		e.t.Fatalf("stream ?%s: both lists must be arrays, got %s", query, body)
	}
	var s lapi.Stream
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) ban(target, period, notes string) int64 {
	e.t.Helper()
	b, err := e.svc.BanIP(context.Background(), target, period, notes)
	if err != nil {
		e.t.Fatalf("ban %s: %v", target, err)
	}
	return b.ID
}

// values lists the decisions' values, in order.
func values(ds []lapi.Decision) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Value)
	}
	return out
}

func find(ds []lapi.Decision, value string) (lapi.Decision, bool) {
	for _, d := range ds {
		if d.Value == value {
			return d, true
		}
	}
	return lapi.Decision{}, false
}
