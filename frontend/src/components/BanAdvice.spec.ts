import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { NConfigProvider } from 'naive-ui'
import { h } from 'vue'
import BanAdvice from './BanAdvice.vue'
import type { Suggestion } from '../api'

// The advice asks the backend through window.go (the desktop transport):
// a fake bound App answers with a fixed suggestion and role.
function installApp(s: Suggestion, role: string) {
  const asked: string[] = []
  ;(window as unknown as { go: unknown }).go = {
    main: {
      App: {
        SuggestBan: async (ip: string) => {
          asked.push(ip)
          return s
        },
        Info: async () => ({ role, actor: '' }),
      },
    },
  }
  return asked
}
afterEach(() => {
  delete (window as unknown as { go?: unknown }).go
  vi.useRealTimers()
})

const week: Suggestion = {
  ip: '81.2.69.160',
  period: '1w',
  previousBans: 2,
  previousInRange: 5,
  network: '81.2.69.0/24',
  sharedBy: 12,
  warnings: [{ code: 'shared', message: '12 different customers used 81.2.69.160 in the last 30 days' }],
  reason: 'Banned twice before in the last 180 days, last for 1 day: one step longer is 1 week.',
}

async function mountAdvice(show = true) {
  vi.useFakeTimers()
  const suggested: string[] = []
  const w = mount(() => h(NConfigProvider, null, () => h(BanAdvice, { ip: ' 81.2.69.160 ', show, onSuggest: (p: string) => suggested.push(p) })))
  await vi.advanceTimersByTimeAsync(250)
  await flushPromises()
  return { w, suggested }
}

describe('BanAdvice', () => {
  it('suggests the period, says why, counts the network and shows the warning', async () => {
    const asked = installApp(week, 'supervisor')
    const { w, suggested } = await mountAdvice()
    expect(asked).toEqual(['81.2.69.160'])
    expect(suggested).toEqual(['1w'])
    expect(w.find('[data-testid="ban-advice-period"]').text()).toBe('1 week')
    expect(w.find('[data-testid="ban-advice-reason"]').text()).toContain('5 bans in 81.2.69.0/24')
    expect(w.find('[data-testid="ban-warning-shared"]').text()).toContain('12 different customers')
  })

  it('offers an agent no more than 1 day, and says so', async () => {
    installApp(week, 'agent')
    const { w, suggested } = await mountAdvice()
    expect(suggested).toEqual(['1d'])
    expect(w.find('[data-testid="ban-advice-reason"]').text()).toContain('As an agent you may block for at most 1 day')
  })

  it('asks nothing while the popup is closed', async () => {
    const asked = installApp(week, 'supervisor')
    const { w, suggested } = await mountAdvice(false)
    expect(asked).toEqual([])
    expect(suggested).toEqual([])
    expect(w.find('[data-testid="ban-advice"]').exists()).toBe(false)
  })
})
