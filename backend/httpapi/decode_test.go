package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"banlist/backend/apperr"
)

type banBody struct {
	IP     string `json:"ip"`
	Period string `json:"period"`
	Notes  string `json:"notes"`
}

func decode(body string, limit int64) error {
	_, err := decodeInto(body, limit)
	return err
}

func decodeInto(body string, limit int64) (banBody, error) {
	req := httptest.NewRequest("POST", "/api/v1/bans", strings.NewReader(body))
	w := httptest.NewRecorder()
	req.Body = http.MaxBytesReader(w, req.Body, limit)
	var v banBody
	err := decodeBody(req, &v)
	return v, err
}

func TestDecodeBodyNamesTheProblem(t *testing.T) {
	cases := []struct {
		body  string
		code  apperr.Code
		field string
		want  string
	}{
		{``, apperr.CodeInvalid, "", "empty"},
		{`{"ip":`, apperr.CodeInvalid, "", "not valid JSON"},
		{`{"ip": 5}`, apperr.CodeInvalid, "ip", "wrong type"},
		{`{"ip":"1.2.3.4","admin":true}`, apperr.CodeInvalid, "admin", "Unknown field"},
		{`{"ip":"1.2.3.4"} {"ip":"5.6.7.8"}`, apperr.CodeInvalid, "", "after the JSON object"},
		{`[1,2]`, apperr.CodeInvalid, "", "wrong type"},
		{`{"notes":"` + strings.Repeat("x", 2000) + `"}`, apperr.CodeTooLarge, "", "larger than 1024 bytes"},
	}
	for _, c := range cases {
		err := decode(c.body, 1024)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != c.code || e.Field != c.field || !strings.Contains(e.Message, c.want) {
			t.Errorf("body %.40q: got %#v, want code %s field %q message with %q", c.body, err, c.code, c.field, c.want)
		}
	}
	if err := decode(`{"ip":"1.2.3.4","period":"1h","notes":"ok"}`, 1024); err != nil {
		t.Fatalf("a good body: %v", err)
	}
}

// FuzzDecodeBody: any bytes give either a decoded value or a typed,
// user-facing error; never a panic, never an internal error. A decoded value
// holds U+FFFD only if the body itself spelled one: bad text is refused,
// never silently replaced.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"ip":"1.2.3.4","period":"1d","notes":"n"}`, `{"ip":null}`, `{"ip":"\u0000"}`, `[`, `"x"`, `{"a":{"b":[1,2,{"c":3}]}}`, "\xff\xfe{",
		"{\"notes\":\"\xff\"}", `{"notes":"\ud800"}`, `{"notes":"\ufffd"}`, `{"ip":"a","ip":"b"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := decodeInto(body, 4096)
		if err == nil {
			spelled := strings.Contains(body, "\ufffd") || strings.Contains(strings.ToLower(body), `\ufffd`)
			for _, s := range []string{v.IP, v.Period, v.Notes} {
				if strings.ContainsRune(s, '\ufffd') && !spelled {
					t.Fatalf("body %q decoded with a replacement character: %+v", body, v)
				}
			}
			return
		}
		var e *apperr.Error
		if !errors.As(err, &e) || (e.Code != apperr.CodeInvalid && e.Code != apperr.CodeTooLarge) || e.Message == "" {
			t.Fatalf("body %q: untyped or internal error %#v", body, err)
		}
	})
}
