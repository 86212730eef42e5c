// Settings → Blacklist: add, renew, remove (single and bulk), history,
// export, import and live refresh from another process on the same file.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer(['--no-demo'])
  ;({ browser, page, errors } = await openBrowser())
  await page.goto(`${server.url}/settings/blacklist`)
  await page.waitForSelector(tid('bl-table'))
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const rowFor = (target) => page.locator('[data-testid^="ban-row-"]', { has: page.locator(`code:text-is("${target}")`) })
async function idOf(target) {
  return (await rowFor(target).getAttribute('data-testid')).replace('ban-row-', '')
}

test('add: invalid input is explained while typing, the backend refuses a duplicate, a valid range is added', async () => {
  await page.click(tid('bl-add'))
  const input = page.locator(`${tid('ban-ip')} input`)
  await input.fill('10.0.0.0/8')
  await page.waitForSelector('text=too broad')
  await input.fill('010.1.1.1')
  await page.waitForSelector('text=leading zero')
  await input.fill('203.0.113.0/24')
  await page.click(tid('ban-period-1w'))
  await page.fill(`${tid('ban-notes')} textarea`, 'Spam wave from this range')
  await page.click(tid('ban-submit'))
  await rowFor('203.0.113.0/24').waitFor()

  // The same range again: the backend's message appears next to the field.
  await page.click(tid('bl-add'))
  await input.fill('203.0.113.7/24')
  await page.click(tid('ban-submit'))
  await page.waitForSelector(tid('ban-already-blocked'))
  // The backend's message, next to the IP field (it fades in).
  await page.locator(`${tid('ban-dialog')} .n-form-item-feedback:has-text("is already blocked")`).waitFor()
  await page.click(tid('ban-cancel'))
  await page.locator(tid('ban-dialog')).waitFor({ state: 'detached' })
  await screenshot(page, 'blacklist-panel')
})

test('renew from a row shows the new expiry and counts the renewal', async () => {
  const id = await idOf('203.0.113.0/24')
  await page.click(tid(`ban-renew-${id}`))
  await page.click(tid('renew-period-1mo'))
  assert.match(await page.locator(tid('renew-until')).innerText(), /Blocked until/)
  await page.click(tid('renew-submit'))
  await page.waitForFunction((id) => document.querySelector(`[data-testid="ban-row-${id}"]`)?.textContent.includes('1×'), id)
})

test('remove asks for confirmation and the row moves to Removed', async () => {
  const id = await idOf('203.0.113.0/24')
  await page.click(tid(`ban-remove-${id}`))
  await page.click(tid('remove-confirm'))
  await rowFor('203.0.113.0/24').waitFor({ state: 'detached' })
  await page.click(tid('bl-status'))
  await page.click('.n-base-select-option:has-text("Unbanned")')
  await page.waitForSelector(tid(`ban-status-${id}`))
  assert.equal(await page.locator(tid(`ban-status-${id}`)).innerText(), 'Unbanned')
})

test('history drawer lists banned, renewed and unbanned with who and when', async () => {
  const id = await idOf('203.0.113.0/24')
  await page.click(tid(`ban-history-${id}`))
  await page.waitForSelector(tid('history-event'))
  const kinds = await page.locator(tid('history-event')).evaluateAll((els) => els.map((e) => e.dataset.kind))
  assert.deepEqual(kinds, ['unbanned', 'renewed', 'banned'])
  assert.match(await page.locator(tid('history-drawer')).innerText(), /Spam wave from this range/)
  await screenshot(page, 'blacklist-history')
  await page.keyboard.press('Escape')
  await page.click(tid('bl-status'))
  await page.click('.n-base-select-option:has-text("Active")')
})

test('bulk remove reports what succeeded and what did not', async () => {
  for (const ip of ['198.51.100.1', '198.51.100.2']) {
    const res = await apiCall(server, 'POST', '/api/v1/bans', { ip, period: '1d', notes: '' })
    assert.equal(res.status, 200)
  }
  await rowFor('198.51.100.2').waitFor()
  const id1 = await idOf('198.51.100.1')
  const id2 = await idOf('198.51.100.2')
  await page.click(`${tid(`ban-row-${id1}`)} .n-checkbox`)
  await page.click(`${tid(`ban-row-${id2}`)} .n-checkbox`)
  await page.click(tid('bl-bulk-remove'))
  // Meanwhile another supervisor removes one of them.
  assert.equal((await apiCall(server, 'DELETE', `/api/v1/bans/${id1}`)).status, 200)
  await page.click(tid('remove-confirm'))
  const report = page.locator(tid('bl-bulk-report'))
  await report.waitFor()
  assert.match(await report.innerText(), /Unbanned 1 of 2/)
  assert.match(await report.innerText(), /198\.51\.100\.1: already unbanned by/)
})

test('export downloads the current filter as CSV', async () => {
  await apiCall(server, 'POST', '/api/v1/bans', { ip: '2001:db8::7', period: '1h', notes: '=HYPERLINK("x")' })
  await rowFor('2001:db8::7').waitFor()
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('bl-export'))])
  const csv = readFileSync(await download.path(), 'utf8')
  const lines = csv.trim().split('\n')
  assert.equal(lines[0], 'target,status,period,created_at,created_by,expires_at,removed_at,removed_by,renewals,notes')
  assert.equal(lines.length, 2, 'only the active ban is exported')
  assert.match(lines[1], /^2001:db8::7,active,1h,/)
  assert.match(lines[1], /,"'=HYPERLINK\(""x""\)"$/, 'formula cells are defused')
})

test('import adds good lines and reports bad ones by line number', async () => {
  const file = join(server.dir, 'import.csv')
  writeFileSync(file, 'ip,period,notes\n192.0.2.10,1d,from import\nnot-an-ip,1d,x\n192.0.2.11,2d,\n192.0.2.12,1w,ok\n')
  await page.click(tid('bl-import'))
  assert.match(await page.locator(tid('import-sample')).innerText(), /^ip,period,notes\n203\.0\.113\.45,1d,/)
  await page.setInputFiles(tid('bl-import-file'), file)
  const report = page.locator(tid('bl-import-report'))
  await report.waitFor()
  const text = await report.innerText()
  assert.match(text, /Imported 2 addresses; 2 lines were not/)
  assert.match(text, /line 3: .*not-an-ip/)
  assert.match(text, /line 4: .*not a ban period/)
  await rowFor('192.0.2.12').waitFor()
})

test('live refresh: a ban made by another process appears within 2 seconds, without a reload', async () => {
  const other = await startServer(['--no-demo'], {}, { db: server.db })
  try {
    const t0 = Date.now()
    const res = await apiCall(other, 'POST', '/api/v1/bans', { ip: '192.0.2.200', period: '1h', notes: 'other desk' })
    assert.equal(res.status, 200)
    await rowFor('192.0.2.200').waitFor({ timeout: 2000 })
    console.log(`live refresh took ${Date.now() - t0} ms`)
    const gone = Date.now()
    assert.equal((await apiCall(other, 'DELETE', `/api/v1/bans/${res.body.id}`)).status, 200)
    await rowFor('192.0.2.200').waitFor({ state: 'detached', timeout: 2000 })
    console.log(`live removal took ${Date.now() - gone} ms`)
  } finally {
    await other.stop()
  }
  assert.deepEqual(errors, [])
})
