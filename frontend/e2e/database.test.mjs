// Settings → Database: switch files, create a shared one, the errors for
// files that cannot be used, and the operator name recorded on bans.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiCall, openBrowser, repoRoot, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors
const immutable = []

before(async () => {
  server = await startServer(['--allow-database-switch'])
  ;({ browser, page, errors } = await openBrowser())
  await page.goto(`${server.url}/settings/database`)
  await page.waitForSelector(tid('db-path'))
})

after(async () => {
  for (const f of immutable) execFileSync('chattr', ['-i', f])
  await browser?.close()
  await server?.stop()
})

async function tryOpen(path) {
  await page.fill(`${tid('db-new-path')} input`, path)
  await page.click(tid('db-open'))
}
const feedback = () => page.locator(`${tid('database-panel')} .n-form-item-feedback`).first()

test('shows the current file, its mode and counts', async () => {
  assert.equal(await page.locator(tid('db-path')).innerText(), server.db)
  assert.equal(await page.locator(tid('db-mode')).innerText(), 'local')
  assert.match(await page.locator(tid('db-counts')).innerText(), /2,000 contacts · 2 bans \(2 active\)/)
})

test('create a shared database, switch to it, and come back', async () => {
  const shared = join(server.dir, 'team.db')
  await page.fill(`${tid('db-new-path')} input`, shared)
  await page.click(tid('db-create'))
  await page.waitForFunction((p) => document.querySelector('[data-testid="db-path"]')?.textContent === p, shared)
  assert.equal(await page.locator(tid('db-mode')).innerText(), 'shared')
  assert.match(await page.locator(tid('db-counts')).innerText(), /^0 contacts · 0 bans/)
  const info = await apiCall(server, 'GET', '/api/v1/info')
  assert.equal(info.body.path, shared)
  await screenshot(page, 'database-panel')

  await tryOpen(server.db)
  await page.waitForFunction((p) => document.querySelector('[data-testid="db-path"]')?.textContent === p, server.db)
  assert.equal(await page.locator(tid('db-mode')).innerText(), 'local')
  // Each file records the switches, with who and from where.
  const last = page.locator(tid('db-last-switch'))
  await last.filter({ hasText: 'Switched to this database (local) from ' + shared }).waitFor()
  assert.match(await last.innerText(), /by .+ \(browser at 127\.0\.0\.1:\d+\)/)
})

test('without --allow-database-switch the panel shows the path read-only and says why', async () => {
  const locked = await startServer(['--no-demo'])
  try {
    const other = await browser.newPage()
    await other.goto(`${locked.url}/settings/database`)
    await other.waitForSelector(tid('db-path'))
    assert.equal(await other.locator(tid('db-path')).innerText(), locked.db)
    assert.match(await other.locator(tid('db-switch-off')).innerText(), /read-only.*--allow-database-switch/s)
    assert.equal(await other.locator(tid('db-new-path')).count(), 0)
    assert.equal(await other.locator(tid('db-open')).count(), 0)
    await screenshot(other, 'database-switch-off')
    const res = await apiCall(locked, 'POST', '/api/v1/database/create', { path: join(locked.dir, 'x.db'), shared: false })
    assert.equal(res.status, 403)
    await other.close()
  } finally {
    await locked.stop()
  }
})

test('files that cannot be used are explained next to the field, and the app stays on its database', async () => {
  const missing = join(server.dir, 'nope', 'x.db')
  await tryOpen(missing)
  await feedback().filter({ hasText: 'does not exist' }).waitFor()

  const text = join(server.dir, 'notes.txt')
  writeFileSync(text, 'these are not the droids you are looking for\n'.repeat(100))
  await tryOpen(text)
  await feedback().filter({ hasText: 'not a banlist database' }).waitFor()

  await tryOpen('relative/path.db')
  await feedback().filter({ hasText: 'not a full path' }).waitFor()

  const info = await apiCall(server, 'GET', '/api/v1/info')
  assert.equal(info.body.path, server.db, 'still on the original database')
})

test('a read-only database file is refused with a clear message', async () => {
  // Build a real banlist database, then make it read-only. As root,
  // permissions do not stop writes, so the file is made immutable instead.
  const maker = await startServer(['--no-demo'], {}, { db: join(server.dir, 'readonly.db') })
  await maker.stop()
  const path = join(server.dir, 'readonly.db')
  if (process.getuid() === 0) {
    execFileSync('chattr', ['+i', path])
    immutable.push(path)
  } else {
    execFileSync('chmod', ['0444', path])
  }
  await tryOpen(path)
  await feedback().filter({ hasText: 'read-only' }).waitFor()
  await screenshot(page, 'database-readonly-error')
  const info = await apiCall(server, 'GET', '/api/v1/info')
  assert.equal(info.body.path, server.db)
})

test('import contacts: the sample file is added, bad rows are listed by line', async () => {
  const before = (await apiCall(server, 'GET', '/api/v1/info')).body.contacts
  await page.setInputFiles(tid('contacts-import-file'), join(repoRoot, 'docs', 'samples', 'contacts.csv'))
  const report = page.locator(tid('contacts-import-report'))
  await report.waitFor()
  assert.match(await report.innerText(), /Imported 10 of 10 rows/)
  assert.equal((await apiCall(server, 'GET', '/api/v1/info')).body.contacts, before + 10)

  const bad = join(server.dir, 'bad.csv')
  writeFileSync(bad, 'started_at,ip,visitor_name\n2026-11-20T10:00:00Z,192.0.2.1,Good\n2026-11-20T10:00:00Z,999.1.1.1,Bad IP\nyesterday,192.0.2.2,Bad date\n')
  await page.setInputFiles(tid('contacts-import-file'), bad)
  await report.filter({ hasText: 'Imported 1 of 3 rows; 2 rejected' }).waitFor()
  const text = await report.innerText()
  assert.match(text, /line 3: ip: /)
  assert.match(text, /line 4: started_at: /)
})

test('the operator name is recorded on new bans', async () => {
  await page.fill(`${tid('operator-name')} input`, '')
  await page.click(tid('operator-save'))
  await feedback().page().locator('text=Enter your name').waitFor()
  await page.fill(`${tid('operator-name')} input`, 'Maria Supervisor')
  await page.click(tid('operator-save'))
  await page.locator('text=now recorded as made by Maria Supervisor').waitFor()
  const ban = await apiCall(server, 'POST', '/api/v1/bans', { ip: '192.0.2.77', period: '1h', notes: '' })
  assert.equal(ban.body.createdBy, 'Maria Supervisor')
  assert.deepEqual(errors, [])
})

test('Back up now writes a private copy and never overwrites a file', async () => {
  await page.goto(`${server.url}/settings/database`)
  await page.waitForSelector(tid('db-size'))
  const dest = join(server.dir, `backup-${Date.now()}.db`)
  await page.fill(`${tid('backup-path')} input`, dest)
  await page.click(tid('backup-now'))
  await page.waitForSelector(tid('backup-done'))
  const st = statSync(dest)
  assert.equal(st.mode & 0o777, 0o600)
  assert.match(await page.locator(tid('backup-done')).innerText(), new RegExp(`Backed up to ${dest.replaceAll('.', '\\.')}`))
  // The same file again is refused next to the field, and left as it was.
  await page.fill(`${tid('backup-path')} input`, dest)
  await page.click(tid('backup-now'))
  await page.locator(`${tid('backup-section')} .n-form-item-feedback:has-text("already exists")`).waitFor()
  assert.equal(statSync(dest).size, st.size)
})
