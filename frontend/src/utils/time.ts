// Times arrive as UTC ISO strings; the UI always shows the viewer's local time.

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

/** "Tue, 25 Nov 2026, 14:03" in the viewer's time zone. */
export function formatLocal(iso: string | Date | undefined | null): string {
  if (!iso) return '—'
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d)
}

/** "in 3 h", "5 d ago", relative to now. */
export function relative(iso: string | Date, now: Date = new Date()): string {
  const t = (typeof iso === 'string' ? new Date(iso) : iso).getTime()
  const diff = t - now.getTime()
  const abs = Math.abs(diff)
  const units: [number, string][] = [
    [30 * 86400e3, 'mo'],
    [86400e3, 'd'],
    [3600e3, 'h'],
    [60e3, 'min'],
  ]
  let text = 'less than a minute'
  for (const [ms, label] of units) {
    if (abs >= ms) {
      text = `${Math.floor(abs / ms)} ${label}`
      break
    }
  }
  if (text === 'less than a minute') return diff >= 0 ? 'in less than a minute' : 'just now'
  return diff >= 0 ? `in ${text}` : `${text} ago`
}

/** "12 min 5 s" for a duration in seconds. */
export function formatDuration(sec: number): string {
  const m = Math.floor(sec / 60)
  const s = sec % 60
  if (m >= 60) return `${Math.floor(m / 60)} h ${m % 60} min`
  return m > 0 ? `${m} min ${s} s` : `${s} s`
}

const short = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
})

/** "Wed, Dec 2, 07:27 PM" (no year) for dense tables, in the viewer's zone. */
export function formatShort(iso: string | Date | undefined | null): string {
  if (!iso) return '—'
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return Number.isNaN(d.getTime()) ? '—' : short.format(d)
}

const zoned = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
})

/** "2 Dec 2026, 14:03 CET": the viewer's local time with its zone, for messages. */
export function formatZoned(iso: string | Date | undefined | null): string {
  if (!iso) return '—'
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return Number.isNaN(d.getTime()) ? '—' : zoned.format(d)
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * Fills the {name} placeholders of a server message from its data: times
 * (RFC 3339 strings) in the viewer's local time with its zone, anything else
 * as text. Server messages carry times as data so that each reader sees
 * their own zone. Unknown names stay as they are.
 */
export function formatApiMessage(message: string, data?: unknown): string {
  if (!data || typeof data !== 'object') return message
  const values = data as Record<string, unknown>
  return message.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
    if (!(name in values)) return whole
    const v = values[name]
    if (typeof v === 'string' && isoTime.test(v)) return formatZoned(v)
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole
  })
}
