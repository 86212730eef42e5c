package httpapi

import (
	"net/http"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/contacts"
	"banlist/backend/service"
)

// Routes lists every API endpoint. Keep it in step with the App methods in
// app.go: TestEveryBindingHasAnHTTPTwin checks it.
func Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/info", Binding: "Info", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.Info(r.Context())
		}},
		{Method: "GET", Path: "/api/v1/contacts", Binding: "ListContacts", handle: func(s *service.Service, r *http.Request) (any, error) {
			q, err := contactQuery(r)
			if err != nil {
				return nil, err
			}
			return s.ListContacts(r.Context(), q)
		}},
		{Method: "GET", Path: "/api/v1/contacts/{id}", Binding: "GetContact", handle: func(s *service.Service, r *http.Request) (any, error) {
			id, err := pathID(r)
			if err != nil {
				return nil, err
			}
			return s.GetContact(r.Context(), id)
		}},
		{Method: "GET", Path: "/api/v1/agents", Binding: "ListAgents", handle: func(s *service.Service, r *http.Request) (any, error) {
			return s.ListAgents(r.Context())
		}},
	}
}

func contactQuery(r *http.Request) (contacts.Query, error) {
	v := r.URL.Query()
	q := contacts.Query{Search: v.Get("search"), Agent: v.Get("agent"), Sort: v.Get("sort")}
	var err error
	if q.Desc, err = queryBool(r, "desc"); err != nil {
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
