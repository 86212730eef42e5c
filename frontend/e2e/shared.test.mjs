// Settings → Database on a shared file: the mode read from the file, the file
// system, and a stale lock (left by a crashed process) that the server breaks
// after 15 s and reports.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page

before(async () => {
  server = await startServer(['--shared', '--no-demo'])
  ;({ browser, page } = await openBrowser())
  await page.goto(`${server.url}/settings/database`)
  await page.waitForSelector(tid('db-path'), { timeout: 60_000 })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('shows the mode recorded in the file and the file system', async () => {
  assert.equal(await page.locator(tid('db-mode')).innerText(), 'shared')
  const storage = await page.locator(tid('db-storage')).innerText()
  assert.match(storage, /recorded in the file since .+ \(by .+ pid \d+\): delete journal, unix-dotfile lock/)
  assert.notEqual(await page.locator(tid('db-fs')).innerText(), '')
  assert.match(await page.locator(tid('db-fs-meaning')).innerText(), /\S/)
  assert.equal(await page.locator(tid('db-lock-recovery')).count(), 0)
})

test('a lock left by a crashed process is broken after 15 s and reported', { timeout: 90_000 }, async () => {
  // What a process killed right after taking the lock leaves on the share.
  mkdirSync(`${server.db}.lock`)
  const start = Date.now()
  while (existsSync(`${server.db}.lock`)) {
    assert.ok(Date.now() - start < 30_000, 'the stale lock is still there after 30 s')
    await new Promise((r) => setTimeout(r, 250))
  }
  const took = (Date.now() - start) / 1000
  assert.ok(took >= 14, `the lock was broken after ${took} s, before the 15 s bound`)
  await page.reload()
  await page.waitForSelector(tid('db-lock-recovery'), { timeout: 30_000 })
  assert.match(await page.locator(tid('db-lock-recovery')).innerText(), /held by an unknown process and silent for 1\d s; it was removed/)
  await screenshot(page, 'database-lock-recovered')
})
