package store

import "gorm.io/gorm"

// Gorm is the GORM session under tx, for the store's own tests (fixtures in
// raw SQL). Only tests see it: everything else reaches the database through
// the store's methods.
func (tx *Tx) Gorm() *gorm.DB { return tx.g }
