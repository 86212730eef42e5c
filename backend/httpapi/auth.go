package httpapi

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/service"
)

// Options secures the HTTP door. With no Token, the server is meant for
// loopback only (banlist serve refuses other addresses without one).
type Options struct {
	// Token is required on every API request (Authorization: Bearer, or the
	// cookie set by opening the UI once with ?token=…).
	Token string
	// CheckToken, if set, is required on GET /api/v1/check (Token works
	// too); without it the check endpoint is open, like on loopback. It is
	// accepted nowhere else, so a chat server can ask but change nothing.
	CheckToken string
	// Listen is the address the server listens on (host:port; several
	// separated by commas). Its host, "localhost" and Hosts are the only
	// Host header names accepted (hostCheck). Empty means loopback.
	Listen string
	// Hosts are further names the server answers to (--host NAME).
	Hosts []string
	// AllowDatabaseSwitch lets API clients open or create another database
	// file (--allow-database-switch). Off, the Database panel is read-only.
	AllowDatabaseSwitch bool
}

// tokenCookie carries the token for the browser UI after the first visit.
const tokenCookie = "banlist_token"

// checkPath is the read-only enforcement endpoint for chat servers.
const checkPath = "/api/v1/check"

func equalSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// presented returns the token a request carries, from the header or cookie.
func presented(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	if c, err := r.Cookie(tokenCookie); err == nil {
		return c.Value
	}
	return ""
}

// guard enforces the token rules and refuses cross-site writes.
func guard(svc *service.Service, opts Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Opening the UI with ?token=… stores it in an HttpOnly cookie and
		// drops it from the address bar.
		// Bouncers on /v1/ carry their own key and never get this cookie.
		if t := uiToken(r); t != "" {
			if !equalSecret(t, opts.Token) && !namedToken(svc, r, t) {
				writeError(w, &apperr.Error{Code: apperr.CodeUnauthorized, Message: "Wrong token."})
				return
			}
			http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			q := r.URL.Query()
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			// Who is calling, with which role (roles.go); each route then
			// checks the role it needs.
			who, err := identify(svc, opts, r)
			if err != nil {
				writeError(w, err)
				return
			}
			r = r.WithContext(actor.With(r.Context(), who))
			if isWrite(r.Method) && crossSite(r) {
				writeError(w, &apperr.Error{Code: apperr.CodeForbidden, Message: "Cross-site requests may not change the blacklist."})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// uiToken is the ?token= of a request for the UI (not the API or the
// bouncers' /v1/), or "". The query is parsed only when it may hold one.
func uiToken(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/v1/") || !strings.Contains(r.URL.RawQuery, "token") {
		return ""
	}
	return r.URL.Query().Get("token")
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// crossSite reports a browser request sent from another origin: the
// browser's Sec-Fetch-Site says so, or the Origin header names another host.
func crossSite(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s == "cross-site" || s == "same-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false // not a browser (curl, a chat server): the token decides
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}
