package apperr

import (
	"fmt"
	"regexp"
	"time"
)

// placeholder matches a {name} in a message whose value travels in Data.
var placeholder = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9_]*)\}`)

// Render fills the {name} placeholders of e.Message from e.Data (a
// map[string]any) for the command line and logs, which have no reader's time
// zone: times are written in UTC. The UI fills the same placeholders with the
// reader's local time instead. Unknown names stay as they are.
func Render(e *Error) string {
	if e == nil {
		return ""
	}
	data, ok := e.Data.(map[string]any)
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
		default:
			return fmt.Sprint(v)
		}
	})
}
