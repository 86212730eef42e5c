package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"banlist/backend/actor"
	"banlist/backend/apikey"
	"banlist/backend/apperr"
	"banlist/backend/store"
)

// TokenPrefix starts every API token, so a leaked one is recognizable.
const TokenPrefix = "blt_"

// MaxTokenName caps a token's name, which is recorded as the operator.
const MaxTokenName = 60

// Audit kinds of token changes.
const (
	AuditTokenAdded   = "token_added"
	AuditTokenDeleted = "token_deleted"
)

// Token is a named API token as listed; the token itself is shown only once.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role" ts:"Role"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
}

// NewToken is a token just made: its listing and the secret, shown once.
type NewToken struct {
	Token
	Secret string `json:"secret"`
}

func toToken(t store.Token) Token {
	out := Token{ID: t.ID, Name: t.Name, Role: t.Role, CreatedBy: t.CreatedBy, CreatedAt: time.UnixMilli(t.CreatedAt).UTC()}
	if t.LastUsedAt != nil {
		at := time.UnixMilli(*t.LastUsedAt).UTC()
		out.LastUsedAt = &at
	}
	return out
}

// ListTokens returns the API tokens by name, without their secrets.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	if err := requireSupervisor(ctx, "list tokens"); err != nil {
		return nil, err
	}
	rows, err := s.cur.Load().db.ListTokens(ctx)
	if err != nil {
		return nil, s.cur.Load().db.Fault(ctx, "read the tokens", err)
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = toToken(r)
	}
	return out, nil
}

func checkTokenName(name string) error {
	switch {
	case name == "":
		return apperr.Invalid("name", "Give the token a name, such as the agent or chat server that will use it; it is recorded on every ban made with it.")
	case !utf8.ValidString(name):
		return apperr.Invalid("name", "The name contains invalid characters.")
	case utf8.RuneCountInString(name) > MaxTokenName:
		return apperr.Invalid("name", fmt.Sprintf("The name is too long (at most %d characters).", MaxTokenName))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return apperr.Invalid("name", "The name cannot contain control characters or line breaks.")
	}
	return nil
}

// AddToken makes a token with a name and a role (supervisor, agent or
// check) and returns it with its secret, which is not stored and cannot be
// shown again.
func (s *Service) AddToken(ctx context.Context, name, role string) (NewToken, error) {
	if err := requireSupervisor(ctx, "manage tokens"); err != nil {
		return NewToken{}, err
	}
	name, role = strings.TrimSpace(name), strings.ToLower(strings.TrimSpace(role))
	if err := checkTokenName(name); err != nil {
		return NewToken{}, err
	}
	if !actor.ValidRole(role) {
		return NewToken{}, apperr.Invalid("role", fmt.Sprintf("“%s” is not a role; choose supervisor, agent or check.", role))
	}
	ctx, who := s.acting(ctx)
	b := s.cur.Load()
	plain, hash := apikey.New(TokenPrefix)
	var row store.Token
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		if _, ok, err := tx.TokenByName(name); err != nil {
			return err
		} else if ok {
			return &apperr.Error{Code: apperr.CodeConflict, Field: "name", Message: fmt.Sprintf("A token named “%s” already exists; delete it first or choose another name.", name)}
		}
		var err error
		row, err = tx.AddToken(store.Token{Name: name, Role: role, Hash: hash, CreatedBy: who.Name, CreatedAt: b.db.Clock.Now().UnixMilli()})
		if err != nil {
			return err
		}
		return tx.RecordAudit(store.AuditEntry{Kind: AuditTokenAdded, Target: name, Detail: "Token with role " + role + " created"})
	})
	if err != nil {
		return NewToken{}, b.db.Fault(ctx, "create token "+name, err)
	}
	return NewToken{Token: toToken(row), Secret: plain}, nil
}

// DeleteToken revokes the token called name at once.
func (s *Service) DeleteToken(ctx context.Context, name string) (Token, error) {
	if err := requireSupervisor(ctx, "manage tokens"); err != nil {
		return Token{}, err
	}
	name = strings.TrimSpace(name)
	ctx, _ = s.acting(ctx)
	b := s.cur.Load()
	var gone store.Token
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		t, ok, err := tx.TokenByName(name)
		if err != nil {
			return err
		}
		if !ok {
			return &apperr.Error{Code: apperr.CodeNotFound, Field: "name", Message: fmt.Sprintf("There is no token named “%s”.", name)}
		}
		gone = t
		if err := tx.DeleteToken(t.ID); err != nil {
			return err
		}
		return tx.RecordAudit(store.AuditEntry{Kind: AuditTokenDeleted, Target: name, Detail: "Token with role " + t.Role + " deleted"})
	})
	if err != nil {
		return Token{}, b.db.Fault(ctx, "delete token "+name, err)
	}
	return toToken(gone), nil
}

// Authenticate finds the token whose secret is plain and records its use.
// ok is false for an unknown token.
func (s *Service) Authenticate(ctx context.Context, plain string) (t Token, ok bool, err error) {
	b := s.cur.Load()
	row, ok, err := b.db.TokenByHash(ctx, apikey.Hash(plain))
	if err != nil || !ok {
		return Token{}, false, b.db.Fault(ctx, "check the token", err)
	}
	// A failed "last used" stamp must not refuse a valid token.
	_ = b.db.TouchToken(ctx, row.ID, b.db.Clock.Now().UnixMilli())
	return toToken(row), true, nil
}
