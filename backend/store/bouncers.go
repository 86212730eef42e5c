package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"banlist/backend/actor"
)

// ErrBouncerExists and ErrNoBouncer are AddBouncer's and DeleteBouncer's
// refusals; the service turns them into messages for the supervisor.
var (
	ErrBouncerExists = errors.New("a bouncer with this name exists")
	ErrNoBouncer     = errors.New("no bouncer with this name")
)

// Bouncer is one bouncers row: a key a CrowdSec bouncer presents on /v1/,
// where its previous pull ended, and who pulled last from where.
type Bouncer struct {
	ID          int64  `gorm:"column:id"`
	Name        string `gorm:"column:name"`
	KeyHash     string `gorm:"column:key_hash"`
	CreatedAt   int64  `gorm:"column:created_at"`
	CreatedBy   string `gorm:"column:created_by"`
	CursorEvent int64  `gorm:"column:cursor_event"`
	CursorAt    int64  `gorm:"column:cursor_at"`
	LastPullAt  *int64 `gorm:"column:last_pull_at"`
	LastRemote  string `gorm:"column:last_remote"`
	LastAgent   string `gorm:"column:last_agent"`
}

const bouncerCols = `id, name, key_hash, created_at, created_by, cursor_event, cursor_at, last_pull_at, last_remote, last_agent`

// AddBouncer stores a new bouncer called name with the hash of its key, and
// records who added it in the audit log, in one transaction. A name already
// used (ignoring case) is ErrBouncerExists.
func (db *DB) AddBouncer(ctx context.Context, name, keyHash string) (Bouncer, error) {
	a, _ := actor.From(ctx)
	b := Bouncer{Name: name, KeyHash: keyHash, CreatedAt: db.Clock.Now().UnixMilli(), CreatedBy: a.Name}
	err := db.Write(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.g.Raw(`SELECT count(*) FROM bouncers WHERE `+db.dialect().eqNoCase("name"), name).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrBouncerExists
		}
		if err := tx.g.Raw(`INSERT INTO bouncers(name, key_hash, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
			b.Name, b.KeyHash, b.CreatedAt, b.CreatedBy).Scan(&b.ID).Error; err != nil {
			// On PostgreSQL another process can add the same name between
			// the count and this insert; its unique index then refuses it.
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fmt.Errorf("%w: %w", ErrBouncerExists, err)
			}
			return err
		}
		return tx.RecordAudit(AuditEntry{Kind: "bouncer_added", Target: name,
			Detail: fmt.Sprintf("Added bouncer key %q for the CrowdSec Local API.", name)})
	})
	return b, err
}

// DeleteBouncer removes the bouncer called name (ignoring case), so its key
// stops working at once, and records it in the audit log.
func (db *DB) DeleteBouncer(ctx context.Context, name string) error {
	return db.Write(ctx, func(tx *Tx) error {
		res := tx.g.Exec(`DELETE FROM bouncers WHERE `+db.dialect().eqNoCase("name"), name)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNoBouncer
		}
		return tx.RecordAudit(AuditEntry{Kind: "bouncer_deleted", Target: name,
			Detail: fmt.Sprintf("Revoked bouncer key %q.", name)})
	})
}

// ListBouncers returns every bouncer, by name ignoring ASCII case.
func (db *DB) ListBouncers(ctx context.Context) ([]Bouncer, error) {
	var out []Bouncer
	err := db.WithContext(ctx).Raw(`SELECT ` + bouncerCols + ` FROM bouncers ORDER BY ` + db.dialect().orderNoCase("name")).Scan(&out).Error
	return out, err
}

// BouncerByKeyHash finds the bouncer whose key hashes to keyHash; found is
// false for an unknown or revoked key.
func (db *DB) BouncerByKeyHash(ctx context.Context, keyHash string) (b Bouncer, found bool, err error) {
	res := db.WithContext(ctx).Raw(`SELECT `+bouncerCols+` FROM bouncers WHERE key_hash = ?`, keyHash).Scan(&b)
	return b, res.Error == nil && res.RowsAffected > 0, res.Error
}

// BouncerPull is what a stream pull leaves behind on its key.
type BouncerPull struct {
	CursorEvent, CursorAt int64 // where the pull ended
	At                    time.Time
	Remote, Agent         string
}

// SaveBouncerPull stores where bouncer id's pull ended and who pulled. A
// revoked key (no row) is not an error: its next pull is refused anyway.
func (db *DB) SaveBouncerPull(ctx context.Context, id int64, p BouncerPull) error {
	return db.Write(ctx, func(tx *Tx) error {
		return tx.g.Exec(`UPDATE bouncers SET cursor_event = ?, cursor_at = ?, last_pull_at = ?, last_remote = ?, last_agent = ?
			WHERE id = ?`, p.CursorEvent, p.CursorAt, p.At.UnixMilli(), p.Remote, p.Agent, id).Error
	})
}
