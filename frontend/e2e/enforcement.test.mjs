// Settings → Enforcement: add a bouncer key (shown once, with configs), see
// the bouncer's last pull appear after it pulls /v1/, refuse bad names next
// to the field, and revoke the key (confirmed) so /v1/ refuses it.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer(['--no-demo'])
  ;({ browser, page, errors } = await openBrowser())
  await page.goto(`${server.url}/settings/enforcement`)
  await page.waitForSelector(tid('bouncer-empty'))
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const nameFeedback = () => page.locator(`${tid('bouncer-name-field')} .n-form-item-feedback`)

/** A bouncer's pull, as Debian's firewall bouncer sends it. */
const pull = (key, query = 'startup=true') =>
  fetch(`${server.url}/v1/decisions/stream?${query}`, {
    headers: { 'X-Api-Key': key, 'User-Agent': 'crowdsec-firewall-bouncer/v0.0.25' },
  })

let key

test('add a bouncer: the key is shown once with configs to copy, and it opens /v1/', async () => {
  await page.fill(`${tid('bouncer-new-name')} input`, 'firewall-chat1')
  await page.click(tid('bouncer-add'))
  await page.waitForSelector(tid('bouncer-added'))
  key = await page.locator(`${tid('bouncer-key')} input`).inputValue()
  assert.match(key, /^blb_[A-Za-z0-9_-]{43}$/)
  const fw = await page.locator(`${tid('bouncer-config-firewall')} textarea`).inputValue()
  assert.ok(fw.includes(`api_key: ${key}`), fw)
  assert.ok(fw.includes(`api_url: ${server.url}/`), fw)
  assert.ok(fw.includes('ipset_type: nethash'), fw)
  const nginx = await page.locator(`${tid('bouncer-config-nginx')} textarea`).inputValue()
  assert.ok(nginx.includes(`API_KEY=${key}`) && nginx.includes(`API_URL=${server.url}`), nginx)
  await page.locator(tid('bouncer-row-firewall-chat1')).waitFor()
  assert.equal(await page.locator(`${tid('bouncer-row-firewall-chat1')} ${tid('bouncer-last-pull')}`).innerText(), 'never')
  await screenshot(page, 'enforcement-added')

  // The key is never listed again, anywhere.
  const list = await apiCall(server, 'GET', '/api/v1/bouncers')
  assert.equal(list.status, 200)
  assert.ok(!JSON.stringify(list.body).includes(key))

  await apiCall(server, 'POST', '/api/v1/bans', { ip: '203.0.113.9', period: '1d', notes: 'abuse' })
  const res = await pull(key)
  assert.equal(res.status, 200)
  const body = await res.json()
  assert.deepEqual(
    body.new.map((d) => [d.value, d.scope, d.scenario]),
    [['203.0.113.9', 'Ip', 'banlist: abuse']],
  )
  assert.deepEqual(body.deleted, [])
})

test('the last pull shows when, from where and which software, in local time with its zone', async () => {
  const row = tid('bouncer-row-firewall-chat1')
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent !== 'never',
    `${row} ${tid('bouncer-last-pull')}`,
    { timeout: 8000 },
  )
  const last = await page.locator(`${row} ${tid('bouncer-last-pull')}`).innerText()
  // The browser runs in Europe/Lisbon: winter time is GMT (Intl writes "GMT" or "WET").
  assert.match(last, /\d{2}:\d{2}:\d{2}.*(GMT|WET|UTC)/, last)
  assert.equal(await page.locator(`${row} ${tid('bouncer-remote')}`).innerText(), '127.0.0.1')
  assert.equal(await page.locator(`${row} ${tid('bouncer-agent')}`).innerText(), 'crowdsec-firewall-bouncer/v0.0.25')
  await screenshot(page, 'enforcement-panel')
})

test('empty and duplicate names are refused next to the field', async () => {
  await page.click(tid('bouncer-added-close'))
  await page.fill(`${tid('bouncer-new-name')} input`, '   ')
  await page.click(tid('bouncer-add'))
  await nameFeedback().filter({ hasText: 'Enter a name' }).waitFor()
  await page.fill(`${tid('bouncer-new-name')} input`, 'FIREWALL-chat1')
  await page.click(tid('bouncer-add'))
  await nameFeedback().filter({ hasText: 'already exists' }).waitFor()
  assert.equal(await page.locator(tid('bouncer-added')).count(), 0)
  const list = await apiCall(server, 'GET', '/api/v1/bouncers')
  assert.equal(list.body.length, 1)
})

test('revoke asks first, then the key stops working on /v1/', async () => {
  await page.click(tid('bouncer-revoke-firewall-chat1'))
  await page.click(tid('bouncer-revoke-confirm'))
  await page.waitForSelector(tid('bouncer-empty'))
  const res = await pull(key, 'startup=false')
  assert.equal(res.status, 403)
  assert.deepEqual(await res.json(), { message: 'access forbidden' })
  assert.deepEqual(errors, [])
})
