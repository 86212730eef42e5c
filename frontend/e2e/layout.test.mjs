// The Blacklist at common window widths: at 1280 px nothing scrolls
// sideways (page or table); at 1024 px the page still does not, and each
// row's Renew and Unban sit inside the window and work. A truncated note
// shows its full text on keyboard focus, not only on hover, and carries it
// as its accessible name.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, openBrowser, screenshot, startServer, tid } from './harness.mjs'
import { focusRing, tabTo } from './keyboard.mjs'

let server, browser, page, errors, ban

const note =
  'Threatened agent Ben twice in one evening, then came back from a second address in the same range and pasted the ' +
  'same insults; the customer’s order number is in ticket 4411. Do not lift before the case is closed.'

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
  ban = (await apiCall(server, 'POST', '/api/v1/bans', { ip: '198.51.100.201', period: '1w', notes: note })).body
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function openBlacklist() {
  await page.goto(`${server.url}/settings/blacklist`)
  await page.locator('[data-testid^="ban-row-"]').first().waitFor()
}

/** How far the page and the table's body could scroll sideways, in px. */
function overflow() {
  return page.evaluate(() => {
    const doc = document.scrollingElement
    const body = document.querySelector('[data-testid="bl-table"] .n-data-table-base-table-body')
    return { page: doc.scrollWidth - doc.clientWidth, table: body ? body.scrollWidth - body.clientWidth : -1 }
  })
}

test('at 1280 px the Blacklist needs no sideways scrolling, page or table, even with a long note listed', async () => {
  await page.setViewportSize({ width: 1280, height: 860 })
  await openBlacklist()
  await page.locator(tid(`ban-notes-${ban.id}`)).waitFor()
  const o = await overflow()
  assert.ok(o.table >= 0, 'the table body was found')
  assert.ok(o.page <= 0, `the page scrolls sideways by ${o.page} px`)
  assert.ok(o.table <= 0, `the table scrolls sideways by ${o.table} px`)
})

test('a truncated note shows its full text on keyboard focus and is named by it', async () => {
  await page.fill(`${tid('bl-search')} input`, '198.51.100.201')
  await page.locator(`${tid('ban-row-' + ban.id)}`).waitFor()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="ban-row-"]').length === 1)
  const cell = page.locator(tid(`ban-notes-${ban.id}`))
  assert.ok(await cell.evaluate((el) => el.scrollHeight > el.clientHeight), 'the note is truncated in its cell')
  assert.equal(await cell.getAttribute('aria-label'), `Notes: ${note}`)
  const full = page.locator(tid(`ban-notes-${ban.id}-full`))
  assert.equal(await full.count(), 0, 'no tooltip before focus')

  await page.focus(`${tid('bl-search')} input`)
  await tabTo(page, tid(`ban-notes-${ban.id}`))
  const ring = await focusRing(page)
  assert.ok(ring.style !== 'none' && ring.width >= 1, 'the focused note shows a ring')
  await full.waitFor({ state: 'visible' })
  assert.equal(await full.innerText(), note)
  await screenshot(page, 'blacklist-note-focus')
  await page.keyboard.press('Tab')
  await full.waitFor({ state: 'hidden' })
  assert.deepEqual(errors, [])
})

test('at 1024 px the page does not scroll sideways and each row’s Renew and Unban are in the window and work', async () => {
  await page.setViewportSize({ width: 1024, height: 768 })
  await openBlacklist()
  const o = await overflow()
  assert.ok(o.page <= 0, `the page scrolls sideways by ${o.page} px`)
  await screenshot(page, 'blacklist-1024')
  const rows = await page.locator('[data-testid^="ban-row-"]').evaluateAll((els) => els.map((e) => e.dataset.testid.replace('ban-row-', '')))
  assert.ok(rows.length >= 3, `${rows.length} rows`)
  for (const id of rows) {
    for (const button of [`ban-renew-${id}`, `ban-remove-${id}`, `ban-history-${id}`]) {
      const box = await page.locator(tid(button)).boundingBox()
      assert.ok(box, `${button} is rendered`)
      assert.ok(box.x >= 0 && box.x + box.width <= 1024, `${button} spans ${box.x}–${box.x + box.width} px, outside the 1024 px window`)
    }
  }
  // Renew works from there, by keyboard too.
  const id = rows[0]
  await page.focus(tid(`ban-renew-${id}`))
  await page.keyboard.press('Enter')
  await page.locator(tid('renew-dialog')).waitFor()
  await page.click(tid('renew-submit'))
  await page.locator(tid('renew-dialog')).waitFor({ state: 'detached' })
  assert.equal((await apiCall(server, 'GET', `/api/v1/bans/${id}`)).body.renewals, 1)
  await page.click(tid(`ban-remove-${id}`))
  await page.click(tid('remove-confirm'))
  await page.locator(tid(`ban-row-${id}`)).waitFor({ state: 'detached' })
  assert.equal((await apiCall(server, 'GET', `/api/v1/bans/${id}`)).body.status, 'removed')
  assert.deepEqual(errors, [])
})
