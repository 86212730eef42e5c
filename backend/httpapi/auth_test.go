package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

const (
	token      = "s3cret-token-0123456789"
	checkToken = "check-only-token-987654"
)

func newSecured(t *testing.T, opts httpapi.Options) *httptest.Server {
	t.Helper()
	db, _ := storetest.Open(t)
	svc := service.New(context.Background(), db, nil)
	t.Cleanup(func() { _ = svc.Close() })
	return newServerOn(t, svc, opts)
}

// newServerOn serves svc through the real router with opts.
func newServerOn(t *testing.T, svc *service.Service, opts httpapi.Options) *httptest.Server {
	t.Helper()
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>banlist</title>")}}
	srv := httptest.NewServer(httpapi.New(svc, ui, opts))
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, headers map[string]string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, srv.URL+path, rd)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestTokenIsRequiredOnEveryAPIRequest(t *testing.T) {
	srv := newSecured(t, httpapi.Options{Token: token, CheckToken: checkToken})
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	cases := []struct {
		name, method, path, body string
		headers                  map[string]string
		want                     int
	}{
		{"no token", "GET", "/api/v1/bans", "", nil, 401},
		{"wrong token", "GET", "/api/v1/bans", "", bearer("s3cret-token-0123456788"), 401},
		{"right token", "GET", "/api/v1/bans", "", bearer(token), 200},
		{"check without token", "GET", "/api/v1/check?ip=192.0.2.1", "", nil, 401},
		{"check with check token", "GET", "/api/v1/check?ip=192.0.2.1", "", bearer(checkToken), 200},
		{"check token cannot read the blacklist", "GET", "/api/v1/bans", "", bearer(checkToken), 401},
		{"check token cannot ban", "POST", "/api/v1/bans", `{"ip":"192.0.2.1","period":"1h"}`, bearer(checkToken), 401},
		{"token can ban", "POST", "/api/v1/bans", `{"ip":"192.0.2.1","period":"1h"}`, bearer(token), 200},
		{"main token also works on check", "GET", "/api/v1/check?ip=192.0.2.1", "", bearer(token), 200},
		{"cookie works like the header", "GET", "/api/v1/info", "", map[string]string{"Cookie": "banlist_token=" + token}, 200},
		{"the UI shell loads without a token", "GET", "/", "", nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, body := do(t, srv, c.method, c.path, c.body, c.headers); got != c.want {
				t.Fatalf("status %d, want %d: %s", got, c.want, body)
			}
		})
	}
}

func TestTokenInTheAddressBecomesAnHttpOnlyCookie(t *testing.T) {
	srv := newSecured(t, httpapi.Options{Token: token})
	req, _ := http.NewRequest("GET", srv.URL+"/contacts?token="+token, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/contacts" {
		t.Fatalf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
	}
	c := res.Cookies()
	if len(c) != 1 || c[0].Value != token || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie = %+v", c)
	}
	if got, _ := do(t, srv, "GET", "/?token=wrong-token-000000000", "", nil); got != 401 {
		t.Fatalf("a wrong token in the address gave %d", got)
	}
}

func TestCrossSiteWritesAreRefused(t *testing.T) {
	srv := newSecured(t, httpapi.Options{})
	body := `{"ip":"192.0.2.9","period":"1h"}`
	if got, _ := do(t, srv, "POST", "/api/v1/bans", body, map[string]string{"Origin": "https://evil.example"}); got != 403 {
		t.Fatalf("foreign Origin: %d", got)
	}
	if got, _ := do(t, srv, "POST", "/api/v1/bans", body, map[string]string{"Sec-Fetch-Site": "cross-site"}); got != 403 {
		t.Fatalf("Sec-Fetch-Site cross-site: %d", got)
	}
	if got, _ := do(t, srv, "DELETE", "/api/v1/bans/1", "", map[string]string{"Origin": "null"}); got != 403 {
		t.Fatalf("Origin null: %d", got)
	}
	// A read from another site is harmless to the data; a same-origin write works.
	if got, _ := do(t, srv, "GET", "/api/v1/bans", "", map[string]string{"Origin": "https://evil.example"}); got != 200 {
		t.Fatalf("cross-site read: %d", got)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if got, b := do(t, srv, "POST", "/api/v1/bans", body, map[string]string{"Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"}); got != 200 {
		t.Fatalf("same-origin write: %d %s", got, b)
	}
}

func TestCheckIsExemptFromTheMainTokenWithoutACheckToken(t *testing.T) {
	srv := newSecured(t, httpapi.Options{Token: token})
	if got, body := do(t, srv, "GET", "/api/v1/check?ip=192.0.2.1", "", nil); got != 200 {
		t.Fatalf("check without a check token configured: %d %s", got, body)
	}
	if got, _ := do(t, srv, "GET", "/api/v1/bans", "", nil); got != 401 {
		t.Fatalf("the rest of the API without the token: %d", got)
	}
	if got, _ := do(t, srv, "POST", "/api/v1/check?ip=192.0.2.1", "", nil); got != 401 {
		t.Fatalf("a non-GET on the check path: %d", got)
	}
}
