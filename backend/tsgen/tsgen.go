// Package tsgen writes the TypeScript side of the API from the Go side, so
// that the API is described once: the JSON shapes of every type a bound
// method takes or returns (read from the Go types and their json tags), the
// methods' signatures, and each method's HTTP route. The frontend's client
// (frontend/src/api) is written against this file, so a renamed field, a
// changed signature or a missing route fails vue-tsc; the test in package
// main fails while the file is out of date (`make gen` rewrites it).
package tsgen

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Method is one bound method: its name, its Go signature (without the
// receiver), and its HTTP twin ("" for desktop-only methods).
type Method struct {
	Name         string
	Type         reflect.Type
	HTTPMethod   string
	HTTPPath     string
	DesktopOnly  bool
	ParamNames   []string // optional; a0, a1, … when missing
	ResultIsVoid bool
}

// Generate returns the TypeScript file for methods. enums gives the values
// of named string types (bans.Period, bans.Status), each written as a union
// of its values; other named strings are plain strings. unions are unions
// by name for plain string fields that say so with a `ts:"Name"` tag.
func Generate(methods []Method, enums map[reflect.Type][]string, unions map[string][]string) (string, error) {
	g := &gen{named: map[reflect.Type]string{}, byName: map[string]reflect.Type{}, enums: enums, unions: unions}
	// Name every struct type first, so clashes are known before any is written.
	for _, m := range methods {
		for i := 0; i < m.Type.NumIn(); i++ {
			g.collect(m.Type.In(i))
		}
		for i := 0; i < m.Type.NumOut(); i++ {
			g.collect(m.Type.Out(i))
		}
	}
	g.assignNames()
	var b strings.Builder
	b.WriteString("// Code generated from the Go types by `make gen` (backend/tsgen). DO NOT EDIT.\n")
	b.WriteString("// Times are RFC 3339 strings in UTC; 64-bit integers fit a number up to 2^53.\n\n")
	var enumNames []string
	enumOf := map[string]reflect.Type{}
	for t := range enums {
		enumNames = append(enumNames, t.Name())
		enumOf[t.Name()] = t
	}
	for n := range unions {
		enumNames = append(enumNames, n)
	}
	sort.Strings(enumNames)
	for _, n := range enumNames {
		var vals []string
		src := "the values of a ts:\"" + n + "\" field"
		values := unions[n]
		if t, ok := enumOf[n]; ok {
			values, src = enums[t], "Go: "+t.PkgPath()+"."+n
		}
		for _, v := range values {
			vals = append(vals, "'"+v+"'")
		}
		fmt.Fprintf(&b, "/** %s */\nexport type %s = %s\n\n", src, n, strings.Join(vals, " | "))
	}
	names := make([]string, 0, len(g.named))
	for _, n := range g.named {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := g.byName[n]
		if err := g.writeInterface(&b, n, t); err != nil {
			return "", err
		}
	}
	b.WriteString("/** Every bound method, as the desktop app binds it (window.go.main.App). */\n")
	b.WriteString("export interface Bindings {\n")
	sorted := append([]Method(nil), methods...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, m := range sorted {
		var params []string
		for i := 0; i < m.Type.NumIn(); i++ {
			name := fmt.Sprintf("a%d", i)
			if i < len(m.ParamNames) {
				name = m.ParamNames[i]
			}
			// Structs passed in are filters and queries: a missing field is
			// its Go zero value.
			pt := g.ts(m.Type.In(i))
			if m.Type.In(i).Kind() == reflect.Struct {
				pt = "Partial<" + pt + ">"
			}
			params = append(params, name+": "+pt)
		}
		result := "void"
		for i := 0; i < m.Type.NumOut(); i++ {
			if out := m.Type.Out(i); out != errorType {
				result = g.ts(out)
			}
		}
		fmt.Fprintf(&b, "  %s(%s): Promise<%s>\n", m.Name, strings.Join(params, ", "), result)
	}
	b.WriteString("}\n\n")
	b.WriteString("/** The HTTP twin of each bound method (banlist serve). */\n")
	b.WriteString("export const routes = {\n")
	for _, m := range sorted {
		if m.DesktopOnly {
			continue
		}
		fmt.Fprintf(&b, "  %s: { method: '%s', path: '%s' },\n", m.Name, m.HTTPMethod, m.HTTPPath)
	}
	b.WriteString("} as const\n\n")
	b.WriteString("/** The name of a bound method. */\nexport type Binding = keyof Bindings\n")
	return b.String(), nil
}

var (
	errorType = reflect.TypeFor[error]()
	timeType  = reflect.TypeFor[time.Time]()
)

type gen struct {
	named  map[reflect.Type]string // struct type → TS name
	byName map[string]reflect.Type
	seen   []reflect.Type
	enums  map[reflect.Type][]string
	unions map[string][]string
}

// collect records every struct type reachable from t.
func (g *gen) collect(t reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		if t.Kind() == reflect.Map {
			g.collect(t.Key())
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return
	}
	if _, ok := g.named[t]; ok {
		return
	}
	g.named[t] = ""
	g.seen = append(g.seen, t)
	for _, f := range fields(t) {
		g.collect(f.typ)
	}
}

// assignNames names each struct type after its Go name, prefixed with its
// package's name where two packages use the same one (bans.Page, contacts.Page).
func (g *gen) assignNames() {
	count := map[string]int{}
	for _, t := range g.seen {
		count[t.Name()]++
	}
	for _, t := range g.seen {
		n := t.Name()
		if n == "" {
			panic("tsgen: anonymous struct types are not supported; give the type a name")
		}
		if count[n] > 1 {
			pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
			n = string(unicode.ToUpper(rune(pkg[0]))) + pkg[1:] + n
		}
		g.named[t] = n
		g.byName[n] = t
	}
}

type field struct {
	name     string
	typ      reflect.Type
	optional bool
	union    string // a `ts:"Name"` tag: the field is that union
}

// fields lists t's JSON fields as encoding/json sees them, embedded
// structs flattened.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, fields(et)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, typ: f.Type, union: f.Tag.Get("ts"),
			optional: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	return out
}

func (g *gen) writeInterface(b *strings.Builder, name string, t reflect.Type) error {
	fmt.Fprintf(b, "/** Go: %s.%s */\nexport interface %s {\n", t.PkgPath(), t.Name(), name)
	for _, f := range fields(t) {
		opt := ""
		if f.optional {
			opt = "?"
		}
		typ := g.ts(f.typ)
		if f.union != "" {
			if _, ok := g.unions[f.union]; !ok || f.typ.Kind() != reflect.String {
				return fmt.Errorf("tsgen: %s.%s has ts:%q, which is no union of strings given to Generate", t.Name(), f.name, f.union)
			}
			typ = f.union
		}
		fmt.Fprintf(b, "  %s%s: %s\n", f.name, opt, typ)
	}
	b.WriteString("}\n\n")
	return nil
}

// ts is the TypeScript type of t's JSON form.
func (g *gen) ts(t reflect.Type) string {
	if t == timeType {
		return "string"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.ts(t.Elem()) + " | null"
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		if _, ok := g.enums[t]; ok {
			return t.Name()
		}
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64
		}
		el := g.ts(t.Elem())
		if strings.Contains(el, " ") {
			el = "(" + el + ")"
		}
		return el + "[]"
	case reflect.Map:
		return "Record<string, " + g.ts(t.Elem()) + ">"
	case reflect.Struct:
		return g.named[t]
	case reflect.Interface:
		return "unknown"
	}
	panic("tsgen: no TypeScript form for " + t.String())
}
