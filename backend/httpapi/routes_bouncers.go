package httpapi

import (
	"net/http"

	"banlist/backend/actor"
	"banlist/backend/service"
)

// bouncerRoutes manage the CrowdSec bouncer keys (Settings → Enforcement).
// The bouncers themselves use /v1/ (package lapi), never these.
func bouncerRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/bouncers", Role: actor.RoleSupervisor, Binding: "ListBouncers", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListBouncers(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/bouncers", Role: actor.RoleSupervisor, Binding: "AddBouncer", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Name string `json:"name"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.AddBouncer(r.Context(), body.Name)
		}},
		{Method: "DELETE", Path: "/api/v1/bouncers/{name}", Role: actor.RoleSupervisor, Binding: "DeleteBouncer", handle: func(s *service.Service, r *http.Request) (any, error) {
			name := r.PathValue("name")
			if err := s.DeleteBouncer(r.Context(), name); err != nil {
				return nil, err
			}
			return map[string]any{"name": name, "deleted": true}, nil
		}},
	}
}
