package service

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"banlist/backend/actor"
	"banlist/backend/apperr"
)

// acting returns ctx with a named actor: the one already on ctx (a token's
// name), else this machine's operator, so that audit records and
// created_by columns always name someone.
func (s *Service) acting(ctx context.Context) (context.Context, actor.Actor) {
	a, _ := actor.From(ctx)
	if strings.TrimSpace(a.Name) == "" {
		a.Name = s.Operator()
	}
	return actor.With(ctx, a), a
}

// forbidden is the refusal of something the caller's role does not allow.
func forbidden(msg string) error {
	return &apperr.Error{Code: apperr.CodeForbidden, Message: msg}
}

// requireSupervisor refuses callers whose token has a lesser role. The HTTP
// door already checks each route's role; this guards the service itself.
func requireSupervisor(ctx context.Context, what string) error {
	a, _ := actor.From(ctx)
	if role := a.RoleOf(); role != actor.RoleSupervisor {
		return forbidden(fmt.Sprintf("A %s token may not %s; ask a supervisor.", role, what))
	}
	return nil
}

// checkText accepts valid UTF-8 text without control characters (line
// breaks allowed when multiline) of at most max characters.
func checkText(field, label, s string, max int, multiline bool) error {
	switch {
	case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
		return apperr.Invalid(field, fmt.Sprintf("The %s contain characters that are not valid text.", label))
	case utf8.RuneCountInString(s) > max:
		return apperr.Invalid(field, fmt.Sprintf("The %s are %d characters long; the limit is %d.", label, utf8.RuneCountInString(s), max))
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return apperr.Invalid(field, fmt.Sprintf("The %s cannot contain control characters.", label))
		}
	}
	return nil
}
