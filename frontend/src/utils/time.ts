// Times arrive as UTC ISO strings; the UI always shows the viewer's local time
// with its zone, in one format on every screen: "2 Dec 2026, 14:03 CET" (the
// year only when it is not this year).

type TimeInput = string | Date | undefined | null

function toDate(t: TimeInput): Date | null {
  if (!t) return null
  const d = typeof t === 'string' ? new Date(t) : t
  return Number.isNaN(d.getTime()) ? null : d
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? ''
  let f = formatters.get(key)
  if (!f) {
    // en-GB for the order "2 Dec 2026, 14:03" that matches the English UI;
    // the zone is the local abbreviation where one exists, else a GMT offset.
    f = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      timeZone,
    })
    formatters.set(key, f)
  }
  return f
}

/**
 * "2 Dec 2026, 14:03 CET" in the viewer's zone (or timeZone, for tests); the
 * year is left out when it is the current year. A missing or invalid time is "—".
 */
export function formatTime(t: TimeInput, now: Date = new Date(), timeZone?: string): string {
  const d = toDate(t)
  if (!d) return '—'
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(d).map((p) => [p.type, p.value]))
  const thisYear = Object.fromEntries(formatter(timeZone).formatToParts(now).map((p) => [p.type, p.value])).year
  const date = parts.year === thisYear ? `${parts.day} ${parts.month}` : `${parts.day} ${parts.month} ${parts.year}`
  return `${date}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}`
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

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/

/**
 * Fills the {name} placeholders of a server message from its data. Times
 * (ISO strings) become local time with zone, so the backend never formats a
 * time for a reader whose zone it does not know. Unknown names stay as typed.
 */
export function formatMessage(template: string, data: unknown, now: Date = new Date(), timeZone?: string): string {
  if (!data || typeof data !== 'object') return template
  const values = data as Record<string, unknown>
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = values[name]
    if (v === undefined || v === null || typeof v === 'object') return whole
    if (typeof v === 'string' && isoTime.test(v)) return formatTime(v, now, timeZone)
    return String(v)
  })
}

