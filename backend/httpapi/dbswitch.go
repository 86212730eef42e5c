package httpapi

import (
	"net/http"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/service"
)

// switchOffNote is what the Database panel and a refused request say when
// the server was started without --allow-database-switch.
const switchOffNote = "This server was started without --allow-database-switch, so its database cannot be changed from the browser: a web client could otherwise make it enforce an empty blacklist, or probe which files exist on the server."

// withPolicy adapts the routes to opts: without AllowDatabaseSwitch the
// database open and create routes refuse with 403 before touching the file
// system, and Info says so, so that the UI shows the path read-only.
func withPolicy(routes []Route, opts Options) []Route {
	out := make([]Route, 0, len(routes))
	for _, rt := range routes {
		switch {
		case (rt.Binding == "OpenDatabase" || rt.Binding == "CreateDatabase") && !opts.AllowDatabaseSwitch:
			rt.handle = func(*service.Service, *http.Request) (any, error) {
				return nil, &apperr.Error{Code: apperr.CodeForbidden, Field: "path", Message: switchOffNote}
			}
		case rt.Binding == "Info":
			info := rt.handle
			rt.handle = func(s *service.Service, r *http.Request) (any, error) {
				v, err := info(s, r)
				if in, ok := v.(service.Info); ok && !opts.AllowDatabaseSwitch {
					in.DatabaseSwitch, in.DatabaseSwitchNote = false, switchOffNote
					v = in
				}
				return v, err
			}
		}
		out = append(out, rt)
	}
	return out
}

// withActor records who is acting through this door: the operator named on
// this server (the service fills in the name), from the client's address.
// An actor already on the request (a named token) is kept.
func withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := actor.From(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		ctx := actor.With(r.Context(), actor.Actor{Source: actor.Browser, Remote: r.RemoteAddr})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
