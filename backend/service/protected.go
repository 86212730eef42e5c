package service

import (
	"context"
	"fmt"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// ProtectedEntry is one address or range on the never-ban list.
type ProtectedEntry struct {
	ID        int64     `json:"id"`
	Target    string    `json:"target"`
	IsRange   bool      `json:"isRange"`
	Notes     string    `json:"notes"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
}

// AddProtectedResult is the new entry and the active bans it overlaps,
// which the supervisor is offered to lift.
type AddProtectedResult struct {
	Entry       ProtectedEntry `json:"entry"`
	Overlapping []bans.Ban     `json:"overlapping"`
}

// Audit kinds of the never-ban list.
const (
	AuditProtectedAdded   = "protected_added"
	AuditProtectedRemoved = "protected_removed"
)

func toProtected(p store.Protected) ProtectedEntry {
	return ProtectedEntry{ID: p.ID, Target: p.Target, IsRange: p.IsRange, Notes: p.Notes,
		CreatedBy: p.CreatedBy, CreatedAt: time.UnixMilli(p.CreatedAt).UTC()}
}

// ListProtected returns the never-ban list in address order.
func (s *Service) ListProtected(ctx context.Context) ([]ProtectedEntry, error) {
	rows, err := s.cur.Load().db.ListProtected(ctx)
	if err != nil {
		return nil, s.cur.Load().db.Fault(ctx, "read the never-ban list", err)
	}
	out := make([]ProtectedEntry, len(rows))
	for i, r := range rows {
		out[i] = toProtected(r)
	}
	return out, nil
}

// AddProtected puts an address or range on the never-ban list, so no ban,
// renewal or import line may cover it from now on. Bans already active on
// it are not lifted; they are returned so the supervisor can decide.
func (s *Service) AddProtected(ctx context.Context, target, notes string) (AddProtectedResult, error) {
	if err := requireSupervisor(ctx, "change the never-ban list"); err != nil {
		return AddProtectedResult{}, err
	}
	t, err := ipaddr.ParseProtected(target)
	if err != nil {
		return AddProtectedResult{}, err
	}
	if err := checkText("notes", "notes", notes, bans.MaxNotes, true); err != nil {
		return AddProtectedResult{}, err
	}
	ctx, who := s.acting(ctx)
	b := s.cur.Load()
	var entry store.Protected
	var ids []int64
	err = b.db.Write(ctx, func(tx *store.Tx) error {
		if dup, ok, err := tx.ProtectedByTarget(t.String()); err != nil {
			return err
		} else if ok {
			return &apperr.Error{Code: apperr.CodeConflict, Field: ipaddr.Field,
				Message: fmt.Sprintf("%s is already on the never-ban list (added by %s).", dup.Target, dup.CreatedBy)}
		}
		now := b.db.Clock.Now().UnixMilli()
		entry, err = tx.AddProtected(store.Protected{Target: t.String(), IsRange: t.IsRange, Notes: notes,
			CreatedBy: who.Name, CreatedAt: now}, t.Lo(), t.Hi())
		if err != nil {
			return err
		}
		if ids, err = tx.ActiveBanIDsOverlapping(t.Lo(), t.Hi(), now); err != nil {
			return err
		}
		detail := "Added to the never-ban list"
		if notes != "" {
			detail += ": " + notes
		}
		return tx.RecordAudit(store.AuditEntry{Kind: AuditProtectedAdded, Target: entry.Target, Detail: detail})
	})
	if err != nil {
		return AddProtectedResult{}, b.db.Fault(ctx, "add "+t.String()+" to the never-ban list", err)
	}
	res := AddProtectedResult{Entry: toProtected(entry), Overlapping: []bans.Ban{}}
	for _, id := range ids {
		ban, err := b.bans.GetBan(ctx, id)
		if err != nil {
			return res, err
		}
		res.Overlapping = append(res.Overlapping, ban)
	}
	return res, nil
}

// RemoveProtected takes entry id off the never-ban list.
func (s *Service) RemoveProtected(ctx context.Context, id int64) (ProtectedEntry, error) {
	if err := requireSupervisor(ctx, "change the never-ban list"); err != nil {
		return ProtectedEntry{}, err
	}
	ctx, _ = s.acting(ctx)
	b := s.cur.Load()
	var gone store.Protected
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		p, ok, err := tx.GetProtected(id)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.NotFound(fmt.Sprintf("Never-ban entry #%d does not exist (it may have been removed already).", id))
		}
		gone = p
		if err := tx.DeleteProtected(id); err != nil {
			return err
		}
		return tx.RecordAudit(store.AuditEntry{Kind: AuditProtectedRemoved, Target: p.Target,
			Detail: "Removed from the never-ban list (added by " + p.CreatedBy + ")"})
	})
	if err != nil {
		return ProtectedEntry{}, b.db.Fault(ctx, fmt.Sprintf("remove never-ban entry #%d", id), err)
	}
	return toProtected(gone), nil
}
