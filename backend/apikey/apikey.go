// Package apikey makes the secrets that machines present to banlist (bouncer
// keys, API tokens) and the form they are stored in. A key is shown once,
// when it is made; the database keeps only its SHA-256, so a copied database
// file gives nobody a working key. Keys carry 256 random bits, so a fast hash
// is enough: there is nothing to guess that a slow hash would protect.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// New returns a fresh key starting with prefix (e.g. "blb_" for bouncers),
// and the hash to store for it.
func New(prefix string) (plain, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, Hash(plain)
}

// Hash is the stored form of a key: hex SHA-256 of its text.
func Hash(plain string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(plain)))
	return hex.EncodeToString(sum[:])
}

// Matches reports whether plain is the key whose stored hash is hash, in
// constant time. An empty key never matches.
func Matches(plain, hash string) bool {
	if strings.TrimSpace(plain) == "" || hash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(Hash(plain)), []byte(hash)) == 1
}
