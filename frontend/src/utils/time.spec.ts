import { describe, expect, it } from 'vitest'
import { formatApiMessage, formatDuration, formatLocal, formatZoned, relative } from './time'

describe('relative', () => {
  const now = new Date('2026-11-25T12:00:00Z')
  it('says how far ahead an expiry is', () => {
    expect(relative('2026-11-25T15:00:00Z', now)).toBe('in 3 h')
    expect(relative('2026-11-30T12:00:00Z', now)).toBe('in 5 d')
    expect(relative('2026-11-25T12:00:20Z', now)).toBe('in less than a minute')
  })
  it('says how long ago a past time was', () => {
    expect(relative('2026-11-25T11:15:00Z', now)).toBe('45 min ago')
    expect(relative('2026-11-25T11:59:50Z', now)).toBe('just now')
  })
})

describe('formatLocal', () => {
  it('shows a dash for a missing time', () => {
    expect(formatLocal(undefined)).toBe('—')
    expect(formatLocal('not a date')).toBe('—')
  })
  it('formats in the local zone, not in UTC', () => {
    const iso = '2026-11-25T23:30:00Z'
    const local = new Date(iso)
    expect(formatLocal(iso)).toContain(String(local.getDate()))
  })
})

describe('formatDuration', () => {
  it('uses the largest sensible units', () => {
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(605)).toBe('10 min 5 s')
    expect(formatDuration(3725)).toBe('1 h 2 min')
  })
})

describe('formatApiMessage', () => {
  it('fills times from data in the local zone and other values as text', () => {
    const msg = formatApiMessage('This shortens the block on {target} from {current} to {proposed}.', {
      target: '203.0.113.0/24',
      current: '2026-12-08T10:00:00Z',
      proposed: '2026-12-01T11:00:00Z',
    })
    expect(msg).toContain('203.0.113.0/24')
    expect(msg).toContain(formatZoned('2026-12-08T10:00:00Z'))
    expect(msg).toContain(formatZoned('2026-12-01T11:00:00Z'))
    expect(msg).not.toMatch(/[{}]/)
  })
  it('leaves unknown placeholders and messages without data alone', () => {
    expect(formatApiMessage('From {current}.', { other: 1 })).toBe('From {current}.')
    expect(formatApiMessage('Plain {x}.')).toBe('Plain {x}.')
  })
})
