// Renewing never shortens a block silently: the Ban popup's "Renew instead"
// on a covering range and the Renew popup both ask first, with both times in
// the viewer's zone, and send allowShorten only after the confirmation.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import { apiCall, chromiumArgs, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer(['--no-demo'])
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs })
  // Berlin, so that local times (CET) differ visibly from UTC.
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Europe/Berlin' })
  page = await context.newPage()
  errors = []
  page.on('pageerror', (e) => errors.push(e))
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const getBan = async (id) => (await apiCall(server, 'GET', `/api/v1/bans/${id}`)).body

test('the API refuses a shortening renewal with code shortens and both times as data', async () => {
  const ban = (await apiCall(server, 'POST', '/api/v1/bans', { ip: '198.51.100.0/24', period: '1mo', notes: '' })).body
  const res = await apiCall(server, 'POST', `/api/v1/bans/${ban.id}/renew`, { period: '1h' })
  assert.equal(res.status, 409)
  assert.equal(res.body.code, 'shortens')
  assert.equal(res.body.message, 'This shortens the block on {target} from {current} to {proposed}.')
  assert.equal(res.body.data.target, '198.51.100.0/24')
  assert.equal(res.body.data.current, ban.expiresAt)
  assert.ok(new Date(res.body.data.proposed) < new Date(ban.expiresAt))
  assert.equal((await getBan(ban.id)).expiresAt, ban.expiresAt, 'nothing changed')
  const ok = await apiCall(server, 'POST', `/api/v1/bans/${ban.id}/renew`, { period: '1h', allowShorten: true })
  assert.equal(ok.status, 200)
  assert.ok(new Date(ok.body.expiresAt) < new Date(ban.expiresAt))
})

test('Ban popup: an address inside a week-long range names the range, and Renew for 1 hour asks first', async () => {
  const range = (await apiCall(server, 'POST', '/api/v1/bans', { ip: '203.0.113.0/24', period: '1w', notes: 'spam wave' })).body
  await page.goto(`${server.url}/settings/blacklist`)
  await page.waitForSelector(tid('bl-table'))
  await page.click(tid('bl-add'))
  await page.locator(`${tid('ban-ip')} input`).fill('203.0.113.99')
  await page.click(tid('ban-period-1h'))
  await page.click(tid('ban-submit'))
  const existing = page.locator(tid('ban-existing'))
  await existing.waitFor()
  const text = await existing.innerText()
  assert.match(text, /^203\.0\.113\.0\/24 is blocked by .+ until .*(CET|GMT\+1)/)
  // The message by the field (it fades in).
  await page.locator(`${tid('ban-dialog')} .n-form-item-feedback:has-text("203.0.113.99 is already blocked as part of the range 203.0.113.0/24")`).waitFor()

  // Declining leaves the week-long block as it was.
  await page.click(tid('ban-renew-instead'))
  const confirm = page.locator('.n-dialog', { hasText: 'Shorten the block?' })
  await confirm.waitFor()
  const question = await confirm.innerText()
  assert.match(question, /This shortens the block on 203\.0\.113\.0\/24 from .*(CET|GMT\+1).* to .*(CET|GMT\+1)/s)
  assert.doesNotMatch(question, /\{current\}|\{proposed\}|UTC/)
  await screenshot(page, 'renew-shorten-confirm')
  await page.click(tid('shorten-cancel'))
  await page.locator(`${tid('ban-dialog')} >> text=Not renewed`).waitFor()
  assert.equal((await getBan(range.id)).expiresAt, range.expiresAt)

  // Confirming shortens it to one hour from now.
  await page.click(tid('ban-renew-instead'))
  await confirm.waitFor()
  await page.click(tid('shorten-confirm'))
  await page.locator(tid('ban-dialog')).waitFor({ state: 'detached' })
  const after = await getBan(range.id)
  const left = new Date(after.expiresAt) - Date.now()
  assert.ok(left > 55 * 60e3 && left <= 60 * 60e3, `ends in ${left} ms`)
  assert.equal(after.renewals, 1)
})

test('Renew popup: a month-long block is not cut to an hour without a word', async () => {
  const ban = (await apiCall(server, 'POST', '/api/v1/bans', { ip: '192.0.2.44', period: '1mo', notes: '' })).body
  await page.goto(`${server.url}/settings/blacklist`)
  await page.click(tid(`ban-renew-${ban.id}`))
  await page.click(tid('renew-period-1h'))
  await page.click(tid('renew-submit'))
  const confirm = page.locator('.n-dialog', { hasText: 'Shorten the block?' })
  await confirm.waitFor()
  assert.match(await confirm.innerText(), /This shortens the block on 192\.0\.2\.44 from/)
  await page.click(tid('shorten-cancel'))
  await page.locator(`${tid('renew-dialog')} >> text=Not renewed`).waitFor()
  assert.equal((await getBan(ban.id)).expiresAt, ban.expiresAt)
  // A longer renewal needs no question.
  await page.click(tid('renew-period-1mo'))
  await page.click(tid('renew-submit'))
  await page.locator(tid('renew-dialog')).waitFor({ state: 'detached' })
  assert.ok(new Date((await getBan(ban.id)).expiresAt) >= new Date(ban.expiresAt))
  assert.deepEqual(errors, [])
})
