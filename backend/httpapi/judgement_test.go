package httpapi_test

import (
	"strings"
	"testing"
)

// The judgement routes in order, each scenario building on the ones before.
func TestJudgementAPI(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "protect a range", method: "POST", url: "/api/v1/protected", body: `{"target":"198.51.100.0/24","notes":"Partner office"}`, wantStatus: 200,
			wantBody: []string{`"target":"198.51.100.0/24"`, `"notes":"Partner office"`, `"overlapping":[]`}},
		{name: "list protected", method: "GET", url: "/api/v1/protected", wantStatus: 200, wantBody: []string{`"id":1`, `"isRange":true`}},
		{name: "protect a duplicate", method: "POST", url: "/api/v1/protected", body: `{"target":"198.51.100.0/24"}`, wantStatus: 409, wantBody: []string{`"code":"conflict"`}},
		{name: "protect garbage", method: "POST", url: "/api/v1/protected", body: `{"target":"office"}`, wantStatus: 400, wantBody: []string{`"field":"ip"`}},
		{name: "protect with an unknown field", method: "POST", url: "/api/v1/protected", body: `{"target":"192.0.2.1","why":"x"}`, wantStatus: 400, wantBody: []string{`"field":"why"`}},
		{name: "ban inside a protected range", method: "POST", url: "/api/v1/bans", body: `{"ip":"198.51.100.20","period":"1h"}`, wantStatus: 409,
			wantBody: []string{`"code":"protected"`, `"field":"ip"`, "198.51.100.0/24", "Partner office"}},
		{name: "ban a range around a protected one", method: "POST", url: "/api/v1/bans", body: `{"ip":"198.51.0.0/16","period":"1h"}`, wantStatus: 409, wantBody: []string{`"code":"protected"`}},
		{name: "import a protected line", method: "POST", url: "/api/v1/bans/import", body: `{"csv":"ip,period,notes\n198.51.100.1,1h,\n192.0.2.10,1h,\n"}`, wantStatus: 200,
			wantBody: []string{`"imported":1`, "never-ban"}},
		{name: "a ban to be lifted", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.200","period":"1d"}`, wantStatus: 200},
		{name: "protecting an actively banned address lists the ban", method: "POST", url: "/api/v1/protected", body: `{"target":"192.0.2.128/25"}`, wantStatus: 200,
			wantBody: []string{`"overlapping":[{"id":`, `"target":"192.0.2.200"`}},
		{name: "remove an entry", method: "DELETE", url: "/api/v1/protected/1", wantStatus: 200, wantBody: []string{`"target":"198.51.100.0/24"`}},
		{name: "remove it again", method: "DELETE", url: "/api/v1/protected/1", wantStatus: 404},
		{name: "remove a bad id", method: "DELETE", url: "/api/v1/protected/x", wantStatus: 400, wantBody: []string{`"field":"id"`}},
		{name: "a lifted entry no longer protects", method: "POST", url: "/api/v1/bans", body: `{"ip":"198.51.100.20","period":"1h"}`, wantStatus: 200},
		{name: "suggest after one ban", method: "GET", url: "/api/v1/suggest?ip=192.0.2.10", wantStatus: 200,
			wantBody: []string{`"period":"1d"`, `"previousBans":1`, `"previousInRange":2`, `"code":"special"`, "Banned once before"}},
		{name: "suggest for carrier NAT", method: "GET", url: "/api/v1/suggest?ip=100.64.1.2", wantStatus: 200, wantBody: []string{`"code":"shared"`, `"previousBans":0`}},
		{name: "suggest without an address", method: "GET", url: "/api/v1/suggest", wantStatus: 400, wantBody: []string{`"field":"ip"`}},
		{name: "expiring soon", method: "GET", url: "/api/v1/bans?status=expiring", wantStatus: 200, wantBody: []string{`"total":3`}},
		{name: "bad status names expiring", method: "GET", url: "/api/v1/bans?status=soon", wantStatus: 400, wantBody: []string{"expiring"}},
		{name: "audit newest first", method: "GET", url: "/api/v1/audit?pageSize=2", wantStatus: 200,
			wantBody: []string{`"total":7`, `"items":[{"at":"2026-01-31T14:03:00Z"`, `"kind":"protected_removed"`, `"kinds":["banned","import","protected_added","protected_removed"]`}},
		{name: "audit by kind", method: "GET", url: "/api/v1/audit?kind=import", wantStatus: 200, wantBody: []string{`"total":1`, "Imported 1 of 2 lines; 1 refused"}},
		{name: "audit by actor", method: "GET", url: "/api/v1/audit?actor=nobody-like-this", wantStatus: 200, wantBody: []string{`"total":0`}},
		{name: "audit by time", method: "GET", url: "/api/v1/audit?from=2030-01-01T00:00:00Z", wantStatus: 200, wantBody: []string{`"total":0`}},
		{name: "audit with a bad time", method: "GET", url: "/api/v1/audit?to=tomorrow", wantStatus: 400, wantBody: []string{`"field":"to"`}},
		{name: "audit CSV", method: "GET", url: "/api/v1/audit/export?kind=protected_added", wantStatus: 200,
			wantBody: []string{"time_utc,actor,source,remote,kind,target,detail\n", ",browser,127.0.0.1:", ",protected_added,198.51.100.0/24,Added to the never-ban list: Partner office"}},
		{name: "tokens start empty", method: "GET", url: "/api/v1/tokens", wantStatus: 200, wantBody: []string{"[]"}},
		{name: "token with a bad role", method: "POST", url: "/api/v1/tokens", body: `{"name":"x","role":"root"}`, wantStatus: 400, wantBody: []string{`"field":"role"`}},
		{name: "token", method: "POST", url: "/api/v1/tokens", body: `{"name":"chat","role":"check"}`, wantStatus: 200, wantBody: []string{`"secret":"blt_`, `"role":"check"`}},
		{name: "delete unknown token", method: "DELETE", url: "/api/v1/tokens/nope", wantStatus: 404, wantBody: []string{`"field":"name"`}},
	} {
		run(t, srv, sc)
	}
	// The report row of an address banned before carries the count.
	code, body := do(t, srv, "GET", "/api/v1/contacts?search=203.0.113.45&pageSize=1", "", nil)
	if code != 200 || strings.Contains(body, `"timesBanned"`) {
		t.Fatalf("never banned: %d %s", code, body)
	}
}
