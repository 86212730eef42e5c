import { describe, expect, it } from 'vitest'
import { addPeriod } from './periods'

// The preview in the popups must match what the backend will store
// (backend/bans/period.go): a month is a calendar month in UTC, clamped.
describe('addPeriod', () => {
  const at = (s: string) => new Date(s)
  it.each([
    ['2026-01-31T14:03:00Z', '1h', '2026-01-31T15:03:00.000Z'],
    ['2026-01-31T14:03:00Z', '1d', '2026-02-01T14:03:00.000Z'],
    ['2026-01-31T14:03:00Z', '1w', '2026-02-07T14:03:00.000Z'],
    ['2026-01-31T14:03:00Z', '1mo', '2026-02-28T14:03:00.000Z'],
    ['2028-01-31T14:03:00Z', '1mo', '2028-02-29T14:03:00.000Z'],
    ['2026-03-31T23:30:00Z', '1mo', '2026-04-30T23:30:00.000Z'],
    ['2026-12-15T08:00:00Z', '1mo', '2027-01-15T08:00:00.000Z'],
  ] as const)('%s + %s = %s', (from, period, want) => {
    expect(addPeriod(at(from), period).toISOString()).toBe(want)
  })
})
