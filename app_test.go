package main

import (
	"reflect"
	"testing"

	"banlist/backend/httpapi"
)

// desktopOnly lists the methods that only make sense in a desktop window, and why.
var desktopOnly = map[string]string{
	"ChooseDatabaseFile": "a native file dialog; the browser types the path",
	"ChooseBackupFile":   "a native save dialog; the browser types the path",
}

// Every method the desktop binds must also be reachable over HTTP, so the
// browser mode and the chat servers see the same operations.
func TestEveryBindingHasAnHTTPTwin(t *testing.T) {
	routes := map[string]string{}
	for _, rt := range httpapi.Routes() {
		routes[rt.Binding] = rt.Pattern()
	}
	typ := reflect.TypeFor[*App]()
	if typ.NumMethod() == 0 {
		t.Fatal("App binds no methods")
	}
	for i := 0; i < typ.NumMethod(); i++ {
		name := typ.Method(i).Name
		if _, ok := desktopOnly[name]; ok {
			continue
		}
		if _, ok := routes[name]; !ok {
			t.Errorf("bound method App.%s has no HTTP route (add one in backend/httpapi/routes.go)", name)
		}
		delete(routes, name)
	}
	for binding, pattern := range routes {
		if binding != "" {
			t.Errorf("route %s names binding %q, which App does not have", pattern, binding)
		}
	}
}
