// Times: every time shows its zone in the viewer's local time, server messages
// are filled in that zone, and an expiry flips a contact from Blocked to not
// blocked while the page stays open (the browser's clock is moved forward).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser()) // the browser runs in Europe/Lisbon
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

// Lisbon is WET in winter and WEST in summer; this year is not written.
const withZone = /^\d{1,2} [A-Z][a-z]{2}, \d\d:\d\d (WET|WEST)$/

test('a ban made elsewhere: the contact shows its expiry in local time with zone, then flips to Not blocked when it runs out', async () => {
  // Pick a contact and ban its IP for 1 hour through the API (a second supervisor).
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=5')
  const contact = list.body.items.find((c) => !c.blocked)
  const ban = await apiCall(server, 'POST', '/api/v1/bans', { ip: contact.ip, period: '1h', notes: '' })
  assert.equal(ban.status, 200, JSON.stringify(ban.body))

  await page.clock.install()
  await page.goto(`${server.url}/contacts/${contact.id}`)
  await page.waitForSelector(tid('blocked-tag'))
  const until = (await page.locator(tid('blocked-until')).innerText()).trim()
  const m = until.match(/^until (.+) \((.+)\)$/)
  assert.ok(m, until)
  assert.match(m[1], withZone)
  assert.match(m[2], /^in (59 min|1 h)$/)

  // 30 minutes later the relative time has moved, without a reload.
  await page.clock.fastForward('30:00')
  await page.waitForFunction(() => /in (29|30) min/.test(document.querySelector('[data-testid="blocked-until"]').textContent))

  // Past the expiry: Not blocked, and Ban is offered again.
  await page.clock.fastForward('31:00')
  await page.waitForSelector(tid('ban-button'))
  assert.equal(await page.locator(tid('ban-state')).getAttribute('data-state'), 'expired')
  assert.equal(await page.locator(tid('blocked-tag')).count(), 0)
  assert.deepEqual(errors, [])
})

test('already blocked: the server message is shown in local time with zone, never as UTC text', async () => {
  await apiCall(server, 'POST', '/api/v1/bans', { ip: '198.51.100.9', period: '1d', notes: '' })
  const refused = await apiCall(server, 'POST', '/api/v1/bans', { ip: '198.51.100.9', period: '1d', notes: '' })
  assert.equal(refused.body.code, 'already_blocked')
  assert.match(refused.body.message, /until \{expiresAt\}/)

  const page2 = await browser.newPage({ timezoneId: 'Asia/Kolkata' })
  try {
    await page2.goto(`${server.url}/settings/blacklist`)
    await page2.click(tid('bl-add'))
    await page2.locator(`${tid('ban-ip')} input`).fill('198.51.100.9')
    await page2.click(tid('ban-submit'))
    // The field says it is blocked; the notice beside it names the ban and
    // its end in the viewer's zone.
    const feedback = page2.locator(`${tid('ban-dialog')} .n-form-item-feedback:has-text("is already blocked")`)
    await feedback.waitFor()
    const existing = page2.locator(tid('ban-existing'))
    await existing.waitFor()
    const text = (await feedback.innerText()) + ' ' + (await existing.innerText())
    assert.doesNotMatch(text, /\{|UTC/)
    assert.match(text, /until \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d GMT\+5:30\s+\(ban #\d+\)/)
  } finally {
    await page2.close()
  }
})
