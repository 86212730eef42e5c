package bans

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"banlist/backend/apperr"
)

// ErrInvalidReason marks a renewal or unban refused for its reason text.
var ErrInvalidReason = errors.New("bans: invalid reason")

// MaxReason is the longest reason, in characters (runes), a renewal or an
// unban may give.
const MaxReason = 500

// A renewal or an unban may say why. The reason is stored in the notes
// column of its renewed or unbanned event (which holds nothing else for
// those kinds), so the audit trail shows it as it shows a ban's notes;
// BanHistory returns it as Event.Reason.

// checkReason trims reason and accepts valid UTF-8 text of up to MaxReason
// characters without NUL bytes; "" means no reason given.
func checkReason(reason string) (string, error) {
	bad := func(msg string) (string, error) {
		return "", &apperr.Error{Code: apperr.CodeInvalid, Field: "reason", Message: msg, Err: ErrInvalidReason}
	}
	switch {
	case !utf8.ValidString(reason):
		return bad("The reason contains bytes that are not valid text (invalid UTF-8); retype or paste it again.")
	case strings.IndexByte(reason, 0) >= 0:
		return bad("The reason contains a NUL character, which cannot be stored; remove it.")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n > MaxReason {
		return bad(fmt.Sprintf("The reason is %d characters long; the limit is %d.", n, MaxReason))
	}
	return reason, nil
}

// hasReason says whether events of kind keep a reason (not notes) in their
// notes column.
func hasReason(kind string) bool { return kind == EventRenewed || kind == EventUnbanned }
