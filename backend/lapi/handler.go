package lapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// KeyHeader carries a bouncer's key, as CrowdSec bouncers send it.
const KeyHeader = "X-Api-Key"

// maxMetricsBody caps a usage-metrics report, which is read and dropped.
const maxMetricsBody = 1 << 16

// maxAgent caps the stored User-Agent.
const maxAgent = 200

// Handler serves /v1/ for the feed that feed returns at each request (the
// app can switch databases while it runs). Only bouncer keys open it; a
// missing, wrong or revoked key gets 403 {"message":"access forbidden"}.
// Answers are never compressed: some bouncers do not decode gzip.
func Handler(feed func() *Feed) http.Handler {
	mux := http.NewServeMux()
	// A "GET" pattern also serves HEAD; HEAD only checks the key.
	mux.Handle("GET /v1/decisions/stream", authed(feed, stream))
	mux.Handle("GET /v1/decisions", authed(feed, lookup))
	mux.Handle("POST /v1/usage-metrics", authed(feed, usageMetrics))
	mux.Handle("/v1/", authed(feed, func(_ *Feed, _ store.Bouncer, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, message("no route "+r.Method+" "+r.URL.Path))
	}))
	return mux
}

type handlerFunc func(f *Feed, b store.Bouncer, w http.ResponseWriter, r *http.Request)

func authed(feed func() *Feed, next handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := feed()
		b, err := f.Authenticate(r.Context(), r.Header.Get(KeyHeader))
		if errors.Is(err, ErrForbidden) {
			writeJSON(w, http.StatusForbidden, message("access forbidden"))
			return
		}
		if err != nil {
			fail(w, err)
			return
		}
		next(f, b, w, r)
	})
}

func stream(f *Feed, b store.Bouncer, w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	q := r.URL.Query()
	p := Pull{Remote: remoteHost(r), Agent: truncate(r.UserAgent(), maxAgent)}
	switch strings.ToLower(q.Get("startup")) {
	case "", "false", "0":
	case "true", "1":
		p.Startup = true
	default:
		writeJSON(w, http.StatusBadRequest, message("startup= must be true or false"))
		return
	}
	if q.Has("scopes") {
		p.Scopes = []string{}
		for _, s := range strings.Split(q.Get("scopes"), ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				p.Scopes = append(p.Scopes, s)
			}
		}
		if len(p.Scopes) == 0 {
			p.Scopes = nil // scopes= with nothing in it filters nothing
		}
	}
	out, err := f.Stream(r.Context(), b, p)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func lookup(f *Feed, _ store.Bouncer, w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	out, err := f.Lookup(r.Context(), r.URL.Query())
	if err != nil {
		fail(w, err)
		return
	}
	// nil encodes as the literal null, which is what bouncers expect for "none".
	writeJSON(w, http.StatusOK, out)
}

func usageMetrics(_ *Feed, _ store.Bouncer, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxMetricsBody))
	writeJSON(w, http.StatusCreated, struct{}{})
}

type apiMessage struct {
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func message(m string) apiMessage { return apiMessage{Message: m} }

// fail answers an error in CrowdSec's {"message": …} shape: the reason for
// bad input (400), a generic text for anything else (logged).
func fail(w http.ResponseWriter, err error) {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code != apperr.CodeInternal {
		writeJSON(w, apperr.Status(ae.Code), apiMessage{Message: ae.Message, Field: ae.Field})
		return
	}
	slog.Error("bouncer API", "err", err)
	writeJSON(w, http.StatusServiceUnavailable, message("the ban list cannot be read right now; banlist logged why"))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write bouncer answer", "err", err)
	}
}

func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
