// axe-core on every screen a supervisor meets, in light and dark: the report,
// a contact (blocked and not), the Ban and Renew popups, the Blacklist with
// its History drawer and the Database panel. Zero critical or serious.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'
import { seriousViolations, setTheme } from './axe.mjs'

let server, browser, page, blockedId, freeId

before(async () => {
  server = await startServer()
  ;({ browser, page } = await openBrowser())
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=50')
  const free = list.body.items.filter((c) => !c.blocked)
  freeId = free[0].id
  await apiCall(server, 'POST', '/api/v1/bans', { ip: free[1].ip, period: '1d', notes: 'axe' })
  blockedId = free[1].id
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function check(name) {
  for (const scheme of ['light', 'dark']) {
    await setTheme(page, scheme)
    const v = await seriousViolations(page)
    assert.deepEqual(v, [], `${name} (${scheme})`)
  }
}

test('report', async () => {
  await page.goto(server.url)
  await page.locator('[data-testid^="contact-row-"]').first().waitFor()
  await check('report')
})

test('contact not blocked, and the Ban popup', async () => {
  await page.goto(`${server.url}/contacts/${freeId}`)
  await page.waitForSelector(tid('ban-button'))
  await check('contact not blocked')
  await page.click(tid('ban-button'))
  await page.waitForSelector(tid('ban-dialog'))
  await page.waitForTimeout(300)
  await check('Ban popup')
  await page.keyboard.press('Escape')
})

test('contact blocked, and the Renew popup', async () => {
  await page.goto(`${server.url}/contacts/${blockedId}`)
  await page.waitForSelector(tid('renew-button'))
  await check('contact blocked')
  await page.click(tid('renew-button'))
  await page.waitForSelector(tid('renew-dialog'))
  await page.waitForTimeout(300)
  await check('Renew popup')
  await page.keyboard.press('Escape')
})

test('Blacklist and its History drawer', async () => {
  await page.goto(`${server.url}/settings/blacklist`)
  await page.locator('[data-testid^="ban-row-"]').first().waitFor()
  await check('Blacklist')
  await page.locator('[data-testid^="ban-history-"]').first().click()
  await page.waitForSelector(tid('history-drawer'))
  await page.locator(tid('history-event')).first().waitFor()
  await page.waitForTimeout(300)
  await check('History drawer')
})

test('Database panel', async () => {
  await page.goto(`${server.url}/settings/database`)
  await page.waitForSelector(tid('settings-view'))
  await page.waitForTimeout(500)
  await check('Database panel')
})
