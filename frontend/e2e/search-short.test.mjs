import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'

// A report larger than the window a 1–2 character search looks through
// (10,000 contacts): the demo's 2,000 plus 10,000 imported.
let server, browser, page, errors

before(async () => {
  server = await startServer()
  const lines = ['started_at,visitor_name,email,ip']
  for (let i = 0; i < 10000; i++) {
    const t = new Date(Date.UTC(2026, 10, 1) + i * 60000).toISOString()
    const name = i % 50 === 0 ? `Quinn Xu ${i}` : `Visitor ${i}`
    lines.push(`${t},${name},v${i}@example.net,198.51.${(i >> 8) & 255}.${i & 255}`)
  }
  const res = await apiCall(server, 'POST', '/api/v1/contacts/import', { name: 'big.csv', content: lines.join('\n') })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a 2-letter search says it looked through part of the report; a third letter searches everything', async () => {
  await page.goto(server.url)
  await page.waitForSelector('[data-testid^="contact-row-"]')
  await page.fill(`${tid('contacts-search')} input`, 'xu')
  await page.waitForSelector(tid('contacts-partial'))
  assert.match(await page.locator(tid('contacts-partial')).innerText(), /10,000 contacts listed first.*3 or more characters/s)
  const rows = await page.locator('[data-testid^="contact-row-"]').allInnerTexts()
  assert.ok(rows.length > 0 && rows.every((r) => /xu/i.test(r)), `rows: ${rows}`)

  await page.fill(`${tid('contacts-search')} input`, 'xu ')
  await page.fill(`${tid('contacts-search')} input`, 'n xu')
  await page.waitForSelector(tid('contacts-partial'), { state: 'detached' })
  const all = await page.locator('[data-testid^="contact-row-"]').allInnerTexts()
  assert.ok(all.length > 0 && all.every((r) => /n xu/i.test(r)))
  assert.deepEqual(errors, [])
})
