package httpapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"banlist/backend/apperr"
)

// checkJSONText walks the raw JSON of a request body before it is decoded
// and refuses what encoding/json would silently accept: strings (keys or
// values) that are not valid UTF-8, or that hold an unpaired UTF-16
// surrogate escape (both would be stored as U+FFFD), and a key that appears
// twice in one object (the last would win unseen). Errors name the field.
// Syntax errors are left to the decoder, which reports them with an offset.
func checkJSONText(data []byte) error {
	type frame struct {
		object    bool
		expectKey bool
		key       string
		keys      map[string]bool
		path      string
	}
	var stack []*frame
	field := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return join(top.path, top.key)
		}
		return top.path
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			f := &frame{object: data[i] == '{', expectKey: data[i] == '{', path: field()}
			if f.object {
				f.keys = map[string]bool{}
			}
			stack = append(stack, f)
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].expectKey = true
			}
		case ':':
			if len(stack) > 0 {
				stack[len(stack)-1].expectKey = false
			}
		case '"':
			end, problem := scanString(data, i)
			if end < 0 {
				return nil // unterminated: the decoder says where
			}
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey
			if problem != "" {
				if isKey {
					return apperr.Invalid(join(stack[len(stack)-1].path, ""), "A field name in the request body "+problem+".")
				}
				name := field()
				if name == "" {
					return apperr.Invalid("", "The request body "+problem+".")
				}
				return apperr.Invalid(name, fmt.Sprintf("Field “%s” %s.", name, problem))
			}
			if isKey {
				top := stack[len(stack)-1]
				var key string
				if json.Unmarshal(data[i:end+1], &key) != nil {
					return nil
				}
				if top.keys[key] {
					name := join(top.path, key)
					return apperr.Invalid(name, fmt.Sprintf("Field “%s” appears twice in the request body; send it once.", name))
				}
				top.keys[key] = true
				top.key = key
			}
			i = end
		}
	}
	return nil
}

// scanString returns the index of the quote closing the string that starts
// at data[start], or -1, and what is wrong with its text, if anything.
func scanString(data []byte, start int) (int, string) {
	for i := start + 1; i < len(data); {
		c := data[i]
		switch {
		case c == '"':
			return i, ""
		case c == '\\':
			if i+1 >= len(data) {
				return -1, ""
			}
			if data[i+1] != 'u' {
				i += 2
				continue
			}
			r, ok := hex4(data, i+2)
			if !ok {
				return -1, "" // a bad escape: the decoder reports it
			}
			i += 6
			switch {
			case utf16.IsSurrogate(r) && r < 0xDC00:
				// A high surrogate must be followed by a low one.
				if i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
					if lo, ok := hex4(data, i+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						i += 6
						continue
					}
				}
				return skipTo(data, i), fmt.Sprintf("contains an unpaired UTF-16 surrogate (\\u%04x), which is not a character", r)
			case utf16.IsSurrogate(r):
				return skipTo(data, i), fmt.Sprintf("contains an unpaired UTF-16 surrogate (\\u%04x), which is not a character", r)
			}
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return skipTo(data, i), "contains bytes that are not valid UTF-8 text"
			}
			i += size
		}
	}
	return -1, ""
}

// skipTo finds the end of the string containing data[i], for a caller that
// already knows what is wrong with it.
func skipTo(data []byte, i int) int {
	for ; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(data) - 1
}

func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[at:at+4]), 16, 32)
	return rune(v), err == nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	if key == "" {
		return path
	}
	return path + "." + key
}

// jsonKind names what a field must be in JSON terms, never Go's.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a different kind of value"
}

// jsonValueKind turns encoding/json's description of a value it got into words.
func jsonValueKind(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "bool":
		return "true or false"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case v == "number" || len(v) > 7 && v[:7] == "number ":
		return "a number"
	}
	return "something else"
}
