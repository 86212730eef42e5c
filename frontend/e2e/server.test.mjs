// A team on a PostgreSQL server: Settings → Database → "Connect to a
// server", and two banlist serve processes on one server database, where a
// ban made through one appears in the other's open Blacklist without a
// reload (the server notifies, store/notify.go). Runs on the throwaway
// server make starts (BANLIST_TEST_POSTGRES).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

const serverDSN = process.env.BANLIST_TEST_POSTGRES
const skip = serverDSN ? false : 'no PostgreSQL test server (make test-e2e starts one)'
if (!serverDSN && process.env.BANLIST_REQUIRE_POSTGRES === '1') throw new Error('BANLIST_TEST_POSTGRES is not set')

/** A fresh, empty database on the test server; returns its address. */
function newDatabase() {
  const name = 'banlist_e2e_' + randomBytes(6).toString('hex')
  execFileSync('psql', ['-X', '-q', '-d', serverDSN, '-c', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`])
  created.push(name)
  const u = new URL(serverDSN)
  u.pathname = '/' + name
  return u.toString()
}
const created = []

let app, team, browser, page
before(async () => {
  if (skip) return
  app = await startServer(['--allow-database-switch'])
  ;({ browser, page } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await app?.stop()
  await team?.stop()
  for (const name of created) {
    execFileSync('psql', ['-X', '-q', '-d', serverDSN, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`])
  }
})

test('connect to a server from Settings → Database, with errors next to the field', { skip }, async () => {
  await page.goto(`${app.url}/settings/database`)
  await page.waitForSelector(tid('db-server-address'))
  const field = `${tid('db-server-address')} input`
  const feedback = page.locator(`${tid('server-section')} .n-form-item-feedback`)

  await page.fill(field, 'postgres://db.example/banlist')
  await page.click(tid('db-connect'))
  await feedback.filter({ hasText: 'names no user' }).waitFor()
  assert.equal(await page.locator(tid('db-mode')).innerText(), 'local')

  // A password in the address is used, and never shown.
  const address = new URL(newDatabase())
  address.password = 'not-shown-anywhere'
  await page.fill(field, address.toString())
  await page.click(tid('db-connect'))
  await page.locator(tid('db-mode')).filter({ hasText: 'server' }).waitFor()
  const shown = await page.locator(tid('db-path')).innerText()
  assert.ok(!shown.includes('not-shown-anywhere') && shown.includes(address.pathname), shown)
  assert.match(await page.locator(tid('db-fs')).innerText(), /^PostgreSQL \d+/)
  assert.match(await page.locator(tid('backup-server')).innerText(), /pg_dump/)
  await screenshot(page, 'database-server')
})

test('two serve processes on one server: a ban through one shows in the other at once', { skip }, async () => {
  const dsn = newDatabase()
  team = await startServer(['--no-demo'], {}, { db: dsn })
  const other = await startServer(['--no-demo'], {}, { db: dsn })
  try {
    await page.goto(`${team.url}/settings/blacklist`)
    await page.waitForSelector(tid('blacklist-panel'))
    const res = await apiCall(other, 'POST', '/api/v1/bans', { ip: '203.0.113.77', period: '1d', notes: 'from the other machine' })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    await page.locator(tid(`ban-target-${res.body.id}`)).filter({ hasText: '203.0.113.77' }).waitFor({ timeout: 5000 })
    const check = await apiCall(team, 'GET', '/api/v1/check?ip=203.0.113.77')
    assert.equal(check.body.blocked, true)
  } finally {
    await other.stop()
  }
})
