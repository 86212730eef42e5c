package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/banscsv"
	"banlist/backend/contacts"
	"banlist/backend/service"
)

// Routes lists every API endpoint. Keep it in step with the App methods in
// app.go: TestEveryBindingHasAnHTTPTwin checks it.
func Routes() []Route {
	routes := append(coreRoutes(), judgementRoutes()...)
	routes = append(routes, banEditRoutes()...)
	return append(routes, bouncerRoutes()...)
}

// coreRoutes are the contacts, bans and database endpoints.
func coreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/info", Role: actor.RoleAgent, Binding: "Info", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.Info(r.Context())
		}},
		{Method: "GET", Path: "/api/v1/contacts", Role: actor.RoleAgent, Binding: "ListContacts", handle: func(s *service.Service, r *http.Request) (any, error) {
			q, err := contactQuery(r)
			if err != nil {
				return nil, err
			}
			return s.ListContacts(r.Context(), q)
		}},
		{Method: "GET", Path: "/api/v1/contacts/{id}", Role: actor.RoleAgent, Binding: "GetContact", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			return s.GetContact(r.Context(), id)
		}},
		{Method: "POST", Path: "/api/v1/contacts/import", Role: actor.RoleSupervisor, Binding: "ImportContacts", maxBody: 2*contacts.DefaultImportLimits.MaxBytes + 4096, handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Name    string `json:"name"`
				Content string `json:"content"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.ImportContacts(r.Context(), body.Name, body.Content)
		}},
		{Method: "GET", Path: "/api/v1/agents", Role: actor.RoleAgent, Binding: "ListAgents", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListAgents(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/bans", Role: actor.RoleAgent, Binding: "BanIP", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				IP     string `json:"ip"`
				Period string `json:"period"`
				Notes  string `json:"notes"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.BanIP(r.Context(), body.IP, body.Period, body.Notes)
		}},
		{Method: "GET", Path: "/api/v1/bans", Role: actor.RoleAgent, Binding: "ListBlacklist", handle: func(s *service.Service, r *http.Request) (any, error) {
			f, err := banFilter(r)
			if err != nil {
				return nil, err
			}
			return s.ListBlacklist(r.Context(), f)
		}},
		{Method: "GET", Path: "/api/v1/bans/{id}", Role: actor.RoleAgent, Binding: "GetBan", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			return s.GetBan(r.Context(), id)
		}},
		{Method: "POST", Path: "/api/v1/bans/{id}/renew", Role: actor.RoleSupervisor, Binding: "Renew", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			var body struct {
				Period       string `json:"period"`
				AllowShorten bool   `json:"allowShorten"`
				Reason       string `json:"reason"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.Renew(r.Context(), id, body.Period, body.AllowShorten, body.Reason)
		}},
		{Method: "DELETE", Path: "/api/v1/bans/{id}", Role: actor.RoleSupervisor, Binding: "Unban", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			// The body is optional: {"reason": "…"}.
			var body struct {
				Reason string `json:"reason"`
			}
			if err := decodeOptionalBody(r, &body); err != nil {
				return nil, err
			}
			return s.Unban(r.Context(), id, body.Reason)
		}},
		{Method: "GET", Path: "/api/v1/history", Role: actor.RoleAgent, Binding: "BanHistory", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.BanHistory(r.Context(), r.URL.Query().Get("target"))
		}},
		{Method: "GET", Path: "/api/v1/bans/export", Role: actor.RoleAgent, Binding: "ExportBans", raw: exportBans},
		{Method: "POST", Path: "/api/v1/bans/import", Role: actor.RoleSupervisor, Binding: "ImportBans", maxBody: 2*banscsv.MaxImportBytes + 1024, handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				CSV string `json:"csv"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.ImportBans(r.Context(), body.CSV)
		}},
		{Method: "GET", Path: "/api/v1/import/progress", Role: actor.RoleSupervisor, Binding: "ImportProgress", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ImportProgress(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/database/open", Role: actor.RoleSupervisor, Binding: "OpenDatabase", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Path   string `json:"path"`
				Shared bool   `json:"shared"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.OpenDatabase(r.Context(), body.Path, body.Shared)
		}},
		{Method: "POST", Path: "/api/v1/database/create", Role: actor.RoleSupervisor, Binding: "CreateDatabase", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Path   string `json:"path"`
				Shared bool   `json:"shared"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.CreateDatabase(r.Context(), body.Path, body.Shared)
		}},
		{Method: "POST", Path: "/api/v1/database/connect", Role: actor.RoleSupervisor, Binding: "ConnectDatabase", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Address string `json:"address"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.ConnectDatabase(r.Context(), body.Address)
		}},
		{Method: "POST", Path: "/api/v1/database/backup", Role: actor.RoleSupervisor, Binding: "BackupDatabase", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Path string `json:"path"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.BackupDatabase(r.Context(), body.Path)
		}},
		{Method: "PUT", Path: "/api/v1/operator", Role: actor.RoleSupervisor, Binding: "SetOperator", handle: func(s *service.Service, r *http.Request) (any, error) {
			var body struct {
				Name string `json:"name"`
			}
			if err := decodeBody(r, &body); err != nil {
				return nil, err
			}
			return s.SetOperator(r.Context(), body.Name)
		}},
		// Live refresh for browser mode: one event per change, no polling of tables.
		{Method: "GET", Path: "/api/v1/events", Role: actor.RoleAgent, raw: events},
		// The enforcement endpoint the chat server asks before it connects a customer.
		{Method: "GET", Path: "/api/v1/check", Role: actor.RoleCheck, Binding: "Check", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.Check(r.Context(), r.URL.Query().Get("ip"))
		}},
	}
}

func banFilter(r *http.Request) (bans.Filter, error) {
	v := r.URL.Query()
	f := bans.Filter{Status: v.Get("status"), Search: v.Get("search"), Sort: v.Get("sort")}
	var err error
	if f.Desc, err = queryBool(r, "desc"); err != nil {
		return f, err
	}
	if f.Page, err = queryInt(r, "page"); err != nil {
		return f, err
	}
	if f.PageSize, err = queryInt(r, "pageSize"); err != nil {
		return f, err
	}
	return f, nil
}

func contactQuery(r *http.Request) (contacts.Query, error) {
	v := r.URL.Query()
	q := contacts.Query{Search: v.Get("search"), Agent: v.Get("agent"), Sort: v.Get("sort")}
	var err error
	if q.Desc, err = queryBool(r, "desc"); err != nil {
		return q, err
	}
	if q.BlockedOnly, err = queryBool(r, "blockedOnly"); err != nil {
		return q, err
	}
	if q.Page, err = queryInt(r, "page"); err != nil {
		return q, err
	}
	if q.PageSize, err = queryInt(r, "pageSize"); err != nil {
		return q, err
	}
	if q.From, err = queryTime(r, "from"); err != nil {
		return q, err
	}
	if q.To, err = queryTime(r, "to"); err != nil {
		return q, err
	}
	return q, nil
}

func queryTime(r *http.Request, name string) (*time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, apperr.Invalid(name, "“"+name+"” must be a date-time like 2026-11-25T14:03:00Z.")
	}
	t = t.UTC()
	return &t, nil
}

// exportBans answers with the CSV of every ban matching the filter, as a download.
func exportBans(s *service.Service, w http.ResponseWriter, r *http.Request) error {
	f, err := banFilter(r)
	if err != nil {
		return err
	}
	// Buffered, so that an error can still become a JSON error response.
	var buf bytes.Buffer
	if _, err := s.ExportBans(r.Context(), f, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="banlist-%s.csv"`, time.Now().UTC().Format("2006-01-02")))
	_, err = buf.WriteTo(w)
	return err
}

// events streams Server-Sent Events: "changed" whenever the blacklist
// changes (here or in another process on the same file), and a comment
// every 25 s so proxies keep the connection open.
func events(s *service.Service, w http.ResponseWriter, r *http.Request) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("streaming unsupported")
	}
	changed := make(chan struct{}, 1)
	cancel := s.Subscribe(func() {
		select {
		case changed <- struct{}{}:
		default: // one pending notice is enough
		}
	})
	defer cancel()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-changed:
			fmt.Fprint(w, "event: changed\ndata: {}\n\n")
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		flusher.Flush()
	}
}
