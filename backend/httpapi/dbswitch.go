package httpapi

import (
	"net/http"

	"banlist/backend/apperr"
	"banlist/backend/service"
)

// switchOffNote is what the Database panel and a refused request say when
// the server was started without --allow-database-switch.
const switchOffNote = "This server was started without --allow-database-switch, so its database cannot be changed from the browser: a web client could otherwise make it enforce an empty blacklist, or probe which files exist on the server."

// backupOffNote is what a refused Back up now says: writing files on the
// server is the same power as switching its database.
const backupOffNote = "This server was started without --allow-database-switch, so the browser cannot make it write files on its disk. Back up on the server itself (docs/TEAMS.md), or restart it with --allow-database-switch."

// withPolicy adapts the routes to opts: without AllowDatabaseSwitch the
// database open, create, connect and backup routes refuse with 403 before touching
// the file system, and Info says so, so that the UI shows the path read-only.
func withPolicy(routes []Route, opts Options) []Route {
	out := make([]Route, 0, len(routes))
	for _, rt := range routes {
		switch {
		case (rt.Binding == "OpenDatabase" || rt.Binding == "CreateDatabase") && !opts.AllowDatabaseSwitch:
			rt.handle = func(*service.Service, *http.Request) (any, error) {
				return nil, &apperr.Error{Code: apperr.CodeForbidden, Field: "path", Message: switchOffNote}
			}
		case rt.Binding == "ConnectDatabase" && !opts.AllowDatabaseSwitch:
			rt.handle = func(*service.Service, *http.Request) (any, error) {
				return nil, &apperr.Error{Code: apperr.CodeForbidden, Field: "address", Message: switchOffNote}
			}
		case rt.Binding == "BackupDatabase" && !opts.AllowDatabaseSwitch:
			rt.handle = func(*service.Service, *http.Request) (any, error) {
				return nil, &apperr.Error{Code: apperr.CodeForbidden, Field: "path", Message: backupOffNote}
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
