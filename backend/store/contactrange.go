package store

import "context"

// CountContactsInRange counts the contacts whose address lies in [lo, hi]
// (16-byte keys, as ipaddr.Target.Lo and Hi give them). The contact page uses
// it to say how many contacts lifting a range block would let back in.
func (db *DB) CountContactsInRange(ctx context.Context, lo, hi [16]byte) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(*) FROM contacts WHERE ip_key BETWEEN ? AND ?`, lo[:], hi[:]).Scan(&n).Error
	return n, err
}
