package bans

import (
	"context"
	"fmt"

	"banlist/backend/apperr"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// Event kinds written by Restore and EditNotes.
const (
	EventRestored    = "restored"     // an unban undone: the same ban, its notes and expiry
	EventNotesEdited = "notes_edited" // the notes of an active ban changed (the event holds the new text)
)

// Restore undoes the unban of ban id: the same record becomes active again
// with its notes and original expiry, and the history records "restored".
// It refuses a ban that is not removed, one whose expiry has passed meanwhile
// (block the address again instead), and one whose target another active ban
// now covers (CodeAlreadyBlocked).
func (s *Service) Restore(ctx context.Context, id int64) (Ban, error) {
	actor, source := s.actor(ctx)
	var out Ban
	err := s.write(ctx, fmt.Sprintf("restore ban #%d", id), func(tx *store.Tx) error {
		now := s.nowMs()
		row, err := findRow(tx, id)
		if err != nil {
			return err
		}
		if row.RemovedAt == nil {
			return &apperr.Error{Code: apperr.CodeConflict, Message: fmt.Sprintf("Ban #%d on %s is not unbanned; there is nothing to undo.", id, row.Target), Data: toBan(row, now)}
		}
		if row.ExpiresAt <= now {
			return &apperr.Error{Code: apperr.CodeConflict,
				Message: fmt.Sprintf("Ban #%d on %s would have ended at {expiresAt}; block the address again instead.", id, row.Target),
				Data:    toBan(row, now)}
		}
		t, err := ipaddr.Parse(row.Target)
		if err != nil {
			return err
		}
		if cover, found, err := coveringBan(tx, t, now, id); err != nil || found {
			if err == nil {
				err = alreadyBlocked(row.Target, cover, now)
			}
			return err
		}
		if err := tx.UnremoveBan(id); err != nil {
			return err
		}
		row.RemovedAt, row.RemovedBy = nil, ""
		if err := tx.InsertBanEvent(store.BanEvent{
			BanID: id, Target: row.Target, Kind: EventRestored, Actor: actor, At: now,
			Period: row.Period, Notes: row.Notes, ExpiresAt: &row.ExpiresAt, Source: source,
		}); err != nil {
			return err
		}
		out = toBan(row, now)
		return nil
	})
	return out, err
}

// EditNotes replaces the notes of active ban id and records the new text in
// its history. Removed and expired bans keep the notes they ended with.
func (s *Service) EditNotes(ctx context.Context, id int64, notes string) (Ban, error) {
	if err := checkNotes(notes); err != nil {
		return Ban{}, err
	}
	actor, source := s.actor(ctx)
	var out Ban
	err := s.write(ctx, fmt.Sprintf("edit the notes of ban #%d", id), func(tx *store.Tx) error {
		now := s.nowMs()
		row, err := findRow(tx, id)
		if err != nil {
			return err
		}
		if row.RemovedAt != nil || row.ExpiresAt <= now {
			return &apperr.Error{Code: apperr.CodeConflict, Field: "notes",
				Message: fmt.Sprintf("Ban #%d on %s is no longer active; its notes stay as they were.", id, row.Target),
				Data:    toBan(row, now)}
		}
		if row.Notes == notes {
			out = toBan(row, now)
			return nil
		}
		if err := tx.SetBanNotes(id, notes); err != nil {
			return err
		}
		row.Notes = notes
		if err := tx.InsertBanEvent(store.BanEvent{
			BanID: id, Target: row.Target, Kind: EventNotesEdited, Actor: actor, At: now, Period: row.Period, Notes: notes, Source: source,
		}); err != nil {
			return err
		}
		out = toBan(row, now)
		return nil
	})
	return out, err
}
