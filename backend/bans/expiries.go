package bans

import (
	"sort"

	"banlist/backend/store"
)

// withExpiries adds a derived expired event wherever a ban's end passed
// before its next renewal or removal (or before now), and returns all events
// newest first. rows must be in chronological order.
func withExpiries(rows []store.BanEvent, now int64) []Event {
	type seqEvent struct {
		Event
		seq int64 // orders events at the same millisecond
	}
	type banState struct {
		ends   *int64
		period string
		lastID int64
	}
	out := make([]seqEvent, 0, len(rows)+4)
	states := map[int64]*banState{}
	var order []int64
	expired := func(banID int64, target string, st *banState, seq int64) seqEvent {
		at := *st.ends
		return seqEvent{Event: Event{
			BanID: banID, Target: target, Kind: EventExpired, Actor: SystemActor,
			At: msTime(at), Period: Period(st.period), ExpiresAt: msTimePtr(&at),
		}, seq: seq}
	}
	targets := map[int64]string{}
	for _, r := range rows {
		st := states[r.BanID]
		if st == nil {
			st = &banState{}
			states[r.BanID] = st
			order = append(order, r.BanID)
			targets[r.BanID] = r.Target
		}
		if st.ends != nil && *st.ends <= r.At && (r.Kind == EventRenewed || r.Kind == EventUnbanned) {
			out = append(out, expired(r.BanID, r.Target, st, 2*r.ID-1))
		}
		out = append(out, seqEvent{Event: toEvent(r), seq: 2 * r.ID})
		st.lastID = r.ID
		switch r.Kind {
		case EventBanned, EventRenewed, EventRestored:
			st.ends, st.period = r.ExpiresAt, r.Period
		case EventUnbanned:
			st.ends = nil
		}
	}
	for _, id := range order {
		if st := states[id]; st.ends != nil && *st.ends <= now {
			out = append(out, expired(id, targets[id], st, 2*st.lastID+1))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].seq > out[j].seq
	})
	events := make([]Event, len(out))
	for i, e := range out {
		events[i] = e.Event
	}
	return events
}
