import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/transport'
import { formatDuration, formatMessage, formatTime, relative } from './time'

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

describe('formatTime', () => {
  const now = new Date('2026-11-25T12:00:00Z')
  it('shows a dash for a missing time', () => {
    expect(formatTime(undefined)).toBe('—')
    expect(formatTime('not a date')).toBe('—')
  })
  it('gives the time in the zone with its abbreviation, without the current year', () => {
    expect(formatTime('2026-12-02T13:03:00Z', now, 'Europe/Berlin')).toBe('2 Dec, 14:03 CET')
    expect(formatTime('2026-07-02T13:03:00Z', now, 'Europe/Berlin')).toBe('2 Jul, 15:03 CEST')
    expect(formatTime('2026-12-02T13:03:00Z', now, 'UTC')).toBe('2 Dec, 13:03 UTC')
  })
  it('falls back to a UTC offset where the zone has no abbreviation', () => {
    expect(formatTime('2026-12-02T13:03:00Z', now, 'Asia/Kolkata')).toBe('2 Dec, 18:33 GMT+5:30')
  })
  it('shows the year when it is not this year (in the viewer zone)', () => {
    expect(formatTime('2027-01-05T08:00:00Z', now, 'Europe/Berlin')).toBe('5 Jan 2027, 09:00 CET')
    // 31 Dec 2026 23:30 UTC is already 2027 in Berlin.
    expect(formatTime('2026-12-31T23:30:00Z', now, 'Europe/Berlin')).toBe('1 Jan 2027, 00:30 CET')
  })
})

describe('formatMessage', () => {
  const now = new Date('2026-11-25T12:00:00Z')
  it('fills times from data in the viewer zone and other values as text', () => {
    const msg = formatMessage('{target} is blocked until {expiresAt} (ban #{id}).', { target: '203.0.113.7', id: 4, expiresAt: '2026-12-01T03:14:00Z' }, now, 'Europe/Berlin')
    expect(msg).toBe('203.0.113.7 is blocked until 1 Dec, 04:14 CET (ban #4).')
  })
  it('leaves unknown placeholders and messages without data as they are', () => {
    expect(formatMessage('until {expiresAt}', undefined)).toBe('until {expiresAt}')
    expect(formatMessage('until {nothing}', { expiresAt: 'x' })).toBe('until {nothing}')
  })
  it('is what ApiError shows, with the template kept', () => {
    const e = new ApiError('already_blocked', 'blocked until {expiresAt}.', 'ip', { expiresAt: '2026-12-01T03:14:00Z' })
    expect(e.template).toBe('blocked until {expiresAt}.')
    expect(e.message).not.toContain('{')
    expect(e.message).toContain(formatTime('2026-12-01T03:14:00Z'))
  })
})

describe('formatDuration', () => {
  it('uses the largest sensible units', () => {
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(605)).toBe('10 min 5 s')
    expect(formatDuration(3725)).toBe('1 h 2 min')
  })
})

describe('formatMessage with a server error', () => {
  it('fills times from data in the local zone and other values as text', () => {
    const msg = formatMessage('This shortens the block on {target} from {current} to {proposed}.', {
      target: '203.0.113.0/24',
      current: '2026-12-08T10:00:00Z',
      proposed: '2026-12-01T11:00:00Z',
    })
    expect(msg).toContain('203.0.113.0/24')
    expect(msg).toContain(formatTime('2026-12-08T10:00:00Z'))
    expect(msg).toContain(formatTime('2026-12-01T11:00:00Z'))
    expect(msg).not.toMatch(/[{}]/)
  })
  it('leaves unknown placeholders and messages without data alone', () => {
    expect(formatMessage('From {current}.', { other: 1 })).toBe('From {current}.')
    expect(formatMessage('Plain {x}.', undefined)).toBe('Plain {x}.')
  })
})
