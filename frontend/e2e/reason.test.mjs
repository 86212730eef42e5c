// Renew and Unban take an optional reason that the history shows: typed in
// the Renew popup and the Unban confirmation, refused next to its field when
// too long (the dialog stays open), kept through Undo, and shown in the
// History drawer of the contact page and of the Blacklist.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors, contact, ban

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
  const list = await apiCall(server, 'GET', '/api/v1/contacts?pageSize=50')
  contact = list.body.items.find((c) => !c.blocked)
  ban = (await apiCall(server, 'POST', '/api/v1/bans', { ip: contact.ip, period: '1d', notes: 'Insulted agent Ben' })).body
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const tooLong = 'x'.repeat(501)
const reasons = async () => page.locator(tid('history-reason')).allInnerTexts()

test('the contact page: Renew and Unban with a reason, a too long one refused by the field, Undo, the history shows both', async () => {
  await page.goto(`${server.url}/contacts/${contact.id}`)
  await page.click(tid('renew-button'))
  await page.click(tid('renew-period-1w'))
  await page.fill(`${tid('renew-reason')} input`, tooLong)
  await page.click(tid('renew-submit'))
  const renewFeedback = page.locator(`${tid('renew-reason-feedback')}:has-text("the limit is 500")`)
  await renewFeedback.waitFor()
  assert.equal(await page.locator(tid('renew-dialog')).count(), 1, 'the popup stays open')
  assert.equal((await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body.renewals, 0)
  await screenshot(page, 'renew-reason-refused')
  await page.fill(`${tid('renew-reason')} input`, 'Came back with a new name')
  await page.click(tid('renew-submit'))
  await page.locator(tid('renew-dialog')).waitFor({ state: 'detached' })
  assert.equal((await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body.period, '1w')

  await page.click(tid('unban-button'))
  await page.fill(`${tid('unban-reason')} input`, tooLong)
  await page.click(tid('unban-confirm'))
  await page.locator(`${tid('unban-reason-feedback')}:has-text("the limit is 500")`).waitFor()
  assert.equal((await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body.status, 'active', 'nothing lifted')
  await screenshot(page, 'unban-reason-refused')
  await page.fill(`${tid('unban-reason')} input`, 'Apologised by email')
  await page.click(tid('unban-confirm'))
  await page.waitForSelector(tid('ban-button'))
  // Undo brings the same ban back; the unban and its reason stay in the history.
  await page.click(tid('undo-unban'))
  await page.waitForSelector(tid('renew-button'))
  const now = (await apiCall(server, 'GET', `/api/v1/bans/${ban.id}`)).body
  assert.equal(now.status, 'active')
  assert.equal(now.notes, 'Insulted agent Ben')

  await page.click(tid('open-history'))
  await page.waitForSelector(`${tid('history-event')}[data-kind="restored"]`)
  const kinds = await page.locator(tid('history-event')).evaluateAll((els) => els.map((e) => e.dataset.kind))
  assert.deepEqual(kinds, ['restored', 'unbanned', 'renewed', 'banned'])
  assert.deepEqual(await reasons(), ['Reason: Apologised by email', 'Reason: Came back with a new name'])
  await screenshot(page, 'history-reasons')
  await page.keyboard.press('Escape')
  await page.locator(tid('history-drawer')).waitFor({ state: 'detached' })
})

test('the Blacklist: Unban with a reason from the row; its History drawer shows it', async () => {
  await page.goto(`${server.url}/settings/blacklist`)
  await page.waitForSelector(tid('bl-table'))
  await page.fill(`${tid('bl-search')} input`, contact.ip)
  await page.click(tid(`ban-remove-${ban.id}`))
  await page.fill(`${tid('unban-reason')} input`, '  Wrong customer: shared office address  ')
  await page.click(tid('remove-confirm'))
  await page.locator(tid(`ban-row-${ban.id}`)).waitFor({ state: 'detached' })
  const hist = (await apiCall(server, 'GET', `/api/v1/history?target=${contact.ip}`)).body
  assert.equal(hist[0].kind, 'unbanned')
  assert.equal(hist[0].reason, 'Wrong customer: shared office address', 'stored trimmed')

  await page.click(tid('bl-status'))
  await page.click('.n-base-select-option:has-text("All")')
  await page.click(tid(`ban-history-${ban.id}`))
  await page.waitForSelector(tid('history-reason'))
  assert.deepEqual(await reasons(), [
    'Reason: Wrong customer: shared office address',
    'Reason: Apologised by email',
    'Reason: Came back with a new name',
  ])
  assert.deepEqual(errors, [])
})
