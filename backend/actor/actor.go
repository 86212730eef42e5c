// Package actor carries who is acting, and through which door, on a
// request's context, so that bans and events record the real author: the
// supervisor at the desktop, a named API token, or a command-line run.
package actor

import "context"

// Sources of an action.
const (
	Desktop = "desktop" // the Wails window
	Browser = "browser" // the UI or API through banlist serve
	Token   = "token"   // an API token with a name (Actor.Name is the token's name)
	CLI     = "cli"     // a banlist command
)

// Actor is who did something, and from where.
type Actor struct {
	Name   string `json:"name"`             // recorded as the operator; "" means the service's default operator
	Source string `json:"source"`           // one of the constants above
	Remote string `json:"remote,omitempty"` // the client's address, for the browser door
	Role   string `json:"role,omitempty"`   // the token's role, when a token was used
}

type key struct{}

// With returns ctx carrying a.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, key{}, a) }

// From returns the actor on ctx, if any.
func From(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(key{}).(Actor)
	return a, ok
}
