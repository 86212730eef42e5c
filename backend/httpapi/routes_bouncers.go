package httpapi

import (
	"context"
	"net/http"

	"banlist/backend/actor"
	"banlist/backend/service"
)

// bouncerRoutes manage the CrowdSec bouncer keys (Settings → Enforcement).
// The bouncers themselves use /v1/ (package lapi), never these.
func bouncerRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/bouncers", Binding: "ListBouncers", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListBouncers(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/bouncers", Binding: "AddBouncer", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Name string `json:"name"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.AddBouncer(browserActor(s, r), body.Name)
		}},
		{Method: "DELETE", Path: "/api/v1/bouncers/{name}", Binding: "DeleteBouncer", handle: func(s *service.Service, r *http.Request) (any, error) {
			name := r.PathValue("name")
			if err := s.DeleteBouncer(browserActor(s, r), name); err != nil {
				return nil, err
			}
			return map[string]any{"name": name, "deleted": true}, nil
		}},
	}
}

// browserActor is the request's context carrying its actor: the one a
// middleware put there, else the operator through the browser door.
func browserActor(s *service.Service, r *http.Request) context.Context {
	if _, ok := actor.From(r.Context()); ok {
		return r.Context()
	}
	return actor.With(r.Context(), actor.Actor{Name: s.Operator(), Source: actor.Browser, Remote: r.RemoteAddr})
}
