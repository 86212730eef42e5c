// Package httpapi is the browser door onto the service layer: a JSON API
// under /api/v1 that mirrors the Wails bindings one for one, plus the
// embedded frontend with a single-page-app fallback.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/lapi"
	"banlist/backend/service"
)

// MaxBodyBytes caps every request body; larger bodies are refused, not cut.
const MaxBodyBytes = 1 << 20

// Route is one API endpoint. Binding names the Wails-bound App method it
// mirrors, so a test can prove both doors offer the same operations.
type Route struct {
	Method  string
	Path    string
	Binding string // empty for routes with no desktop twin (the event stream)
	// Role is the least role a caller needs (actor.RoleCheck, RoleAgent or
	// RoleSupervisor); every route must declare one (TestEveryRouteHasARole).
	Role string
	// handle returns a value sent as JSON; raw writes the response itself.
	handle func(s *service.Service, r *http.Request) (any, error)
	raw    func(s *service.Service, w http.ResponseWriter, r *http.Request) error
	// maxBody overrides MaxBodyBytes for routes that take a file.
	maxBody int64
}

// Pattern is the route as http.ServeMux spells it.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// New returns the handler that serves the API and the frontend in ui.
func New(svc *service.Service, ui fs.FS, opts Options) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range withPolicy(Routes(), opts) {
		mux.Handle(rt.Pattern(), endpoint(svc, rt))
	}
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apperr.Error{Code: apperr.CodeNotFound, Message: fmt.Sprintf("No API route %s %s.", r.Method, r.URL.Path)})
	}))
	// The CrowdSec Local API for bouncers, behind the same global checks as
	// everything else; it admits bouncer keys only (package lapi).
	mux.Handle("/v1/", lapi.Handler(svc.Feed))
	mux.Handle("/", spa(ui))
	return securityHeaders(hostCheck(opts, guard(svc, opts, mux)))
}

func endpoint(svc *service.Service, rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if rt.maxBody > 0 {
			limit = rt.maxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := authorize(r, rt); err != nil {
			writeError(w, err)
			return
		}
		if rt.raw != nil {
			if err := rt.raw(svc, w, r); err != nil {
				writeError(w, err)
			}
			return
		}
		out, err := rt.handle(svc, r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

var (
	jsonType = fixed("application/json; charset=utf-8")
	noStore  = fixed("no-store")
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Cache-Control"] = noStore
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Warn("write response", "err", err)
	}
}

func writeError(w http.ResponseWriter, err error) {
	e := apperr.From(err)
	if e.Code == apperr.CodeInternal {
		slog.Error("internal error", "err", err)
	}
	writeJSON(w, apperr.Status(e.Code), e)
}

// decodeBody reads a JSON object into v, refusing unknown fields, trailing
// data, oversized bodies, duplicate keys and text that is not valid UTF-8
// (or holds an unpaired surrogate) with messages that say which field, in
// JSON's words, never Go's.
func decodeBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(data, v)
}

// decodeOptionalBody is decodeBody for a body that may be left out: an empty
// (or blank) body leaves v as it is.
func decodeOptionalBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return err
	}
	return decodeJSON(data, v)
}

func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &apperr.Error{Code: apperr.CodeTooLarge, Message: fmt.Sprintf("Request body is larger than %d bytes.", tooBig.Limit)}
	case err != nil:
		return nil, apperr.Invalid("", "Request body could not be read: "+err.Error())
	}
	return data, nil
}

func decodeJSON(data []byte, v any) error {
	if err := checkJSONText(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return apperr.Invalid("", "Request body is empty; a JSON object is expected.")
		case errors.As(err, &syntax):
			return apperr.Invalid("", fmt.Sprintf("Request body is not valid JSON (at byte %d).", syntax.Offset))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return apperr.Invalid("", "Request body is not valid JSON: it ends in the middle of a value.")
		case errors.As(err, &typeErr) && typeErr.Field == "":
			return apperr.Invalid("", fmt.Sprintf("Request body has the wrong type: it must be a JSON object, not %s.", jsonValueKind(typeErr.Value)))
		case errors.As(err, &typeErr):
			return apperr.Invalid(typeErr.Field, fmt.Sprintf("Field “%s” has the wrong type: it must be %s, not %s.",
				typeErr.Field, jsonKind(typeErr.Type), jsonValueKind(typeErr.Value)))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.Invalid(name, fmt.Sprintf("Unknown field “%s”.", name))
		default:
			return apperr.Invalid("", "Request body could not be read as the expected JSON object.")
		}
	}
	if dec.More() {
		return apperr.Invalid("", "Request body has data after the JSON object.")
	}
	return nil
}

// pathID reads the {id} path segment as a positive integer.
func pathID(r *http.Request) (int64, error) {
	return parseID("id", r.PathValue("id"))
}

func parseID(field, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(field, fmt.Sprintf("“%s” is not a valid id (a positive whole number is expected).", s))
	}
	return id, nil
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, apperr.Invalid(name, fmt.Sprintf("“%s” must be a whole number.", name))
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, apperr.Invalid(name, fmt.Sprintf("“%s” must be true or false.", name))
	}
	return b, nil
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// The same values on every response: shared, never built per
		// request (the check endpoint answers thousands a second). Each
		// slice is full (len == cap), so an Add copies it instead of
		// writing into it, and Set replaces it.
		for k, v := range fixedHeaders {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

// fixedHeaders are the security headers of every response, keys already in
// canonical form.
var fixedHeaders = map[string][]string{
	"Content-Security-Policy": fixed("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
	"X-Content-Type-Options":  fixed("nosniff"),
	"X-Frame-Options":         fixed("DENY"),
	"Referrer-Policy":         fixed("no-referrer"),
}

func fixed(v string) []string { return []string{v} }

// spa serves files from ui and answers every other non-API path with
// index.html, so deep links like /contacts/42 load the app.
func spa(ui fs.FS) http.Handler {
	files := http.FileServerFS(ui)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name != "" {
			if st, err := fs.Stat(ui, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		index, err := fs.ReadFile(ui, "index.html")
		if err != nil {
			http.Error(w, "frontend not built: run `make build` or `npm run build` in frontend/", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}
