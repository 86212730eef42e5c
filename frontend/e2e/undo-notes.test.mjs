// Undo after Unban restores the same ban (notes, expiry) and the history says
// restored; the notes of an active ban can be edited (Ctrl+Enter saves) and
// the history records it.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, startServer, tid } from './harness.mjs'

let server, browser, page, errors, contact, ban

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=50')
  contact = list.body.items.find((c) => !c.blocked)
  ban = (await apiCall(server, 'POST', '/api/v1/bans', { ip: contact.ip, period: '1w', notes: 'Threatened agent Ben' })).body
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('Unban, then Undo within 10 s: the same ban is back and the history says restored', async () => {
  await page.goto(`${server.url}/contacts/${contact.id}`)
  await page.click(tid('unban-button'))
  await page.click(tid('unban-confirm'))
  await page.waitForSelector(tid('ban-button'))
  await page.click(tid('undo-unban'))
  await page.waitForSelector(tid('renew-button'))
  const now = (await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body
  assert.equal(now.status, 'active')
  assert.equal(now.notes, 'Threatened agent Ben')
  assert.equal(now.expiresAt, ban.expiresAt)
  await page.click(tid('open-history'))
  await page.waitForSelector(`${tid('history-event')}[data-kind="restored"]`)
  const kinds = await page.locator(tid('history-event')).evaluateAll((els) => els.map((e) => e.dataset.kind))
  assert.deepEqual(kinds, ['restored', 'unbanned', 'banned'])
  await page.keyboard.press('Escape')
  await page.locator(tid('history-drawer')).waitFor({ state: 'detached' })
})

test('edit the notes of the active ban with Ctrl+Enter; Enter is a new line', async () => {
  await page.click(tid('edit-notes'))
  const box = page.locator(`${tid('notes-input')} textarea`)
  await box.fill('Threatened agent Ben')
  await box.press('End')
  await box.press('Enter')
  await box.type('Came back on 2 Dec with the same words.')
  await box.press('Control+Enter')
  await page.waitForFunction(() => document.querySelector('[data-testid="blocked-notes"]')?.textContent.includes('Came back'))
  const saved = (await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body
  assert.equal(saved.notes, 'Threatened agent Ben\nCame back on 2 Dec with the same words.')
  const hist = (await apiCall(server, 'GET', `/api/v1/history?target=${contact.ip}`)).body
  assert.equal(hist[0].kind, 'notes_edited')
  assert.equal(hist[0].notes, saved.notes)
  assert.deepEqual(errors, [])
})
