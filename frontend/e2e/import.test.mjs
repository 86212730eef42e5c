// Imports: the Blacklist's export is accepted by its import (round trip),
// the import dialog shows the format with a sample, and large imports of
// bans and contacts show their progress and answer in time.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

let source, target, browser, page, errors

before(async () => {
  source = await startServer(['--no-demo'])
  target = await startServer(['--no-demo', '--shared'])
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await source?.stop()
  await target?.stop()
})

const notes = ['x;=cmd|\' /C calc\'!A0', '=HYPERLINK("http://evil.example")', 'plain, with; separators', "'=quoted already", '']

test('export → import round trip: the export is accepted, read-only columns ignored, removed bans skipped', async () => {
  const made = []
  for (const [i, n] of notes.entries()) {
    made.push((await apiCall(source, 'POST', '/api/v1/bans', { ip: `192.0.2.${i + 1}`, period: '1w', notes: n })).body)
  }
  const gone = (await apiCall(source, 'POST', '/api/v1/bans', { ip: '198.51.100.0/24', period: '1d', notes: 'lifted' })).body
  assert.equal((await apiCall(source, 'DELETE', `/api/v1/bans/${gone.id}`)).status, 200)
  const csv = await (await fetch(`${source.url}/api/v1/bans/export?status=all`)).text()
  const file = join(target.dir, 'export.csv')
  writeFileSync(file, csv)

  await page.goto(`${target.url}/settings/blacklist`)
  await page.waitForSelector(tid('bl-table'))
  await page.click(tid('bl-import'))
  const dialog = page.locator(tid('import-dialog'))
  await dialog.waitFor()
  assert.match(await page.locator(tid('import-sample')).innerText(), /^ip,period,notes\n/)
  assert.match(await page.locator(tid('import-export-hint')).innerText(), /exported from this Blacklist .* accepted as it is/)
  await screenshot(page, 'import-dialog')
  await page.setInputFiles(tid('bl-import-file'), file)
  const report = page.locator(tid('bl-import-report'))
  await report.waitFor()
  const text = await report.innerText()
  assert.match(text, new RegExp(`Imported ${notes.length} addresses; 1 lines were not`))
  assert.match(text, /line \d+: Skipped: this ban was removed when it was exported/)
  const list = (await apiCall(target, 'GET', '/api/v1/bans?status=all&pageSize=50&sort=ip')).body.items
  const byTarget = Object.fromEntries(list.map((b) => [b.target, b]))
  for (const b of made) {
    assert.ok(byTarget[b.target], `${b.target} imported`)
    assert.equal(byTarget[b.target].notes, b.notes, 'notes survive the round trip')
    assert.equal(byTarget[b.target].period, '1w')
  }
  assert.equal(byTarget['198.51.100.0/24'], undefined, 'the removed ban is not blocked again')
})

test('a 10,000-line import on a shared file shows its progress and answers', async () => {
  const lines = ['ip,period,notes']
  for (let i = 0; i < 10000; i++) lines.push(`10.${20 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1},1d,bulk ${i}`)
  const file = join(target.dir, 'big.csv')
  writeFileSync(file, lines.join('\n') + '\n')
  await page.click(tid('bl-import'))
  await page.locator(tid('import-dialog')).waitFor()
  const t0 = Date.now()
  await page.setInputFiles(tid('bl-import-file'), file)
  await page.waitForFunction(
    () => /Checked [\d,]+ of 10,000 lines/.test(document.querySelector('[data-testid="import-progress-text"]')?.textContent ?? ''),
    null,
    { timeout: 30000, polling: 50 },
  )
  await screenshot(page, 'import-progress')
  await page.locator(tid('bl-import-report')).filter({ hasText: 'Imported 10000 addresses' }).waitFor({ timeout: 60000 })
  console.log(`10,000-line import through the UI on a shared file: ${Date.now() - t0} ms`)
  assert.equal((await apiCall(target, 'GET', '/api/v1/bans?status=active&pageSize=1')).body.total, 10000 + notes.length)
})

test('a large contacts import shows its progress', async () => {
  const rows = ['started_at,ip,visitor_name,agent']
  for (let i = 0; i < 60000; i++) rows.push(`2026-11-20T10:${String(i % 60).padStart(2, '0')}:00Z,192.0.${Math.floor(i / 250) % 250}.${(i % 250) + 1},Visitor ${i},Alice`)
  const file = join(target.dir, 'contacts.csv')
  writeFileSync(file, rows.join('\n') + '\n')
  await page.goto(`${target.url}/settings/database`)
  await page.waitForSelector(tid('db-path'))
  await page.setInputFiles(tid('contacts-import-file'), file)
  await page.waitForFunction(
    () => /Reading the file|Saved [\d,]+ of 60,000 rows|Sending the file/.test(document.querySelector('[data-testid="import-progress-text"]')?.textContent ?? ''),
    null,
    { timeout: 30000, polling: 20 },
  )
  await page.locator(tid('contacts-import-report')).filter({ hasText: 'Imported 60000 of 60000 rows' }).waitFor({ timeout: 60000 })
  assert.deepEqual(errors, [])
})
