// Live refresh: the backend announces every change to the blacklist (made
// here, in another window, or by another process on a shared file) — as a
// Wails event on the desktop, as Server-Sent Events in a browser. Each
// announcement bumps the changes counter that views watch.
import { isDesktop } from '../api'
import { useChanges } from './changes'

type WailsRuntime = { EventsOn: (name: string, cb: () => void) => () => void }

export function startLiveRefresh(): () => void {
  const changes = useChanges()
  if (isDesktop()) {
    const rt = (window as unknown as { runtime?: WailsRuntime }).runtime
    return rt ? rt.EventsOn('blacklist:changed', () => changes.bump()) : () => {}
  }
  if (typeof EventSource === 'undefined') return () => {}
  const es = new EventSource('/api/v1/events')
  es.addEventListener('changed', () => changes.bump())
  return () => es.close()
}
