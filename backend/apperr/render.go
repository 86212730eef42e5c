package apperr

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// placeholder matches a {name} in a message whose value travels in Data.
var placeholder = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9_]*)\}`)

// Render fills the {name} placeholders of e.Message from e.Data (a
// map[string]any, or any value whose JSON form is an object, such as a ban
// with its expiresAt) for the command line and logs, which have no reader's
// time zone: times are written in UTC. The UI fills the same placeholders
// with the reader's local time instead. Unknown names stay as they are.
func Render(e *Error) string {
	if e == nil {
		return ""
	}
	data, ok := e.Data.(map[string]any)
	if !ok && e.Data != nil && placeholder.MatchString(e.Message) {
		if b, err := json.Marshal(e.Data); err == nil {
			ok = json.Unmarshal(b, &data) == nil
		}
	}
	if !ok {
		return e.Message
	}
	return placeholder.ReplaceAllStringFunc(e.Message, func(m string) string {
		v, ok := data[m[1:len(m)-1]]
		if !ok {
			return m
		}
		switch v := v.(type) {
		case time.Time:
			return v.UTC().Format("2 Jan 2006 15:04 UTC")
		case *time.Time:
			if v != nil {
				return v.UTC().Format("2 Jan 2006 15:04 UTC")
			}
			return m
		case string:
			// A time that came through JSON.
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t.UTC().Format("2 Jan 2006 15:04 UTC")
			}
			return v
		default:
			return fmt.Sprint(v)
		}
	})
}
