import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { NConfigProvider, NDialogProvider, NMessageProvider } from 'naive-ui'
import { h, nextTick, ref } from 'vue'
import BanDialog from './BanDialog.vue'

// The dialog talks to the backend through window.go (the desktop transport),
// so these tests install a fake bound App that records calls.
type Call = { method: string; args: unknown[] }
let calls: Call[] = []
function installApp(impl: Record<string, (...a: unknown[]) => unknown>) {
  calls = []
  const App: Record<string, (...a: unknown[]) => Promise<unknown>> = {}
  for (const [k, fn] of Object.entries(impl)) {
    App[k] = async (...args: unknown[]) => {
      calls.push({ method: k, args })
      return fn(...args)
    }
  }
  ;(window as unknown as { go: unknown }).go = { main: { App } }
}
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  delete (window as unknown as { go?: unknown }).go
  document.body.innerHTML = ''
})

const now = () => new Date('2026-01-31T14:03:00Z')

function mountDialog(ip = '203.0.113.45') {
  const show = ref(false)
  const banned: unknown[] = []
  const w = mount(
    () =>
      h(NConfigProvider, null, () =>
        h(NMessageProvider, null, () =>
          h(NDialogProvider, null, () =>
            h(BanDialog, {
              show: show.value,
              ip,
              now,
              'onUpdate:show': (v: boolean) => (show.value = v),
              onBanned: (b: unknown) => banned.push(b),
            }),
          ),
        ),
      ),
    { attachTo: document.body },
  )
  return { w, show, banned }
}

const q = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null

async function open(show: { value: boolean }) {
  show.value = true
  await nextTick()
  await flushPromises()
}

describe('BanDialog', () => {
  it('pre-fills the IP read-only, pre-selects 1 day and shows the resulting expiry', async () => {
    installApp({})
    const { show } = mountDialog()
    await open(show)
    const input = q('ban-ip')!.querySelector('input')!
    expect(input.value).toBe('203.0.113.45')
    expect(input.readOnly).toBe(true)
    expect(q('ban-until')!.textContent).toMatch(/^Blocked until .*Feb/)
  })

  it('refuses notes over 1000 characters next to the field, without calling the backend', async () => {
    installApp({ BanIP: () => ({}) })
    const { show } = mountDialog()
    await open(show)
    const ta = q('ban-notes')!.querySelector('textarea')!
    ta.value = 'x'.repeat(1001)
    ta.dispatchEvent(new Event('input'))
    await nextTick()
    q('ban-submit')!.click()
    await flushPromises()
    expect(document.body.textContent).toContain('Notes are too long: 1001 of at most 1000 characters.')
    expect(calls).toEqual([])
    expect(show.value).toBe(true)
  })

  it('counts characters, not UTF-16 units, for the limit', async () => {
    installApp({ BanIP: () => ({ id: 1, target: '203.0.113.45', expiresAt: '2026-02-01T14:03:00Z' }) })
    const { show } = mountDialog()
    await open(show)
    const ta = q('ban-notes')!.querySelector('textarea')!
    ta.value = '😀'.repeat(1000) // 2000 UTF-16 units, 1000 characters
    ta.dispatchEvent(new Event('input'))
    await nextTick()
    expect(q('ban-notes-count')!.textContent).toContain('1000 / 1000')
    q('ban-submit')!.click()
    await flushPromises()
    expect(calls.map((c) => c.method)).toEqual(['BanIP'])
  })

  it('sends the chosen period and notes, emits banned and closes', async () => {
    installApp({ BanIP: (ip, period) => ({ id: 9, target: ip, period, expiresAt: '2026-02-07T14:03:00Z' }) })
    const { show, banned } = mountDialog()
    await open(show)
    ;(q('ban-period-1w')!.querySelector('input') ?? q('ban-period-1w')!).click()
    await nextTick()
    const ta = q('ban-notes')!.querySelector('textarea')!
    ta.value = 'Abusive language'
    ta.dispatchEvent(new Event('input'))
    await nextTick()
    q('ban-submit')!.click()
    await flushPromises()
    expect(calls).toEqual([{ method: 'BanIP', args: ['203.0.113.45', '1w', 'Abusive language'] }])
    expect(banned).toHaveLength(1)
    expect(show.value).toBe(false)
  })

  it('keeps the popup open with the input when the backend refuses, and shows the message by the field', async () => {
    installApp({
      BanIP: () => {
        throw { code: 'already_blocked', field: 'ip', message: '203.0.113.45 is already blocked by Maria until 1 Feb.', data: { id: 3, createdBy: 'Maria', expiresAt: '2026-02-01T10:00:00Z' } }
      },
      Renew: (id, period) => ({ id, period, target: '203.0.113.45', expiresAt: '2026-02-01T14:03:00Z' }),
    })
    const { show, banned } = mountDialog()
    await open(show)
    q('ban-submit')!.click()
    await flushPromises()
    expect(show.value).toBe(true)
    expect(document.body.textContent).toContain('203.0.113.45 is already blocked.')
    expect(q('ban-existing')!.textContent).toMatch(/203\.0\.113\.45 is blocked by Maria until \d+ \w+( \d{4})?, \d\d:\d\d \S+ \(ban #3\)/)
    expect(q('ban-already-blocked')).not.toBeNull()
    q('ban-renew-instead')!.click()
    await flushPromises()
    expect(calls.at(-1)).toEqual({ method: 'Renew', args: [3, '1d', false, ''] })
    expect(banned).toHaveLength(1)
    expect(show.value).toBe(false)
  })

  it('offers an agent no "Renew instead" (the backend would refuse it) and says who can', async () => {
    installApp({
      Info: () => ({ role: 'agent', actor: 'Console of Ana' }),
      BanIP: () => {
        throw { code: 'already_blocked', field: 'ip', message: '203.0.113.45 is already blocked.', data: { id: 3, createdBy: 'Maria', expiresAt: '2026-02-01T10:00:00Z' } }
      },
    })
    const { show } = mountDialog()
    await open(show)
    q('ban-submit')!.click()
    await flushPromises()
    expect(q('ban-already-blocked')).not.toBeNull()
    expect(q('ban-renew-instead')).toBeNull()
    expect(q('ban-renew-needs-supervisor')!.textContent).toBe('A supervisor can renew it.')
  })
})
