// Truthful states: a contact covered by a range says so, Unban there says it
// lifts the whole range and how many contacts it covers, the page shows who
// blocked and when and opens the history; "Contacts from IP" links to the
// report filtered to that IP, which a reload keeps (URL state); titles name the screen.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'

let server, browser, page, errors, contact, range

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=100')
  contact = list.body.items.find((c) => !c.blocked && /^\d+\.\d+\.\d+\.\d+$/.test(c.ip))
  range = contact.ip.replace(/\.\d+$/, '.0/24')
  const res = await apiCall(server, 'POST', '/api/v1/bans', { ip: range, period: '1d', notes: 'Spam wave' })
  assert.equal(res.status, 200, JSON.stringify(res.body))
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a contact blocked by a range says so, with who, when, notes and its history', async () => {
  await page.goto(`${server.url}/contacts/${contact.id}`)
  await page.waitForSelector(tid('blocked-tag'))
  assert.equal(await page.title(), `Contact ${contact.id} — banlist`)
  assert.equal((await page.locator(tid('blocked-tag')).innerText()).trim(), `Blocked by range ${range}`)
  assert.match(await page.locator(tid('blocked-meta')).innerText(), /^Blocked \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d \S+ by \S+/)
  assert.equal(await page.locator(tid('blocked-notes')).innerText(), 'Spam wave')
  await page.click(tid('open-history'))
  await page.waitForSelector(`${tid('history-event')}[data-kind="banned"]`)
  await page.keyboard.press('Escape')
  await page.locator(tid('history-drawer')).waitFor({ state: 'detached' })
})

test('Unban on a range contact names the range and the contacts it covers', async () => {
  const detail = await apiCall(server, 'GET', `/api/v1/contacts/${contact.id}`)
  const n = detail.body.contactsInRange
  assert.ok(n >= 1)
  await page.click(tid('unban-button'))
  const dlg = page.locator('.n-dialog', { hasText: 'whole range' })
  await dlg.waitFor()
  const text = await dlg.innerText()
  assert.match(text, new RegExp(`Unban the whole range ${range.replaceAll('.', '\\.')}\\?`))
  assert.match(text, new RegExp(`the ${n} ${n === 1 ? 'contact' : 'contacts'} from it`))
  await page.keyboard.press('Escape')
})

test('"Contacts from IP" opens the report filtered to that IP; reload and Back keep it', async () => {
  await page.click(tid('contacts-from-ip'))
  await page.waitForURL((u) => u.pathname === '/contacts' && u.searchParams.get('search') === contact.ip)
  const rowsAllFrom = () =>
    page.waitForFunction((ip) => {
      const rows = [...document.querySelectorAll('[data-testid^="contact-row-"]')]
      return rows.length > 0 && rows.every((r) => r.textContent.includes(ip))
    }, contact.ip)
  await rowsAllFrom()
  assert.equal(await page.title(), 'Contacts report — banlist')
  assert.equal(await page.locator(`${tid('contacts-search')} input`).inputValue(), contact.ip)

  await page.reload()
  await rowsAllFrom()
  assert.equal(await page.locator(`${tid('contacts-search')} input`).inputValue(), contact.ip)

  // Open a row, then Back: the filtered report again.
  await page.locator('[data-testid^="contact-row-"]').first().click()
  await page.waitForSelector(tid('contact-detail'))
  await page.goBack()
  await rowsAllFrom()
  assert.match(page.url(), new RegExp(`search=${contact.ip.replaceAll('.', '\\.')}`))
  assert.deepEqual(errors, [])
})

test('Settings tabs name the screen in the title', async () => {
  await page.goto(`${server.url}/settings/database`)
  await page.waitForSelector(tid('settings-view'))
  assert.equal(await page.title(), 'Settings: Database — banlist')
})
