import type { Period } from '../api'

/** The four ban periods, as the backend accepts them. */
export const periods: { value: Period; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '1d', label: '1 day' },
  { value: '1w', label: '1 week' },
  { value: '1mo', label: '1 month' },
]

/**
 * When a ban made at `from` with `period` ends — the same rule as the
 * backend: a month is a calendar month in UTC, clamped at the month's end
 * (31 Jan + 1 month = 28/29 Feb).
 */
export function addPeriod(from: Date, period: Period): Date {
  const t = from.getTime()
  switch (period) {
    case '1h':
      return new Date(t + 3600e3)
    case '1d':
      return new Date(t + 86400e3)
    case '1w':
      return new Date(t + 7 * 86400e3)
    case '1mo': {
      const y = from.getUTCFullYear()
      const m = from.getUTCMonth() + 1
      const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
      const d = Math.min(from.getUTCDate(), lastDay)
      return new Date(
        Date.UTC(y, m, d, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()),
      )
    }
  }
}

/** The most characters a note may have (the backend enforces the same). */
export const maxNotes = 1000

/** The longest reason a renewal or an unban may give, in characters (bans.MaxReason). */
export const maxReason = 500
