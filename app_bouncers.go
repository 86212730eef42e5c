package main

import (
	"context"

	"banlist/backend/actor"
	"banlist/backend/service"
)

// ListBouncers returns the CrowdSec bouncer keys with their last pull.
func (a *App) ListBouncers() ([]service.Bouncer, error) {
	a.called("ListBouncers")
	return a.svc.ListBouncers(a.ctx)
}

// AddBouncer makes a key for a new bouncer; the answer is the only place
// the key is ever shown.
func (a *App) AddBouncer(name string) (service.NewBouncer, error) {
	a.called("AddBouncer")
	return a.svc.AddBouncer(a.desktopActor(), name)
}

// DeleteBouncer revokes a bouncer's key.
func (a *App) DeleteBouncer(name string) error {
	a.called("DeleteBouncer")
	return a.svc.DeleteBouncer(a.desktopActor(), name)
}

// desktopActor is the app's context carrying the supervisor at this window.
func (a *App) desktopActor() context.Context {
	return actor.With(a.ctx, actor.Actor{Name: a.svc.Operator(), Source: actor.Desktop})
}
