package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"banlist/backend/actor"
	"banlist/backend/bans"
	"banlist/backend/httpapi"
	"banlist/backend/tsgen"
)

// generatedTS is the frontend's copy of the API, written by `make gen`.
const generatedTS = "frontend/src/api/generated.ts"

// boundMethods describes every method App binds, with its parameter names
// (read from the source) and its HTTP twin.
func boundMethods(t *testing.T) []tsgen.Method {
	t.Helper()
	routes := map[string]httpapi.Route{}
	for _, rt := range httpapi.Routes() {
		routes[rt.Binding] = rt
	}
	params := map[string][]string{}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			var names []string
			for _, p := range fn.Type.Params.List {
				for _, n := range p.Names {
					names = append(names, n.Name)
				}
			}
			params[fn.Name.Name] = names
		}
	}
	v := reflect.ValueOf(&App{})
	typ := v.Type()
	var out []tsgen.Method
	for i := 0; i < typ.NumMethod(); i++ {
		name := typ.Method(i).Name
		m := tsgen.Method{Name: name, Type: v.Method(i).Type(), ParamNames: params[name]}
		if _, ok := desktopOnly[name]; ok {
			m.DesktopOnly = true
		} else if rt, ok := routes[name]; ok {
			m.HTTPMethod, m.HTTPPath = rt.Method, rt.Path
		}
		out = append(out, m)
	}
	return out
}

// enums are the named string types the frontend sees as unions.
func enums() map[reflect.Type][]string {
	var periods, statuses []string
	for _, p := range bans.Periods() {
		periods = append(periods, string(p))
	}
	for _, s := range bans.Statuses() {
		statuses = append(statuses, string(s))
	}
	return map[reflect.Type][]string{reflect.TypeFor[bans.Period](): periods, reflect.TypeFor[bans.Status](): statuses}
}

// The TypeScript types, signatures and routes the frontend is written
// against come from the Go code; this fails while they are out of date.
func TestTypeScriptAPIIsGenerated(t *testing.T) {
	want, err := tsgen.Generate(boundMethods(t), enums(), map[string][]string{"Role": actor.Roles()})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("BANLIST_GEN") == "1" {
		if err := os.WriteFile(generatedTS, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(generatedTS)
	if err != nil || string(got) != want {
		t.Fatalf("%s is out of date with the Go API: run `make gen` and commit it", generatedTS)
	}
}

// The frontend's client calls every binding (a method nobody can call from
// the UI is either dead or missing from the client).
func TestFrontendClientCallsEveryBinding(t *testing.T) {
	src, err := os.ReadFile("frontend/src/api/index.ts")
	if err != nil {
		t.Fatal(err)
	}
	called := map[string]bool{}
	for _, m := range regexp.MustCompile(`'([A-Z][A-Za-z]+)'`).FindAllStringSubmatch(string(src), -1) {
		called[m[1]] = true
	}
	for _, m := range boundMethods(t) {
		if !called[m.Name] {
			t.Errorf("frontend/src/api/index.ts never calls the binding %s", m.Name)
		}
	}
}
