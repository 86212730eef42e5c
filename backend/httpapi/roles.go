package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/service"
)

// identify says who makes an API request and with which role:
//   - the --token of `banlist serve`: a supervisor, recorded under the
//     server's operator name;
//   - the --check-token, on the check endpoint only: role check;
//   - a named token (`banlist token add`): its role, recorded under its name;
//   - no token, where none is required (loopback without --token): a
//     supervisor; on the check endpoint without a --check-token: anyone may ask.
//
// A token that is presented but unknown is refused even where none is
// required, so a revoked token stops working everywhere.
func identify(svc *service.Service, opts Options, r *http.Request) (actor.Actor, error) {
	who := actor.Actor{Source: actor.Browser, Remote: r.RemoteAddr}
	isCheck := r.URL.Path == checkPath && r.Method == http.MethodGet
	tok := presented(r)
	switch {
	case tok != "" && equalSecret(tok, opts.Token):
		who.Role = actor.RoleSupervisor
		return who, nil
	case tok != "" && isCheck && equalSecret(tok, opts.CheckToken):
		who.Role = actor.RoleCheck
		return who, nil
	case tok != "":
		t, ok, err := svc.Authenticate(r.Context(), tok)
		if err != nil {
			return who, err
		}
		if !ok {
			return who, &apperr.Error{Code: apperr.CodeUnauthorized,
				Message: "This token is not valid: it is wrong or has been deleted. Ask a supervisor for a new one."}
		}
		return actor.Actor{Name: t.Name, Source: actor.Token, Remote: r.RemoteAddr, Role: t.Role}, nil
	}
	// The check endpoint is exempt from the main token; it has its own
	// read-only token when one is configured. Everything else needs Token.
	required := opts.Token != "" && !isCheck || isCheck && opts.CheckToken != ""
	if required {
		return who, &apperr.Error{Code: apperr.CodeUnauthorized,
			Message: "A token is required: send Authorization: Bearer <token>, or open the app with ?token=<token>."}
	}
	who.Role = actor.RoleSupervisor
	if isCheck {
		who.Role = actor.RoleCheck
	}
	return who, nil
}

// namedToken reports whether t is a named token, for the ?token= address.
func namedToken(svc *service.Service, r *http.Request, t string) bool {
	_, ok, err := svc.Authenticate(r.Context(), t)
	if err != nil {
		slog.Warn("check token", "err", err)
	}
	return ok
}

// authorize refuses a request whose caller's role is below the route's.
func authorize(r *http.Request, rt Route) error {
	who, _ := actor.From(r.Context())
	have := who.RoleOf()
	if actor.Allows(have, rt.Role) {
		return nil
	}
	if have == actor.RoleCheck {
		return &apperr.Error{Code: apperr.CodeForbidden, Message: fmt.Sprintf(
			"A check token may only ask GET %s whether an address is blocked.", checkPath)}
	}
	return &apperr.Error{Code: apperr.CodeForbidden, Message: fmt.Sprintf(
		"An %s token may not %s; that needs a %s.", have, rolesWhat(rt), rt.Role)}
}

// rolesWhat names what a route does, for refusals.
func rolesWhat(rt Route) string {
	if w, ok := routeWhat[rt.Binding]; ok {
		return w
	}
	return fmt.Sprintf("call %s %s", rt.Method, rt.Path)
}

var routeWhat = map[string]string{
	"Renew":           "renew a block",
	"Unban":           "remove a block",
	"ImportBans":      "import bans",
	"ImportContacts":  "import contacts",
	"OpenDatabase":    "switch databases",
	"CreateDatabase":  "create databases",
	"ConnectDatabase": "switch databases",
	"SetOperator":     "change the operator name",
	"AddProtected":    "change the never-ban list",
	"RemoveProtected": "change the never-ban list",
	"ListTokens":      "manage tokens",
	"AddToken":        "manage tokens",
	"DeleteToken":     "manage tokens",
	"ListAudit":       "read the audit trail",
	"ExportAudit":     "export the audit trail",
}
