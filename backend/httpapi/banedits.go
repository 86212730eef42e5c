package httpapi

import (
	"net/http"

	"banlist/backend/actor"
	"banlist/backend/service"
)

// banEditRoutes are the changes to an existing ban besides Renew and Unban:
// undoing an unban and editing the notes.
func banEditRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/bans/{id}/restore", Role: actor.RoleSupervisor, Binding: "RestoreBan", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			return s.RestoreBan(r.Context(), id)
		}},
		{Method: "PUT", Path: "/api/v1/bans/{id}/notes", Role: actor.RoleSupervisor, Binding: "EditBanNotes", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			var body struct {
				Notes string `json:"notes"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.EditBanNotes(r.Context(), id, body.Notes)
		}},
	}
}
