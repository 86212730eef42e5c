package httpapi_test

import "testing"

// JSON bodies through the real router: bad text and duplicate keys are
// refused by field, and nothing is stored.
func TestJSONBodiesThroughTheRouter(t *testing.T) {
	srv := newServer(t)
	for _, sc := range []scenario{
		{name: "an array where an object is expected", method: "POST", url: "/api/v1/bans", body: `[{"ip":"192.0.2.60","period":"1h"}]`,
			wantStatus: 400, wantBody: []string{`"code":"invalid"`, "must be a JSON object, not a list"}, notBody: []string{"struct", "string", "Go "}},
		{name: "invalid UTF-8 in notes", method: "POST", url: "/api/v1/bans", body: "{\"ip\":\"192.0.2.60\",\"period\":\"1h\",\"notes\":\"caf\xe9\"}",
			wantStatus: 400, wantBody: []string{`"field":"notes"`, "not valid UTF-8"}},
		{name: "a lone surrogate in notes", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.60","period":"1h","notes":"\udead"}`,
			wantStatus: 400, wantBody: []string{`"field":"notes"`, "unpaired UTF-16 surrogate"}},
		{name: "a duplicate key", method: "POST", url: "/api/v1/bans", body: `{"ip":"192.0.2.60","period":"1h","ip":"192.0.2.61"}`,
			wantStatus: 400, wantBody: []string{`"field":"ip"`, "appears twice"}},
		{name: "a number for the period", method: "POST", url: "/api/v1/bans/1/renew", body: `{"period":7}`,
			wantStatus: 400, wantBody: []string{`"field":"period"`, "must be text, not a number"}, notBody: []string{"string"}},
		{name: "nothing was stored", method: "GET", url: "/api/v1/check?ip=192.0.2.60", wantStatus: 200, wantBody: []string{`"blocked":false`}},
		{name: "nor the duplicate's other value", method: "GET", url: "/api/v1/check?ip=192.0.2.61", wantStatus: 200, wantBody: []string{`"blocked":false`}},
	} {
		run(t, srv, sc)
	}
}
