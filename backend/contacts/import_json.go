package contacts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"banlist/backend/apperr"
)

// Reading an import file as JSON: an array of objects, each a contact.

// readJSON reads one JSON array of contact objects. The file is read whole
// (it is at most limits.MaxBytes) so that a syntax error can be placed at
// its exact line and column.
func (im *importer) readJSON(src *limitReader) error {
	data, err := io.ReadAll(src)
	if serr := src.sourceError(); serr != nil {
		return serr
	}
	if err != nil {
		return apperr.Unavailable("Could not read the file: "+err.Error()+". Nothing was imported.", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return invalidFile("The file is empty; it must hold a JSON array of contacts: [{\"startedAt\": …, \"ip\": …}, …].")
	}
	if !json.Valid(data) {
		return jsonSyntaxError(data)
	}
	lines := lineCounter{data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		msg := "The file must hold a JSON array of contacts, [{…}, {…}], but it holds " + jsonKind(bytes.TrimSpace(data)[0]) + "."
		if ok && d == '{' {
			msg += " Put a single contact in [ ]."
		}
		return invalidFile(msg)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The data was checked above, so this is not expected.
			return invalidFile(fmt.Sprintf("The file is not valid JSON near line %d: %v.", lines.at(dec.InputOffset()), err))
		}
		line := lines.at(dec.InputOffset() - int64(len(raw)))
		if err := im.nextRow(line); err != nil {
			return err
		}
		im.add(jsonRecord(raw, line, im.rep.Total+1))
	}
	return nil
}

// jsonSyntaxError places the first syntax error in data, which is invalid.
func jsonSyntaxError(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return invalidFile(fmt.Sprintf("The file is not valid JSON: %v.", err))
	}
	at := min(max(se.Offset-1, 0), int64(len(data))) // index of the offending byte
	line := 1 + bytes.Count(data[:at], []byte{'\n'})
	col := at - int64(bytes.LastIndexByte(data[:at], '\n'))
	if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "end of JSON input") {
		return invalidFile(fmt.Sprintf("The file is not valid JSON: it ends unexpectedly at line %d (is it cut short?).", line))
	}
	return invalidFile(fmt.Sprintf("The file is not valid JSON at line %d, column %d: %v.", line, col, se))
}

// lineCounter maps byte offsets, asked for in increasing order, to 1-based lines.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	off = min(max(off, c.off), int64(len(c.data)))
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line + 1
}

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

var fieldByKey = func() map[string]int {
	m := make(map[string]int, nFields)
	for i, f := range fieldSpecs {
		m[f.key] = i
	}
	return m
}()

// jsonRecord validates one element of the array.
func jsonRecord(raw []byte, line, record int) (Contact, []RowError) {
	if raw[0] != '{' {
		return Contact{}, []RowError{{Line: line, Record: record, Message: "is " + jsonKind(raw[0]) + ", not a contact object"}}
	}
	var (
		v    rowValues
		errs []RowError
		seen = map[string]bool{}
	)
	fail := func(field, msg string) {
		errs = append(errs, RowError{Line: line, Record: record, Field: field, Message: msg})
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening {
		fail("", "is not a valid object: "+err.Error())
		return Contact{}, errs
	}
	for dec.More() {
		tok, err := dec.Token()
		var val json.RawMessage
		if err == nil {
			err = dec.Decode(&val)
		}
		key, _ := tok.(string)
		if err != nil {
			fail("", "is not a valid object: "+err.Error())
			return Contact{}, errs
		}
		name := fieldName(key)
		if seen[key] {
			fail(name, "appears more than once")
			continue
		}
		seen[key] = true
		f, ok := fieldByKey[key]
		if !ok {
			if key == "id" {
				continue // an exported contact's id; imported contacts get new ones
			}
			msg := "is not a known field"
			if s := suggest(key, func(f fieldSpec) string { return f.key }); s != "" {
				msg += " (did you mean “" + s + "”?)"
			}
			fail(name, msg)
			continue
		}
		if !utf8.Valid(val) {
			fail(name, "is not valid UTF-8 text")
			v.bad[f] = true
			continue
		}
		wantNumber := fieldSpecs[f].kind == kindCount || fieldSpecs[f].kind == kindRating
		switch c := val[0]; {
		case c == 'n': // null: as if absent
		case c == '"' && !wantNumber:
			if err := json.Unmarshal(val, &v.val[f]); err != nil {
				fail(name, "is not a valid string")
				v.bad[f] = true
			}
		case (c == '-' || c >= '0' && c <= '9') && wantNumber:
			v.val[f] = string(val)
		case wantNumber:
			fail(name, "must be a whole number, not "+jsonKind(c))
			v.bad[f] = true
		default:
			fail(name, "must be a string, not "+jsonKind(c))
			v.bad[f] = true
		}
	}
	c, verrs := v.contact(func(f int) string { return fieldSpecs[f].key }, line, record, errs)
	return c, verrs
}

// fieldName is how a JSON key is shown as RowError.Field: as show quotes
// values, but without the quotes.
func fieldName(key string) string {
	q := show(key)
	return strings.TrimSuffix(strings.TrimPrefix(q, "“"), "”")
}
