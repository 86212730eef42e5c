// The Ban popup's notes: Enter is a new line, Ctrl+Enter blocks, Escape with
// typed notes asks before discarding them. The Blacklist fits 1280 px.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'

let server, browser, page, errors, contact

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=50')
  contact = list.body.items.find((c) => !c.blocked)
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('Escape with typed notes asks first; Enter is a new line; Ctrl+Enter blocks', async () => {
  await page.goto(`${server.url}/contacts/${contact.id}`)
  await page.click(tid('ban-button'))
  const notes = page.locator(`${tid('ban-notes')} textarea`)
  await notes.fill('Line one')
  await notes.press('Enter')
  await notes.type('Line two')
  assert.equal(await notes.inputValue(), 'Line one\nLine two', 'Enter made a new line')
  assert.equal(await page.locator(tid('ban-dialog')).count(), 1, 'Enter did not submit')
  assert.equal(await page.locator(tid('ban-notes-count')).innerText(), '17 / 1000')

  await notes.press('Escape')
  const confirm = page.locator('.n-dialog', { hasText: 'Discard the notes?' })
  await confirm.waitFor()
  await confirm.locator('button', { hasText: 'Keep editing' }).click()
  await confirm.waitFor({ state: 'detached' })
  assert.equal(await notes.inputValue(), 'Line one\nLine two', 'the notes are kept')

  await notes.press('Control+Enter')
  await page.waitForSelector(tid('blocked-tag'))
  assert.equal(await page.locator(tid('blocked-notes')).innerText(), 'Line one\nLine two')

  // Escape on an untouched popup closes it at once.
  await page.click(tid('unban-button'))
  await page.click(tid('unban-confirm'))
  await page.click(tid('ban-button'))
  await page.locator(`${tid('ban-notes')} textarea`).press('Escape')
  await page.locator(tid('ban-dialog')).waitFor({ state: 'detached' })
  assert.deepEqual(errors, [])
})

test('the Blacklist fits 1280 px without horizontal scrolling', async () => {
  await page.goto(`${server.url}/settings/blacklist`)
  await page.locator('[data-testid^="ban-row-"]').first().waitFor()
  const sizes = await page.evaluate(() => {
    const table = document.querySelector('[data-testid="bl-table"] table')
    const box = document.querySelector('[data-testid="bl-table"]')
    return { table: table?.getBoundingClientRect().width, box: box?.getBoundingClientRect().width, page: document.documentElement.scrollWidth }
  })
  assert.ok(sizes.table > 0 && sizes.box > 0, JSON.stringify(sizes))
  assert.ok(sizes.table <= sizes.box + 1, `the table (${sizes.table}px) is wider than its box (${sizes.box}px)`)
  assert.ok(sizes.page <= 1280, `the page scrolls sideways: ${sizes.page}px`)
  // The Renewed column is visible, not hidden behind the fixed actions.
  const renewed = await page.locator('th[data-col-key="renewals"]').boundingBox()
  const actions = await page.locator('th[data-col-key="actions"]').boundingBox()
  assert.ok(renewed.x + renewed.width <= actions.x + 1, `Renewed ${JSON.stringify(renewed)} under actions ${JSON.stringify(actions)}`)
})
