package store

import (
	"strings"
)

// Ban is a bans table row: one block of an address or CIDR range. Package
// bans turns it into its API type; the store only reads and writes it.
type Ban struct {
	ID        int64  `gorm:"column:id"`
	Target    string `gorm:"column:target"`
	IsRange   bool   `gorm:"column:is_range"`
	Period    string `gorm:"column:period"`
	Notes     string `gorm:"column:notes"`
	CreatedBy string `gorm:"column:created_by"`
	CreatedAt int64  `gorm:"column:created_at"` // Unix ms
	ExpiresAt int64  `gorm:"column:expires_at"` // Unix ms
	RemovedAt *int64 `gorm:"column:removed_at"` // Unix ms; nil while not lifted
	RemovedBy string `gorm:"column:removed_by"`
	Renewals  int    `gorm:"column:renewals"`
}

// banCols selects a Ban.
const banCols = `id, target, is_range, period, notes, created_by, created_at,
	expires_at, removed_at, removed_by, renewals`

// BanEvent is a ban_events table row: one change to a ban (banned, renewed,
// unbanned, restored, notes_edited), the history and the feed's cursor.
type BanEvent struct {
	ID        int64  `gorm:"column:id"`
	BanID     int64  `gorm:"column:ban_id"`
	Target    string `gorm:"column:target"`
	Kind      string `gorm:"column:kind"`
	Actor     string `gorm:"column:actor"`
	At        int64  `gorm:"column:at"` // Unix ms
	Period    string `gorm:"column:period"`
	Notes     string `gorm:"column:notes"`
	ExpiresAt *int64 `gorm:"column:expires_at"` // Unix ms; nil for events that set no expiry
	Source    string `gorm:"column:source"`     // the door the change came through (actor.Source)
}

// GetBan returns ban id, and whether it exists.
func (tx *Tx) GetBan(id int64) (Ban, bool, error) {
	var b Ban
	res := tx.g.Raw(`SELECT `+banCols+` FROM bans WHERE id = ?`, id).Scan(&b)
	return b, res.RowsAffected > 0, res.Error
}

// BansByID returns the bans with the given ids that exist, in no particular
// order. Callers pass at most a few hundred ids at a time.
func (tx *Tx) BansByID(ids []int64) ([]Ban, error) {
	out := []Ban{}
	if len(ids) == 0 {
		return out, nil
	}
	err := tx.g.Raw(`SELECT `+banCols+` FROM bans WHERE id IN ?`, ids).Scan(&out).Error
	return out, err
}

// InsertBan adds b covering the span lo..hi (16-byte keys, see ipaddr.Key)
// and returns it with its id. It writes no event: InsertBanEvent does.
func (tx *Tx) InsertBan(b Ban, lo, hi [16]byte) (Ban, error) {
	err := tx.g.Raw(`INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Target, boolInt(b.IsRange), lo[:], hi[:], b.Period, b.Notes, b.CreatedBy, b.CreatedAt, b.ExpiresAt,
	).Scan(&b.ID).Error
	return b, err
}

// InsertBanEvent records e (its ID is ignored) in the history.
func (tx *Tx) InsertBanEvent(e BanEvent) error {
	return tx.g.Exec(`INSERT INTO ban_events(ban_id, target, kind, actor, at, period, notes, expires_at, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.BanID, e.Target, e.Kind, e.Actor, e.At, e.Period, e.Notes, e.ExpiresAt, e.Source).Error
}

// CoveringBan finds the ban active at now on target, or on a range
// containing it, other than ban except (0 for none): one on target itself
// first, then the one that lasts longest. los are the first addresses such a
// ban can have (target masked to each prefix length a ban may have, see
// bans.coverLos) and hi is target's last address: each lo is one index seek,
// however many bans lie near target.
func (tx *Tx) CoveringBan(target string, los [][16]byte, hi [16]byte, now, except int64) (Ban, bool, error) {
	keys := make([]any, len(los))
	for i := range los {
		keys[i] = los[i][:]
	}
	d := tx.db.dialect()
	var b Ban
	res := tx.g.Raw(`SELECT `+banCols+` FROM bans
		WHERE lo IN ? AND hi >= ? AND `+d.activeAtBySeek("")+` AND id <> ?
		ORDER BY target = ? DESC, expires_at DESC, id DESC LIMIT 1`,
		keys, hi[:], now, except, target).Scan(&b)
	return b, res.RowsAffected > 0, res.Error
}

// NewerActiveBan returns the ban on exactly target, other than except, that
// is active at now and lasts longest: what stands in the way of reviving an
// expired ban on the same target.
func (tx *Tx) NewerActiveBan(target string, except, now int64) (Ban, bool, error) {
	var b Ban
	res := tx.g.Raw(`SELECT `+banCols+` FROM bans
		WHERE target = ? AND id <> ? AND `+activeAt("")+`
		ORDER BY expires_at DESC LIMIT 1`, target, except, now).Scan(&b)
	return b, res.RowsAffected > 0, res.Error
}

// RenewBan sets ban id's period and expiry and counts one more renewal.
func (tx *Tx) RenewBan(id int64, period string, expiresAt int64) error {
	return tx.g.Exec(`UPDATE bans SET period = ?, expires_at = ?, renewals = renewals + 1 WHERE id = ?`,
		period, expiresAt, id).Error
}

// RemoveBan lifts ban id at (Unix ms), by actor. The row stays.
func (tx *Tx) RemoveBan(id, at int64, actor string) error {
	return tx.g.Exec(`UPDATE bans SET removed_at = ?, removed_by = ? WHERE id = ?`, at, actor, id).Error
}

// UnremoveBan undoes RemoveBan: ban id is no longer lifted.
func (tx *Tx) UnremoveBan(id int64) error {
	return tx.g.Exec(`UPDATE bans SET removed_at = NULL, removed_by = '' WHERE id = ?`, id).Error
}

// SetBanNotes replaces the notes of ban id.
func (tx *Tx) SetBanNotes(id int64, notes string) error {
	return tx.g.Exec(`UPDATE bans SET notes = ? WHERE id = ?`, notes, id).Error
}

// BanEventsOfTarget returns every event of every ban on exactly target, in
// the order they happened.
func (tx *Tx) BanEventsOfTarget(target string) ([]BanEvent, error) {
	var out []BanEvent
	err := tx.g.Raw(`SELECT id, ban_id, target, kind, actor, at, period, notes, expires_at, source
		FROM ban_events WHERE target = ? ORDER BY at, id`, target).Scan(&out).Error
	return out, err
}

// BanListStatus selects the bans of a list by where they stand.
type BanListStatus int

// The list statuses. BanListExpiring is the active bans ending by
// BanListQuery.Until.
const (
	BanListActive BanListStatus = iota
	BanListExpiring
	BanListExpired
	BanListRemoved
	BanListAll
)

// BanListSort orders a list of bans.
type BanListSort int

// The list orders; each breaks ties by id, in the same direction.
const (
	BanListByExpiry  BanListSort = iota // expires_at
	BanListByCreated                    // created_at
	BanListByAddress                    // lo, hi: address order, a range before the addresses in it
)

// BanListQuery selects one page of bans.
type BanListQuery struct {
	Status BanListStatus
	Now    int64 // Unix ms: what active and expired mean
	Until  int64 // Unix ms: the end of the expiring window (BanListExpiring only)
	// Search, if not empty, keeps the bans whose target or notes contain it,
	// ignoring ASCII case.
	Search string
	Sort   BanListSort
	Desc   bool
	Limit  int
	Offset int
}

func (q BanListQuery) where(d dialect) (string, []any) {
	var where string
	var args []any
	switch q.Status {
	case BanListActive:
		where, args = activeAt(""), []any{q.Now}
	case BanListExpiring:
		where, args = activeAt("")+" AND expires_at <= ?", []any{q.Now, q.Until}
	case BanListExpired:
		where, args = "removed_at IS NULL AND expires_at <= ?", []any{q.Now}
	case BanListRemoved:
		where = "removed_at IS NOT NULL"
	default:
		where = "1 = 1"
	}
	if q.Search != "" {
		pattern := containsLike(q.Search)
		where += ` AND (` + d.likeFold("target") + ` OR ` + d.likeFold("notes") + `)`
		args = append(args, pattern, pattern)
	}
	return where, args
}

func (q BanListQuery) order() string {
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	switch q.Sort {
	case BanListByCreated:
		return "created_at" + dir + ", id" + dir
	case BanListByAddress:
		return "lo" + dir + ", hi" + dir + ", id" + dir
	}
	return "expires_at" + dir + ", id" + dir
}

// ListBans returns the page of bans q selects and how many it matches in all.
func (tx *Tx) ListBans(q BanListQuery) ([]Ban, int64, error) {
	where, args := q.where(tx.db.dialect())
	var total int64
	if err := tx.g.Raw(`SELECT count(*) FROM bans WHERE `+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Ban{}
	err := tx.g.Raw(`SELECT `+banCols+` FROM bans WHERE `+where+` ORDER BY `+q.order()+` LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Offset)...).Scan(&out).Error
	return out, total, err
}

// containsLike is the LIKE pattern (with ESCAPE '\') that matches any text
// containing s literally.
func containsLike(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}
