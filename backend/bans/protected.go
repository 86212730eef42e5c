package bans

import (
	"context"
	"fmt"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// refuseProtected fails with CodeProtected when t shares any address with
// an entry of the never-ban list (t inside the entry, the entry inside t,
// or a partial overlap), naming the entry so the supervisor knows why.
func (s *Service) refuseProtected(ctx context.Context, tx *store.Tx, t ipaddr.Target) error {
	hits, err := tx.ProtectedOverlapping(t.Lo(), t.Hi())
	if err != nil || len(hits) == 0 {
		return err
	}
	p := hits[0]
	why := ""
	if notes := strings.TrimSpace(p.Notes); notes != "" {
		why = fmt.Sprintf(" (“%s”)", shorten(notes, 80))
	}
	var msg string
	if p.Target == t.String() {
		msg = fmt.Sprintf("%s is on the never-ban list%s, added by %s on {addedAt}; remove it from Settings → Protected addresses first if it must be blocked.",
			p.Target, why, p.CreatedBy)
	} else {
		msg = fmt.Sprintf("%s overlaps the never-ban entry %s%s, added by %s on {addedAt}; it cannot be blocked.",
			t.String(), p.Target, why, p.CreatedBy)
	}
	return &apperr.Error{Code: apperr.CodeProtected, Field: ipaddr.Field, Message: msg, Err: ErrProtected,
		Data: map[string]any{"addedAt": msTime(p.CreatedAt)}}
}
