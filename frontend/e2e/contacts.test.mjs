import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the report lists the demo contacts, newest first', async () => {
  await page.goto(server.url)
  await page.waitForSelector(`${tid('contacts-table')} [data-testid^="contact-row-"]`)
  const rows = page.locator('[data-testid^="contact-row-"]')
  assert.equal(await rows.count(), 25, 'first page shows 25 rows')
  // The demo set puts a repeat offender as the most recent contact.
  assert.match(await rows.first().innerText(), /Rex Trollman/)
  assert.match(await page.locator(tid('contacts-table')).innerText(), /2,000 contacts/)
  await screenshot(page, 'contacts-report')
  assert.deepEqual(errors, [])
})

test('search narrows the report and a row opens the contact detail', async () => {
  await page.fill(`${tid('contacts-search')} input`, '203.0.113.45')
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid^="contact-row-"]')]
    return rows.length > 0 && rows.every((r) => r.textContent.includes('203.0.113.45'))
  })
  await page.locator('[data-testid^="contact-row-"]').first().click()
  await page.waitForSelector(tid('contact-ip'))
  assert.equal(await page.locator(tid('contact-ip')).innerText(), '203.0.113.45')

  // Back to the report: the search and its results are still there.
  await page.click(tid('back-to-report'))
  await page.waitForSelector(tid('contacts-view'))
  assert.equal(await page.locator(`${tid('contacts-search')} input`).inputValue(), '203.0.113.45')
  const rows = await page.locator('[data-testid^="contact-row-"]').allInnerTexts()
  assert.ok(rows.length > 0 && rows.every((r) => r.includes('203.0.113.45')))
})

test('a deep link to an unknown contact shows a clear error', async () => {
  await page.goto(`${server.url}/contacts/999999`)
  await page.waitForSelector(tid('contact-error'))
  assert.match(await page.locator(tid('contact-error')).innerText(), /Contact 999999 does not exist/)
})
