package httpapi_test

import (
	"strings"
	"testing"
)

// Undo and notes editing through the HTTP door, in order on one database.
func TestBanEditsAPI(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "ban", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.44","period":"1d","notes":"first"}`, wantStatus: 200, wantBody: []string{`"id":1`}},
		{name: "edit notes", method: "PUT", url: "/api/v1/bans/1/notes", body: `{"notes":"first and second"}`, wantStatus: 200, wantBody: []string{`"notes":"first and second"`, `"status":"active"`}},
		{name: "notes with a NUL", method: "PUT", url: "/api/v1/bans/1/notes", body: `{"notes":"a\u0000b"}`, wantStatus: 400, wantBody: []string{`"field":"notes"`}},
		{name: "restore an active ban", method: "POST", url: "/api/v1/bans/1/restore", wantStatus: 409, wantBody: []string{"nothing to undo"}},
		{name: "unban", method: "DELETE", url: "/api/v1/bans/1", wantStatus: 200, wantBody: []string{`"status":"removed"`}},
		{name: "edit notes of an unbanned ban", method: "PUT", url: "/api/v1/bans/1/notes", body: `{"notes":"x"}`, wantStatus: 409, wantBody: []string{"no longer active"}},
		{name: "undo the unban", method: "POST", url: "/api/v1/bans/1/restore", wantStatus: 200, wantBody: []string{`"id":1`, `"status":"active"`, `"notes":"first and second"`}},
		{name: "history shows both", method: "GET", url: "/api/v1/history?target=192.0.2.44", wantStatus: 200, wantBody: []string{`"kind":"restored"`, `"kind":"notes_edited"`}},
		{name: "restore unknown", method: "POST", url: "/api/v1/bans/999/restore", wantStatus: 404},
	} {
		run(t, srv, sc)
	}
}

// Renew and Unban take an optional reason through the HTTP door (the Unban
// body may be left out); the history returns it; a bad one is a field error.
func TestRenewAndUnbanReasonsAPI(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "ban", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.45","period":"1d","notes":"first"}`, wantStatus: 200, wantBody: []string{`"id":1`}},
		{name: "renew, reason too long", method: "POST", url: "/api/v1/bans/1/renew", body: `{"period":"1w","reason":"` + strings.Repeat("x", 501) + `"}`, wantStatus: 400, wantBody: []string{`"field":"reason"`, "the limit is 500"}},
		{name: "renew with a reason", method: "POST", url: "/api/v1/bans/1/renew", body: `{"period":"1w","reason":" Came back "}`, wantStatus: 200, wantBody: []string{`"renewals":1`}},
		{name: "renew without one", method: "POST", url: "/api/v1/bans/1/renew", body: `{"period":"1mo"}`, wantStatus: 200, wantBody: []string{`"renewals":2`}},
		{name: "unban, reason of the wrong type", method: "DELETE", url: "/api/v1/bans/1", body: `{"reason":5}`, wantStatus: 400, wantBody: []string{`"field":"reason"`}},
		{name: "unban, unknown field", method: "DELETE", url: "/api/v1/bans/1", body: `{"why":"x"}`, wantStatus: 400, wantBody: []string{`"field":"why"`}},
		{name: "unban with a reason", method: "DELETE", url: "/api/v1/bans/1", body: `{"reason":"Apologised by email"}`, wantStatus: 200, wantBody: []string{`"status":"removed"`}},
		{name: "history has both reasons", method: "GET", url: "/api/v1/history?target=192.0.2.45", wantStatus: 200,
			wantBody: []string{`"kind":"unbanned","actor":"`, `"reason":"Apologised by email"`, `"reason":"Came back"`, `"notes":"first","reason":""`}},
		{name: "undo the unban", method: "POST", url: "/api/v1/bans/1/restore", wantStatus: 200, wantBody: []string{`"status":"active"`, `"notes":"first"`}},
		{name: "unban without a body", method: "DELETE", url: "/api/v1/bans/1", wantStatus: 200, wantBody: []string{`"status":"removed"`}},
	} {
		run(t, srv, sc)
	}
}
