package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"banlist/backend/actor"
	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

// A route without a declared role would be refused to everyone at best, or
// opened by mistake at worst: every route must say who may call it.
func TestEveryRouteHasARole(t *testing.T) {
	for _, rt := range httpapi.Routes() {
		if !actor.ValidRole(rt.Role) {
			t.Errorf("route %s declares role %q; set Role to actor.RoleCheck, RoleAgent or RoleSupervisor", rt.Pattern(), rt.Role)
		}
	}
}

// rolesServer is a server with a --token, a --check-token and one named
// token of each role, with their secrets.
func rolesServer(t *testing.T) (*httptest.Server, map[string]string) {
	t.Helper()
	db, _ := storetest.Open(t)
	svc := service.New(context.Background(), db, nil)
	secrets := map[string]string{"main": token, "checkflag": checkToken}
	for _, role := range actor.Roles() {
		nt, err := svc.AddToken(context.Background(), role+"-token", role)
		if err != nil {
			t.Fatal(err)
		}
		secrets[role] = nt.Secret
	}
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>banlist</title>")}}
	// Database switching is allowed here so that its routes answer by role
	// alone; without the flag they refuse every caller (dbswitch_test.go).
	srv := httptest.NewServer(httpapi.New(svc, ui, httpapi.Options{Token: token, CheckToken: checkToken, AllowDatabaseSwitch: true}))
	t.Cleanup(func() { srv.Close(); _ = svc.Close() })
	return srv, secrets
}

func TestEachRoleReachesOnlyItsRoutes(t *testing.T) {
	srv, secrets := rolesServer(t)
	bearer := func(who string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + secrets[who]}
	}

	// The agent bans for a day: recorded under the token's name.
	code, body := do(t, srv, "POST", "/api/v1/bans", `{"ip":"192.0.2.1","period":"1d","notes":"from the console"}`, bearer("agent"))
	if code != 200 || !strings.Contains(body, `"createdBy":"agent-token"`) {
		t.Fatalf("agent ban: %d %s", code, body)
	}
	// Every route, by the least role that may call it. Calls that pass the
	// role check may still fail on their input (400/404), never with 401/403.
	type call struct{ method, path, body, need string }
	calls := map[string]call{
		"GET /api/v1/info":               {"GET", "/api/v1/info", "", "agent"},
		"GET /api/v1/contacts":           {"GET", "/api/v1/contacts", "", "agent"},
		"GET /api/v1/contacts/{id}":      {"GET", "/api/v1/contacts/1", "", "agent"},
		"POST /api/v1/contacts/import":   {"POST", "/api/v1/contacts/import", `{"name":"x.csv","content":""}`, "supervisor"},
		"GET /api/v1/agents":             {"GET", "/api/v1/agents", "", "agent"},
		"POST /api/v1/bans":              {"POST", "/api/v1/bans", `{"ip":"192.0.2.77","period":"1h"}`, "agent"},
		"GET /api/v1/bans":               {"GET", "/api/v1/bans?status=expiring", "", "agent"},
		"GET /api/v1/bans/{id}":          {"GET", "/api/v1/bans/1", "", "agent"},
		"POST /api/v1/bans/{id}/renew":   {"POST", "/api/v1/bans/999/renew", `{"period":"1h"}`, "supervisor"},
		"DELETE /api/v1/bans/{id}":       {"DELETE", "/api/v1/bans/999", "", "supervisor"},
		"GET /api/v1/history":            {"GET", "/api/v1/history?target=192.0.2.1", "", "agent"},
		"GET /api/v1/bans/export":        {"GET", "/api/v1/bans/export", "", "agent"},
		"POST /api/v1/bans/import":       {"POST", "/api/v1/bans/import", `{"csv":""}`, "supervisor"},
		"GET /api/v1/import/progress":    {"GET", "/api/v1/import/progress", "", "supervisor"},
		"POST /api/v1/database/open":     {"POST", "/api/v1/database/open", `{"path":"relative"}`, "supervisor"},
		"POST /api/v1/database/create":   {"POST", "/api/v1/database/create", `{"path":"relative"}`, "supervisor"},
		"POST /api/v1/database/connect":  {"POST", "/api/v1/database/connect", `{"address":"nothing"}`, "supervisor"},
		"PUT /api/v1/operator":           {"PUT", "/api/v1/operator", `{"name":""}`, "supervisor"},
		"GET /api/v1/check":              {"GET", "/api/v1/check?ip=192.0.2.1", "", "check"},
		"GET /api/v1/protected":          {"GET", "/api/v1/protected", "", "agent"},
		"POST /api/v1/protected":         {"POST", "/api/v1/protected", `{"target":"not an ip"}`, "supervisor"},
		"DELETE /api/v1/protected/{id}":  {"DELETE", "/api/v1/protected/999", "", "supervisor"},
		"GET /api/v1/suggest":            {"GET", "/api/v1/suggest?ip=192.0.2.1", "", "agent"},
		"GET /api/v1/tokens":             {"GET", "/api/v1/tokens", "", "supervisor"},
		"POST /api/v1/tokens":            {"POST", "/api/v1/tokens", `{"name":"","role":"agent"}`, "supervisor"},
		"DELETE /api/v1/tokens/{name}":   {"DELETE", "/api/v1/tokens/nobody", "", "supervisor"},
		"POST /api/v1/database/backup":   {"POST", "/api/v1/database/backup", `{"path":"relative.db"}`, "supervisor"},
		"POST /api/v1/bans/{id}/restore": {"POST", "/api/v1/bans/999/restore", "", "supervisor"},
		"PUT /api/v1/bans/{id}/notes":    {"PUT", "/api/v1/bans/999/notes", `{"notes":"x"}`, "supervisor"},
		"GET /api/v1/bouncers":           {"GET", "/api/v1/bouncers", "", "supervisor"},
		"POST /api/v1/bouncers":          {"POST", "/api/v1/bouncers", `{"name":""}`, "supervisor"},
		"DELETE /api/v1/bouncers/{name}": {"DELETE", "/api/v1/bouncers/nobody", "", "supervisor"},
		"GET /api/v1/audit":              {"GET", "/api/v1/audit", "", "supervisor"},
		"GET /api/v1/audit/export":       {"GET", "/api/v1/audit/export", "", "supervisor"},
		"GET /api/v1/events":             {"", "", "", "agent"}, // a stream: its role is checked below
	}
	for _, rt := range httpapi.Routes() {
		c, ok := calls[rt.Pattern()]
		if !ok {
			t.Errorf("route %s has no case in this test", rt.Pattern())
			continue
		}
		if rt.Role != c.need {
			t.Errorf("route %s needs %s, want %s", rt.Pattern(), rt.Role, c.need)
		}
		if c.method == "" {
			continue
		}
		for _, who := range []string{"main", "supervisor", "agent", "check"} {
			role := who
			if who == "main" {
				role = actor.RoleSupervisor
			}
			code, body := do(t, srv, c.method, c.path, c.body, bearer(who))
			allowed := actor.Allows(role, c.need)
			switch {
			case allowed && (code == 401 || code == 403):
				t.Errorf("%s as %s: %d %s, want it allowed", rt.Pattern(), who, code, body)
			case !allowed && (code != 403 || !strings.Contains(body, `"code":"forbidden"`)):
				t.Errorf("%s as %s: %d %s, want 403 forbidden", rt.Pattern(), who, code, body)
			}
		}
	}
	// A stream is never answered in full; a refusal is.
	if code, body := do(t, srv, "GET", "/api/v1/events", "", bearer("check")); code != 403 {
		t.Errorf("events as check: %d %s", code, body)
	}
}

func TestAgentTokenLimitsAndRefusalReasons(t *testing.T) {
	srv, secrets := rolesServer(t)
	agent := map[string]string{"Authorization": "Bearer " + secrets["agent"]}
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		want                     []string
	}{
		{"ban for a week", "POST", "/api/v1/bans", `{"ip":"192.0.2.5","period":"1w"}`, 403, []string{`"code":"forbidden"`, `"field":"period"`, "1 hour or 1 day only"}},
		{"ban for a month", "POST", "/api/v1/bans", `{"ip":"192.0.2.5","period":"1mo"}`, 403, []string{"1 hour or 1 day only"}},
		{"ban for an hour", "POST", "/api/v1/bans", `{"ip":"192.0.2.5","period":"1h"}`, 200, []string{`"createdBy":"agent-token"`}},
		{"renew", "POST", "/api/v1/bans/1/renew", `{"period":"1h"}`, 403, []string{"An agent token may not renew a block; that needs a supervisor."}},
		{"unban", "DELETE", "/api/v1/bans/1", "", 403, []string{"may not remove a block"}},
		{"unban with a reason", "DELETE", "/api/v1/bans/1", `{"reason":"asked nicely"}`, 403, []string{"may not remove a block"}},
		{"renew with a reason", "POST", "/api/v1/bans/1/renew", `{"period":"1h","reason":"again"}`, 403, []string{"may not renew a block"}},
		{"import", "POST", "/api/v1/bans/import", `{"csv":"ip,period,notes\n192.0.2.9,1h,\n"}`, 403, []string{"may not import bans"}},
		{"protect", "POST", "/api/v1/protected", `{"target":"192.0.2.0/24"}`, 403, []string{"never-ban list"}},
		{"tokens", "POST", "/api/v1/tokens", `{"name":"me","role":"supervisor"}`, 403, []string{"manage tokens"}},
		{"switch database", "POST", "/api/v1/database/open", `{"path":"/tmp/x.db"}`, 403, []string{"switch databases"}},
		{"info tells the UI the role", "GET", "/api/v1/info", "", 200, []string{`"role":"agent"`, `"actor":"agent-token"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := do(t, srv, c.method, c.path, c.body, agent)
			if code != c.status {
				t.Fatalf("status %d, want %d: %s", code, c.status, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q: %s", w, body)
				}
			}
		})
	}
	check := map[string]string{"Authorization": "Bearer " + secrets["check"]}
	if code, body := do(t, srv, "GET", "/api/v1/bans", "", check); code != 403 || !strings.Contains(body, "only ask GET /api/v1/check") {
		t.Fatalf("check token on the blacklist: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/check?ip=192.0.2.5", "", check); code != 200 || !strings.Contains(body, `"blocked":true`) {
		t.Fatalf("check token on check: %d %s", code, body)
	}
}

func TestNamedTokensWorkOnLoopbackAndStopWhenDeleted(t *testing.T) {
	srv := newServer(t) // loopback, no --token: no token means supervisor
	code, body := do(t, srv, "POST", "/api/v1/tokens", `{"name":"Desk 4","role":"agent"}`, nil)
	if code != 200 {
		t.Fatalf("add token: %d %s", code, body)
	}
	var nt struct {
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal([]byte(body), &nt); err != nil || nt.Secret == "" {
		t.Fatalf("secret: %v %s", err, body)
	}
	agent := map[string]string{"Authorization": "Bearer " + nt.Secret}
	if code, body := do(t, srv, "DELETE", "/api/v1/bans/1", "", agent); code != 403 {
		t.Fatalf("an agent token on loopback may unban: %d %s", code, body)
	}
	// Opening the UI with the token sets the cookie that carries it.
	if code, _ := do(t, srv, "GET", "/?token="+nt.Secret, "", nil); code != 303 {
		t.Fatalf("?token= with a named token: %d", code)
	}
	if code, body := do(t, srv, "GET", "/api/v1/info", "", map[string]string{"Cookie": "banlist_token=" + nt.Secret}); code != 200 || !strings.Contains(body, `"role":"agent"`) {
		t.Fatalf("cookie: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/tokens", "", nil); code != 200 || !strings.Contains(body, `"lastUsedAt":"`) || strings.Contains(body, nt.Secret) {
		t.Fatalf("list: %d %s", code, body)
	}
	if code, body := do(t, srv, "DELETE", "/api/v1/tokens/Desk%204", "", nil); code != 200 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/info", "", agent); code != 401 || !strings.Contains(body, "deleted") {
		t.Fatalf("a deleted token: %d %s", code, body)
	}
	if code, body := do(t, srv, "GET", "/api/v1/audit?kind=token_deleted", "", nil); code != 200 || !strings.Contains(body, `"target":"Desk 4"`) {
		t.Fatalf("audit: %d %s", code, body)
	}
}
