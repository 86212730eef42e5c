// The flow the product is known for: Contacts report → contact → Ban →
// Blocked, then Renew and Unban from the detail.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

const IP = '203.0.113.45'
let server, browser, page, errors, contactId

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('report → contact → Ban for 1 week with notes → Blocked on the detail and in the report', async () => {
  await page.goto(server.url)
  const first = page.locator('[data-testid^="contact-row-"]').first()
  await first.waitFor()
  assert.match(await first.innerText(), new RegExp(IP.replaceAll('.', '\\.')))
  contactId = (await first.getAttribute('data-testid')).replace('contact-row-', '')
  await first.click()

  await page.waitForSelector(tid('ban-button'))
  assert.equal(await page.locator(tid('contact-ip')).innerText(), IP)
  await page.click(tid('ban-button'))
  const dialog = page.locator(tid('ban-dialog'))
  await dialog.waitFor()
  const ipInput = page.locator(`${tid('ban-ip')} input`)
  assert.equal(await ipInput.inputValue(), IP, 'IP is pre-filled')
  assert.equal(await ipInput.getAttribute('readonly'), '', 'IP is read-only')
  await page.click(tid('ban-period-1w'))
  await page.fill(`${tid('ban-notes')} textarea`, 'Insulted agent Ben <b>twice</b> — “final warning”.')
  assert.match(await page.locator(tid('ban-until')).innerText(), /^Blocked until /)
  await screenshot(page, 'ban-dialog')
  await page.click(tid('ban-submit'))

  await page.waitForSelector(tid('blocked-tag'))
  await dialog.waitFor({ state: 'hidden' })
  assert.match(await page.locator(tid('blocked-until')).innerText(), /in (6|7) d/)
  assert.equal(await page.locator(tid('blocked-notes')).innerText(), 'Insulted agent Ben <b>twice</b> — “final warning”.')
  await screenshot(page, 'contact-blocked')

  const check = await apiCall(server, 'GET', `/api/v1/check?ip=${IP}`)
  assert.equal(check.body.blocked, true)

  await page.click(tid('back-to-report'))
  await page.waitForSelector(tid(`row-blocked-${contactId}`))
  await page.click(`${tid('contacts-blocked-only')}`)
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid^="contact-row-"]')]
    return rows.length > 0 && rows.every((r) => r.textContent.includes('Blocked'))
  })
  await screenshot(page, 'contacts-blocked-only')
})

test('renew from the detail restarts the period', async () => {
  await page.goto(`${server.url}/contacts/${contactId}`)
  await page.click(tid('renew-button'))
  await page.click(tid('renew-period-1mo'))
  assert.match(await page.locator(tid('renew-until')).innerText(), /^Blocked until /)
  await page.click(tid('renew-submit'))
  await page.waitForFunction(() => /renewed 1×/.test(document.querySelector('[data-testid="ban-state"]')?.textContent ?? ''))
  const list = await apiCall(server, 'GET', `/api/v1/bans?search=${IP}`)
  assert.equal(list.body.items[0].period, '1mo')
  assert.equal(list.body.items[0].renewals, 1)
})

test('unban asks for confirmation, then the Ban button is back', async () => {
  await page.click(tid('unban-button'))
  await page.click(tid('unban-confirm'))
  await page.waitForSelector(tid('ban-button'))
  assert.equal(await page.locator(tid('removed-tag')).count(), 1)
  assert.match(await page.locator(tid('times-banned')).innerText(), /blocked 1 time before/)
  const check = await apiCall(server, 'GET', `/api/v1/check?ip=${IP}`)
  assert.equal(check.body.blocked, false)
})

test('a ban made by another process meanwhile is reported in the popup, with Renew offered', async () => {
  await page.reload()
  await page.click(tid('ban-button'))
  await page.locator(tid('ban-dialog')).waitFor()
  // A second supervisor's process, on the same database file, blocks the IP first.
  const other = await startServer([], {}, { db: server.db })
  try {
    const res = await apiCall(other, 'POST', '/api/v1/bans', { ip: IP, period: '1h', notes: 'blocked from another desk' })
    assert.equal(res.status, 200, JSON.stringify(res.body))
  } finally {
    await other.stop()
  }
  await page.click(tid('ban-submit'))
  await page.waitForSelector(tid('ban-already-blocked'))
  const text = await page.locator(tid('ban-dialog')).innerText()
  assert.match(text, /already blocked/i)
  assert.equal(await page.locator(`${tid('ban-ip')} input`).inputValue(), IP, 'input kept')
  await screenshot(page, 'ban-dialog-already-blocked')
  await page.click(tid('ban-renew-instead'))
  await page.waitForSelector(tid('blocked-tag'))
  assert.deepEqual(errors, [])
})
