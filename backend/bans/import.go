package bans

import (
	"context"
	"errors"
	"sort"

	"banlist/backend/apperr"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// ImportLine is one address to block in a batch import.
type ImportLine struct {
	Line   int // the line number in the file, for messages
	Target string
	Period string
	Notes  string
}

// Rejection is a line of a batch import that was not blocked, and why.
// Message may name times as {placeholders} filled from Data.
type Rejection struct {
	Line    int
	Target  string
	Message string
	Data    any
}

// ImportResult is what a batch import did.
type ImportResult struct {
	Imported  int
	Rejected  []Rejection
	Committed bool // false when nothing needed writing
}

// Import blocks every valid line in one write transaction: all of them or,
// if the storage fails or ctx ends before the commit, none. A line that is
// invalid (address, period, notes), on the never-ban list, or already
// blocked (by an earlier ban or an earlier line of the same import) is rejected with its message and the
// others go on. The index is refreshed once, after the commit. progress, if
// not nil, is called with the lines checked so far and the total.
func (s *Service) Import(ctx context.Context, lines []ImportLine, progress func(done, total int)) (ImportResult, error) {
	type valid struct {
		ImportLine
		t ipaddr.Target
		p Period
	}
	var ok []valid
	var early []Rejection
	reject := func(l ImportLine, err error) Rejection {
		e := apperr.From(err)
		return Rejection{Line: l.Line, Target: l.Target, Message: e.Message, Data: e.Data}
	}
	for _, l := range lines {
		t, err := ipaddr.Parse(l.Target)
		if err == nil {
			var p Period
			if p, err = ParsePeriod(l.Period); err == nil {
				if err = checkNotes(l.Notes); err == nil {
					ok = append(ok, valid{l, t, p})
					continue
				}
			}
		}
		early = append(early, reject(l, err))
	}
	total := len(lines)
	if progress != nil {
		progress(len(early), total)
	}
	res := ImportResult{Rejected: early}
	if len(ok) == 0 {
		return res, nil
	}
	actor, source := s.actor(ctx)
	err := s.write(ctx, "import the addresses", func(tx *store.Tx) error {
		// The transaction may be retried while the file is busy: start over.
		res = ImportResult{Rejected: append([]Rejection(nil), early...)}
		now := s.nowMs()
		for i, v := range ok {
			if i%200 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil && i > 0 {
					progress(len(early)+i, total)
				}
			}
			err := s.refuseProtected(ctx, tx, v.t)
			if err == nil {
				_, err = insertBan(tx, v.t, v.p, v.Notes, actor, source, now)
			}
			var ae *apperr.Error
			switch {
			case err == nil:
				res.Imported++
			case errors.As(err, &ae) && (ae.Code == apperr.CodeAlreadyBlocked || ae.Code == apperr.CodeProtected):
				res.Rejected = append(res.Rejected, reject(v.ImportLine, err))
			default:
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return ImportResult{}, err
	}
	if progress != nil {
		progress(total, total)
	}
	res.Committed = true
	sortRejections(res.Rejected)
	return res, nil
}

// sortRejections puts rejections in file order (invalid lines were
// collected before the already-blocked ones).
func sortRejections(r []Rejection) {
	sort.SliceStable(r, func(i, j int) bool { return r[i].Line < r[j].Line })
}
