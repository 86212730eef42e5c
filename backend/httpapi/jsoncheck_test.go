package httpapi

import (
	"errors"
	"strings"
	"testing"

	"banlist/backend/apperr"
)

func TestDecodeBodyRefusesBadTextAndDuplicateKeys(t *testing.T) {
	cases := []struct {
		name, body, field, want string
	}{
		{"invalid UTF-8 in a value", "{\"ip\":\"1.2.3.4\",\"period\":\"1h\",\"notes\":\"bad \xff byte\"}", "notes", "Field “notes” contains bytes that are not valid UTF-8"},
		{"truncated UTF-8 sequence", "{\"notes\":\"\xe2\x82\"}", "notes", "not valid UTF-8"},
		{"lone high surrogate", `{"notes":"x\ud800y"}`, "notes", `unpaired UTF-16 surrogate (\ud800)`},
		{"lone low surrogate", `{"ip":"\udc00"}`, "ip", "unpaired UTF-16 surrogate"},
		{"surrogates in the wrong order", `{"notes":"\udc00\ud800"}`, "notes", "unpaired"},
		{"high surrogate at the end", `{"notes":"\ud83d"}`, "notes", "unpaired"},
		{"invalid UTF-8 in a key", "{\"no\xfftes\":\"x\"}", "", "A field name in the request body contains bytes that are not valid UTF-8"},
		{"duplicate key", `{"ip":"192.0.2.1","period":"1h","ip":"10.0.0.1"}`, "ip", "Field “ip” appears twice"},
		{"duplicate key spelled with an escape", `{"ip":"192.0.2.1","\u0069p":"10.0.0.1"}`, "ip", "appears twice"},
		{"array instead of an object", `[{"ip":"1.2.3.4"}]`, "", "must be a JSON object, not a list"},
		{"number instead of text", `{"ip":5}`, "ip", "Field “ip” has the wrong type: it must be text, not a number"},
		{"object instead of text", `{"notes":{"a":1}}`, "notes", "must be text, not an object"},
	}
	for _, c := range cases {
		err := decode(c.body, 4096)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.Field != c.field || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: got %#v, want field %q and a message with %q", c.name, err, c.field, c.want)
			continue
		}
		for _, goName := range []string{"struct", "httpapi.", "string", "int64", "Go value", "json:"} {
			if strings.Contains(e.Message, goName) {
				t.Errorf("%s: message %q shows Go's %q", c.name, e.Message, goName)
			}
		}
	}
	// Valid text passes: a surrogate pair (an emoji), accents, escapes.
	for _, ok := range []string{`{"notes":"\ud83d\ude00 ok"}`, `{"notes":"Ação é 😀 \"q\" \\ \n"}`, `{"ip":"1.2.3.4","notes":"a","period":"1h"}`} {
		if err := decode(ok, 4096); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	// The same keys in different objects are not duplicates (checked on raw JSON).
	if err := checkJSONText([]byte(`{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`)); err != nil {
		t.Errorf("nested objects: %v", err)
	}
	if err := checkJSONText([]byte(`{"a":{"x":1,"x":2}}`)); err == nil || !strings.Contains(err.Error(), "a.x") {
		t.Errorf("nested duplicate: %v", err)
	}
}
