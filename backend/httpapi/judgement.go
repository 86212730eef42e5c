package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"banlist/backend/actor"
	"banlist/backend/service"
)

// judgementRoutes are the routes that help a supervisor judge a ban and
// account for it: the never-ban list, ban advice, API tokens and the audit trail.
func judgementRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/protected", Role: actor.RoleAgent, Binding: "ListProtected", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListProtected(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/protected", Role: actor.RoleSupervisor, Binding: "AddProtected", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Target string `json:"target"`
				Notes  string `json:"notes"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.AddProtected(r.Context(), body.Target, body.Notes)
		}},
		{Method: "DELETE", Path: "/api/v1/protected/{id}", Role: actor.RoleSupervisor, Binding: "RemoveProtected", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			return s.RemoveProtected(r.Context(), id)
		}},
		{Method: "GET", Path: "/api/v1/suggest", Role: actor.RoleAgent, Binding: "SuggestBan", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.SuggestBan(r.Context(), r.URL.Query().Get("ip"))
		}},
		{Method: "GET", Path: "/api/v1/tokens", Role: actor.RoleSupervisor, Binding: "ListTokens", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListTokens(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/tokens", Role: actor.RoleSupervisor, Binding: "AddToken", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Name string `json:"name"`
				Role string `json:"role"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.AddToken(r.Context(), body.Name, body.Role)
		}},
		{Method: "DELETE", Path: "/api/v1/tokens/{name}", Role: actor.RoleSupervisor, Binding: "DeleteToken", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.DeleteToken(r.Context(), r.PathValue("name"))
		}},
		{Method: "GET", Path: "/api/v1/audit", Role: actor.RoleSupervisor, Binding: "ListAudit", handle: func(s *service.Service, r *http.Request) (any, error) {
			f, err := auditFilter(r)
			if err != nil {
				return nil, err
			}
			return s.ListAudit(r.Context(), f)
		}},
		{Method: "GET", Path: "/api/v1/audit/export", Role: actor.RoleSupervisor, Binding: "ExportAudit", raw: exportAudit},
	}
}

func auditFilter(r *http.Request) (service.AuditFilter, error) {
	v := r.URL.Query()
	f := service.AuditFilter{Actor: v.Get("actor"), Kind: v.Get("kind")}
	var err error
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PageSize, err = queryInt(r, "pageSize"); err != nil {
		return f, err
	}
	if f.From, err = queryTime(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		return f, err
	}
	return f, nil
}

// exportAudit answers with the CSV of every audit event matching the filter, as a download.
func exportAudit(s *service.Service, w http.ResponseWriter, r *http.Request) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := s.ExportAudit(r.Context(), f, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="banlist-audit-%s.csv"`, time.Now().UTC().Format("2006-01-02")))
	_, err = buf.WriteTo(w)
	return err
}
