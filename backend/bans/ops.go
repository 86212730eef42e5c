package bans

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"banlist/backend/apperr"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func msTimePtr(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	t := msTime(*ms)
	return &t
}

// status says where ban r stands at now (Unix ms).
func status(r store.Ban, now int64) Status {
	switch {
	case r.RemovedAt != nil:
		return StatusRemoved
	case r.ExpiresAt <= now:
		return StatusExpired
	default:
		return StatusActive
	}
}

// toBan is row r as the API shows it at now (Unix ms).
func toBan(r store.Ban, now int64) Ban {
	return Ban{
		ID:          r.ID,
		Target:      r.Target,
		IsRange:     r.IsRange,
		Period:      Period(r.Period),
		PeriodLabel: Period(r.Period).Label(),
		Notes:       r.Notes,
		CreatedBy:   r.CreatedBy,
		CreatedAt:   msTime(r.CreatedAt),
		ExpiresAt:   msTime(r.ExpiresAt),
		RemovedAt:   msTimePtr(r.RemovedAt),
		RemovedBy:   r.RemovedBy,
		Renewals:    r.Renewals,
		Status:      status(r, now),
	}
}

// toEvent is history row r as the API shows it. Renewed and unbanned events
// keep their reason in the notes column (see checkReason).
func toEvent(r store.BanEvent) Event {
	e := Event{
		ID:        r.ID,
		BanID:     r.BanID,
		Target:    r.Target,
		Kind:      r.Kind,
		Actor:     r.Actor,
		At:        msTime(r.At),
		Period:    Period(r.Period),
		Notes:     r.Notes,
		ExpiresAt: msTimePtr(r.ExpiresAt),
	}
	if hasReason(r.Kind) {
		e.Reason, e.Notes = r.Notes, ""
	}
	return e
}

func notFound(id int64) error {
	return &apperr.Error{Code: apperr.CodeNotFound, Message: fmt.Sprintf("Ban #%d does not exist.", id), Err: ErrNotFound}
}

// alreadyBlocked explains which active ban already covers target. The expiry
// stays a {expiresAt} placeholder filled from Data (the covering ban): only
// the reader's screen knows the reader's time zone.
func alreadyBlocked(target string, cover store.Ban, now int64) error {
	var msg string
	if cover.Target == target {
		msg = fmt.Sprintf("%s is already blocked by %s until {expiresAt} (ban #%d).",
			target, cover.CreatedBy, cover.ID)
	} else {
		msg = fmt.Sprintf("%s is already blocked as part of the range %s, blocked by %s until {expiresAt} (ban #%d).",
			target, cover.Target, cover.CreatedBy, cover.ID)
	}
	return &apperr.Error{
		Code:    apperr.CodeAlreadyBlocked,
		Field:   ipaddr.Field,
		Message: msg,
		Data:    toBan(cover, now),
		Err:     ErrAlreadyBlocked,
	}
}

// shortens refuses a renewal that would end row earlier than it ends now.
// The times travel as data, so each reader sees them in their own zone.
func shortens(row store.Ban, proposed, now int64) error {
	return &apperr.Error{
		Code:    apperr.CodeShortens,
		Field:   "period",
		Message: "This shortens the block on {target} from {current} to {proposed}.",
		Data: map[string]any{
			"target": row.Target, "current": msTime(row.ExpiresAt), "proposed": msTime(proposed),
			"ban": toBan(row, now),
		},
		Err: ErrShortens,
	}
}

// checkNotes accepts any valid UTF-8 text of up to MaxNotes characters
// without NUL bytes.
func checkNotes(notes string) error {
	bad := func(msg string) error {
		return &apperr.Error{Code: apperr.CodeInvalid, Field: "notes", Message: msg, Err: ErrInvalidNotes}
	}
	switch {
	case !utf8.ValidString(notes):
		return bad("The notes contain bytes that are not valid text (invalid UTF-8); retype or paste them again.")
	case strings.IndexByte(notes, 0) >= 0:
		return bad("The notes contain a NUL character, which cannot be stored; remove it.")
	case utf8.RuneCountInString(notes) > MaxNotes:
		return bad(fmt.Sprintf("The notes are %d characters long; the limit is %d.", utf8.RuneCountInString(notes), MaxNotes))
	}
	return nil
}

// findRow reads ban id; a missing ban is ErrNotFound.
func findRow(tx *store.Tx, id int64) (store.Ban, error) {
	row, ok, err := tx.GetBan(id)
	if err == nil && !ok {
		err = notFound(id)
	}
	return row, err
}

// BanIP blocks target (an address or CIDR range, see ipaddr.Parse) for
// period, with free-text notes stored as given. It refuses, with
// CodeAlreadyBlocked and the covering ban as Data, when an active ban on the
// same target or on a range containing it exists. An expired (not removed)
// ban on the same target does not stand in the way: it stays in the list as
// expired and the new ban is a new record.
func (s *Service) BanIP(ctx context.Context, target, period, notes string) (Ban, error) {
	t, err := ipaddr.Parse(target)
	if err != nil {
		return Ban{}, err
	}
	p, err := ParsePeriod(period)
	if err != nil {
		return Ban{}, err
	}
	if err := checkNotes(notes); err != nil {
		return Ban{}, err
	}
	actor, source := s.actor(ctx)
	var out Ban
	err = s.write(ctx, "block "+t.String(), func(tx *store.Tx) error {
		if err := s.refuseProtected(ctx, tx, t); err != nil {
			return err
		}
		var err error
		out, err = insertBan(tx, t, p, notes, actor, source, s.nowMs())
		return err
	})
	return out, err
}

// Renew sets ban id to end period from now, whether it is active or already
// expired (which revives it), and counts the renewal. A removed ban cannot be
// renewed (CodeConflict, ErrRemoved); an expired one cannot be revived while
// a newer active ban on the same target exists (CodeAlreadyBlocked). A
// renewal that would end an active ban earlier than it ends now is refused
// with CodeShortens (ErrShortens) and both times as Data, unless
// allowShorten says the supervisor confirmed it. reason, optional, is
// recorded with the renewal in the history (see checkReason).
func (s *Service) Renew(ctx context.Context, id int64, period string, allowShorten bool, reason string) (Ban, error) {
	p, err := ParsePeriod(period)
	if err != nil {
		return Ban{}, err
	}
	if reason, err = checkReason(reason); err != nil {
		return Ban{}, err
	}
	actor, source := s.actor(ctx)
	var out Ban
	err = s.write(ctx, fmt.Sprintf("renew ban #%d", id), func(tx *store.Tx) error {
		now := s.nowMs()
		row, err := findRow(tx, id)
		if err != nil {
			return err
		}
		if row.RemovedAt != nil {
			return &apperr.Error{
				Code: apperr.CodeConflict,
				// {removedAt} is filled from Data in the reader's time zone.
				Message: fmt.Sprintf("Ban #%d on %s was removed by %s on {removedAt} and cannot be renewed; block the address again instead.",
					id, row.Target, row.RemovedBy),
				Data: toBan(row, now),
				Err:  ErrRemoved,
			}
		}
		if t, err := ipaddr.Parse(row.Target); err == nil {
			if err := s.refuseProtected(ctx, tx, t); err != nil {
				return err
			}
		}
		if row.ExpiresAt <= now {
			other, found, err := tx.NewerActiveBan(row.Target, id, now)
			if err != nil {
				return err
			}
			if found {
				return alreadyBlocked(row.Target, other, now)
			}
		}
		proposed := p.Add(msTime(now)).UnixMilli()
		if proposed < row.ExpiresAt && row.ExpiresAt > now && !allowShorten {
			return shortens(row, proposed, now)
		}
		row.Period = string(p)
		row.ExpiresAt = proposed
		row.Renewals++
		if err := tx.RenewBan(id, row.Period, row.ExpiresAt); err != nil {
			return err
		}
		if err := tx.InsertBanEvent(store.BanEvent{
			BanID: id, Target: row.Target, Kind: EventRenewed, Actor: actor, At: now,
			Period: row.Period, Notes: reason, ExpiresAt: &row.ExpiresAt, Source: source,
		}); err != nil {
			return err
		}
		out = toBan(row, now)
		return nil
	})
	return out, err
}

// Unban removes ban id now. The record is kept (status removed). Unbanning a
// ban that is already removed changes nothing and reports AlreadyRemoved.
// reason, optional, is recorded with the unban in the history.
func (s *Service) Unban(ctx context.Context, id int64, reason string) (UnbanResult, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return UnbanResult{}, err
	}
	actor, source := s.actor(ctx)
	var out UnbanResult
	err = s.write(ctx, fmt.Sprintf("unblock ban #%d", id), func(tx *store.Tx) error {
		now := s.nowMs()
		row, err := findRow(tx, id)
		if err != nil {
			return err
		}
		if row.RemovedAt != nil {
			out = UnbanResult{Ban: toBan(row, now), AlreadyRemoved: true}
			return nil
		}
		row.RemovedAt, row.RemovedBy = &now, actor
		if err := tx.RemoveBan(id, now, actor); err != nil {
			return err
		}
		if err := tx.InsertBanEvent(store.BanEvent{
			BanID: id, Target: row.Target, Kind: EventUnbanned, Actor: actor, At: now, Period: row.Period, Notes: reason, Source: source,
		}); err != nil {
			return err
		}
		out = UnbanResult{Ban: toBan(row, now)}
		return nil
	})
	return out, err
}

// GetBan returns ban id as it stands now.
func (s *Service) GetBan(ctx context.Context, id int64) (Ban, error) {
	var out Ban
	err := s.read(ctx, fmt.Sprintf("read ban #%d", id), func(tx *store.Tx) error {
		row, err := findRow(tx, id)
		if err != nil {
			return err
		}
		out = toBan(row, s.nowMs())
		return nil
	})
	return out, err
}

// BanHistory returns every event of every ban ever made on target (an
// address or range, normalized as by ipaddr.Parse), newest first. Besides
// the stored banned, renewed and unbanned events, it includes a derived
// "expired" event (ID 0, actor "system") each time a ban lapsed.
func (s *Service) BanHistory(ctx context.Context, target string) ([]Event, error) {
	t, err := ipaddr.Parse(target)
	if err != nil {
		return nil, err
	}
	var rows []store.BanEvent
	err = s.read(ctx, "read the history of "+t.String(), func(tx *store.Tx) error {
		var err error
		rows, err = tx.BanEventsOfTarget(t.String())
		return err
	})
	if err != nil {
		return nil, err
	}
	return withExpiries(rows, s.nowMs()), nil
}

// ListBlacklist returns one page of bans matching f, and how many match in all.
func (s *Service) ListBlacklist(ctx context.Context, f Filter) (Page, error) {
	invalid := func(field, msg string) error {
		return &apperr.Error{Code: apperr.CodeInvalid, Field: field, Message: msg, Err: ErrInvalidFilter}
	}
	now := s.nowMs()
	q := store.BanListQuery{Now: now, Desc: f.Desc}
	switch strings.ToLower(strings.TrimSpace(f.Status)) {
	case "", string(StatusActive):
		q.Status = store.BanListActive
	case string(StatusExpired):
		q.Status = store.BanListExpired
	case StatusExpiring:
		q.Status, q.Until = store.BanListExpiring, now+ExpiringWithin.Milliseconds()
	case string(StatusRemoved):
		q.Status = store.BanListRemoved
	case "all":
		q.Status = store.BanListAll
	default:
		return Page{}, invalid("status", fmt.Sprintf("%q is not a list status; use active, expiring, expired, removed or all.", shorten(f.Status, 40)))
	}
	switch strings.ToLower(strings.TrimSpace(f.Sort)) {
	case "", "expires":
		q.Sort = store.BanListByExpiry
	case "created":
		q.Sort = store.BanListByCreated
	case "ip":
		q.Sort = store.BanListByAddress
	default:
		return Page{}, invalid("sort", fmt.Sprintf("%q is not a sort order; use expires, created or ip.", shorten(f.Sort, 40)))
	}
	search := strings.TrimSpace(f.Search)
	switch {
	case !utf8.ValidString(search) || strings.IndexByte(search, 0) >= 0:
		return Page{}, invalid("search", "The search text contains characters that are not valid text.")
	case utf8.RuneCountInString(search) > maxSearch:
		return Page{}, invalid("search", fmt.Sprintf("The search text is too long; the limit is %d characters.", maxSearch))
	}
	q.Search = search
	page, size := f.Page, f.PageSize
	if page < 1 {
		page = 1
	}
	if page > maxPage {
		return Page{}, invalid("page", fmt.Sprintf("Page %d is out of range.", page))
	}
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	q.Limit, q.Offset = size, (page-1)*size

	out := Page{Page: page, PageSize: size, Items: []Ban{}}
	var rows []store.Ban
	err := s.read(ctx, "read the ban list", func(tx *store.Tx) error {
		var err error
		rows, out.Total, err = tx.ListBans(q)
		return err
	})
	if err != nil {
		return Page{}, err
	}
	for _, r := range rows {
		out.Items = append(out.Items, toBan(r, now))
	}
	return out, nil
}
