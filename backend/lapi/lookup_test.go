package lapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"banlist/backend/httpapi"
	"banlist/backend/lapi"
)

func TestLookupAnswersCoveringBansOrNull(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.ban("198.51.100.0/24", "1d", "range")
	e.ban("203.0.113.5", "1h", "one")
	cases := []struct {
		query string
		want  []string // nil: the literal null
	}{
		{"ip=198.51.100.7", []string{"198.51.100.0/24"}},
		{"ip=203.0.113.5", []string{"203.0.113.5"}},
		{"ip=203.0.113.6", nil},
		{"ip=%3A%3Affff%3A203.0.113.5", []string{"203.0.113.5"}},
		{"scope=ip&value=198.51.100.200", []string{"198.51.100.0/24"}},
		{"scope=Range&value=198.51.100.0/25", []string{"198.51.100.0/24"}},
		{"range=198.51.100.0/24", []string{"198.51.100.0/24"}},
		{"range=203.0.113.0/24&contains=false", []string{"203.0.113.5"}},
		{"range=10.0.0.0/8", nil},
		{"scope=country&value=FR", nil},
		{"ip=203.0.113.5&type=captcha", nil},
		{"", []string{"198.51.100.0/24", "203.0.113.5"}},
	}
	for _, c := range cases {
		status, body := e.do("GET", "/v1/decisions?"+c.query, e.key)
		if status != 200 {
			t.Errorf("?%s: %d %s", c.query, status, body)
			continue
		}
		if c.want == nil {
			if strings.TrimSpace(body) != "null" {
				t.Errorf("?%s: want the literal null, got %s", c.query, body)
			}
			continue
		}
		var ds []lapi.Decision
		if err := json.Unmarshal([]byte(body), &ds); err != nil {
			t.Fatal(err)
		}
		if got := values(ds); !slices.Equal(got, c.want) {
			t.Errorf("?%s: got %v, want %v", c.query, got, c.want)
		}
	}
}

func TestLookupRefusesBadInputWithTheReason(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	huge := strings.Repeat("1", 200_000)
	cases := []struct{ query, reason string }{
		{"ip=not-an-ip", "not"},
		{"ip=1.2.3.4:80", "port"},
		{"ip=198.51.100.0/24", "range"},
		{"ip=" + huge, "characters long"},
		{"range=" + huge, "characters long"},
		{"range=banana", ""},
		{"scope=ip", "value="},
		{"ip=1.2.3.4&contains=maybe", "true or false"},
	}
	for _, c := range cases {
		start := time.Now()
		status, body := e.do("GET", "/v1/decisions?"+c.query, e.key)
		q := c.query[:min(len(c.query), 40)]
		if status != http.StatusBadRequest {
			t.Errorf("?%s: status %d %s, want 400", q, status, body)
			continue
		}
		var m struct{ Message string }
		if err := json.Unmarshal([]byte(body), &m); err != nil || m.Message == "" || !strings.Contains(m.Message, c.reason) {
			t.Errorf("?%s: body %s should give the reason (%q)", q, body, c.reason)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("?%s took %v", q, d)
		}
	}
	if status, body := e.do("GET", "/v1/decisions/stream?startup=perhaps", e.key); status != 400 || !strings.Contains(body, "startup") {
		t.Errorf("startup=perhaps: %d %s", status, body)
	}
}

func TestKeysOpenV1OnlyAndAPITokensNever(t *testing.T) {
	const token = "api-token-0123456789abcdef"
	e := newEnv(t, httpapi.Options{Token: token})
	forbidden := `{"message":"access forbidden"}`
	for _, path := range []string{"/v1/decisions/stream?startup=true", "/v1/decisions?ip=1.2.3.4"} {
		for _, key := range []string{"", "blb_wrong", token} {
			status, body := e.do("GET", path, key)
			if status != 403 || strings.TrimSpace(body) != forbidden {
				t.Errorf("GET %s with key %q: %d %s", path, key, status, body)
			}
		}
		// An API token as a bearer token does not open /v1/ either.
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 403 {
			t.Errorf("GET %s with the API token as bearer: %d", path, res.StatusCode)
		}
		// HEAD checks the key only.
		if status, _ := e.do("HEAD", path, e.key); status != 200 {
			t.Errorf("HEAD %s with the key: %d", path, status)
		}
		if status, _ := e.do("HEAD", path, ""); status != 403 {
			t.Errorf("HEAD %s without a key: %d", path, status)
		}
	}
	// A bouncer key opens nothing under /api/v1.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/bouncers", nil)
	req.Header.Set(lapi.KeyHeader, e.key)
	req.Header.Set("Authorization", "Bearer "+e.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("bouncer key on /api/v1: %d, want 401", res.StatusCode)
	}
	if status, body := e.do("POST", "/v1/usage-metrics", e.key); status != 201 {
		t.Errorf("usage-metrics: %d %s", status, body)
	}
	if status, _ := e.do("POST", "/v1/usage-metrics", ""); status != 403 {
		t.Errorf("usage-metrics without key: %d", status)
	}
	// Revoked: the key stops working at once.
	if status, _ := e.do("GET", "/v1/decisions/stream?startup=true", e.key); status != 200 {
		t.Fatalf("key before revoking: %d", status)
	}
	if err := e.svc.DeleteBouncer(context.Background(), "FW1"); err != nil {
		t.Fatal(err)
	}
	if status, body := e.do("GET", "/v1/decisions/stream", e.key); status != 403 || strings.TrimSpace(body) != forbidden {
		t.Errorf("revoked key: %d %s", status, body)
	}
}

func TestStreamAnswersAreNeverCompressed(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	for i := 0; i < 50; i++ {
		e.ban("203.0.113."+strings.Repeat("1", 1)+string(rune('0'+i/10))+string(rune('0'+i%10)), "1h", "")
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/decisions/stream?startup=true", nil)
	req.Header.Set(lapi.KeyHeader, e.key)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ce := res.Header.Get("Content-Encoding"); ce != "" || res.StatusCode != 200 {
		t.Fatalf("status %d, Content-Encoding %q", res.StatusCode, ce)
	}
}

func TestLastPullIsRecorded(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.pull("startup=true")
	list, err := e.svc.ListBouncers(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	b := list[0]
	if b.LastPullAt == nil || !b.LastPullAt.Equal(e.clk.Now()) || b.LastRemote != "127.0.0.1" ||
		b.LastAgent != "crowdsec-firewall-bouncer/v0.0.25-test" {
		t.Fatalf("last pull not recorded: %+v", b)
	}
}
