package httpapi

import (
	"net"
	"net/http"
	"strings"

	"banlist/backend/apperr"
)

// hostCheck refuses, with 421 and before any other handler runs, a request
// whose Host header is not a name this server answers to. It defeats DNS
// rebinding: a page on an attacker's domain that re-points its name at
// 127.0.0.1 reaches the port, but its requests still carry the attacker's
// name in Host.
//
// Accepted: "localhost", the listen address's host, the names given with
// --host, and, when listening on every interface (0.0.0.0 or ::), any IP
// literal (a rebinding attack needs a name; an address typed as such cannot
// be re-pointed). The port is not compared: the browser sends the port it
// connected to, which an attacker cannot make differ from ours, and tests
// listen on ":0".
func hostCheck(opts Options, next http.Handler) http.Handler {
	allowed := map[string]bool{"localhost": true}
	anyIP := false
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1"
	}
	for _, l := range strings.Split(listen, ",") {
		h := hostOnly(l)
		if ip := net.ParseIP(h); ip != nil {
			if ip.IsUnspecified() {
				anyIP = true
			}
			h = ip.String()
		}
		if h == "" {
			anyIP = true // ":8080" listens on every interface
		}
		allowed[h] = true
	}
	if opts.Listen == "" {
		allowed["::1"] = true
	}
	for _, h := range opts.Hosts {
		allowed[normalHost(h)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := hostOnly(r.Host)
		// No Host at all (an HTTP/1.0 client such as a chat server's
		// script) cannot come from a browser, so it cannot be rebinding.
		ok := h == "" || allowed[h]
		if !ok {
			if ip := net.ParseIP(h); ip != nil {
				ok = allowed[ip.String()] || anyIP
			}
		}
		if !ok {
			writeError(w, &apperr.Error{Code: apperr.CodeMisdirected, Field: "host",
				Message: "This server does not answer to the host name “" + clip(r.Host, 100) + "”. Open it as localhost or by its address, or start it with --host NAME."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostOnly returns the host of a Host header or listen address without its
// port and brackets, lower-cased and without a trailing dot.
func hostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return normalHost(h)
}

func normalHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(h), "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// clip shortens s to at most n bytes for a message.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
