package httpapi_test

import (
	"strings"
	"testing"
)

// The bouncer-key routes, in order: add, refuse bad names with the field,
// list without keys, delete (names with a slash too), refuse a second delete.
func TestBouncersAPI(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "none yet", method: "GET", url: "/api/v1/bouncers", wantStatus: 200, wantBody: []string{`[]`}},
		{name: "add", method: "POST", url: "/api/v1/bouncers", body: `{"name":"fw/chat 1"}`, wantStatus: 200,
			wantBody: []string{`"name":"fw/chat 1"`, `"key":"blb_`, `"lastPullAt":null`}},
		{name: "duplicate, other case", method: "POST", url: "/api/v1/bouncers", body: `{"name":"FW/CHAT 1"}`, wantStatus: 409,
			wantBody: []string{`"field":"name"`, "already exists"}},
		{name: "empty", method: "POST", url: "/api/v1/bouncers", body: `{"name":" "}`, wantStatus: 400,
			wantBody: []string{`"field":"name"`, "Enter a name"}},
		{name: "control characters", method: "POST", url: "/api/v1/bouncers", body: `{"name":"a\tb"}`, wantStatus: 400,
			wantBody: []string{`"field":"name"`, "control characters"}},
		{name: "too long", method: "POST", url: "/api/v1/bouncers", body: `{"name":"` + strings.Repeat("n", 65) + `"}`, wantStatus: 400,
			wantBody: []string{`"field":"name"`, "limit is 64"}},
		{name: "listed without its key", method: "GET", url: "/api/v1/bouncers", wantStatus: 200,
			wantBody: []string{`"name":"fw/chat 1"`}, notBody: []string{"blb_", "key"}},
		{name: "delete", method: "DELETE", url: "/api/v1/bouncers/fw%2Fchat%201", wantStatus: 200, wantBody: []string{`"deleted":true`}},
		{name: "delete again", method: "DELETE", url: "/api/v1/bouncers/fw%2Fchat%201", wantStatus: 404,
			wantBody: []string{"no bouncer called"}},
	} {
		run(t, srv, sc)
	}
}
