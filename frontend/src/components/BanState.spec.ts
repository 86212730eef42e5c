import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { NConfigProvider } from 'naive-ui'
import { h } from 'vue'
import BanState from './BanState.vue'
import type { Ban } from '../api'

const now = new Date('2026-11-25T12:00:00Z')
const base: Ban = {
  id: 7,
  target: '203.0.113.45',
  isRange: false,
  period: '1d',
  periodLabel: '1 day',
  notes: 'Rude <script>alert(1)</script>',
  createdBy: 'Maria',
  createdAt: '2026-11-25T09:00:00Z',
  expiresAt: '2026-11-25T15:00:00Z',
  removedAt: null,
  removedBy: '',
  renewals: 0,
  status: 'active',
}

function render(ban: Ban | null, timesBanned = 0) {
  return mount(() => h(NConfigProvider, null, () => h(BanState, { ban, timesBanned, now })))
}

describe('BanState', () => {
  it('shows Blocked, the expiry relative to now, who blocked and the notes as text', () => {
    const w = render(base)
    expect(w.find('[data-testid="blocked-tag"]').text()).toBe('Blocked')
    expect(w.find('[data-testid="blocked-until"]').text()).toContain('(in 3 h)')
    expect(w.text()).toContain('by Maria')
    expect(w.find('[data-testid="blocked-notes"]').text()).toBe('Rude <script>alert(1)</script>')
    expect(w.find('script').exists()).toBe(false)
  })
  it('says Not blocked for an expired or removed ban, and counts earlier bans', () => {
    const expired = render({ ...base, status: 'expired', expiresAt: '2026-11-24T12:00:00Z' }, 2)
    expect(expired.find('[data-testid="expired-tag"]').text()).toBe('Not blocked')
    expect(expired.text()).toContain('expired 1 d ago')
    expect(expired.find('[data-testid="times-banned"]').text()).toContain('2 times')
    const removed = render({ ...base, status: 'removed', removedAt: '2026-11-25T11:00:00Z', removedBy: 'Joe' })
    expect(removed.text()).toContain('unbanned by Joe 1 h ago')
    expect(removed.find('[data-testid="blocked-tag"]').exists()).toBe(false)
  })
  it('shows Not blocked and no history line for a never-banned address', () => {
    const w = render(null)
    expect(w.find('[data-testid="not-blocked-tag"]').exists()).toBe(true)
    expect(w.find('[data-testid="times-banned"]').exists()).toBe(false)
  })
})
