// The seed's story by keyboard alone: report → contact → Ban → Renew →
// Unban, back to the report, sort and page, then Settings → Blacklist →
// Renew a row, and the Database tab. No mouse event is sent.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, startServer, tid } from './harness.mjs'
import { focusIsOn, focusRing, tabTo } from './keyboard.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function assertRing() {
  const ring = await focusRing(page)
  assert.ok(ring.style !== 'none' && ring.width >= 1, `focused element shows a ring: ${JSON.stringify(ring)}`)
}

test('report → contact → Ban → Renew → Unban with the keyboard only, focus on the new primary action each time', async () => {
  await page.goto(server.url)
  await page.locator('[data-testid^="contact-row-"]').first().waitFor()
  await tabTo(page, '[data-testid^="contact-row-"]')
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('contact-detail'))
  await page.waitForSelector(`${tid('ban-button')}, ${tid('unban-button')}`)
  if (await page.locator(tid('unban-button')).count()) {
    // The first contact may be blocked by the demo data: unblock it first.
    await tabTo(page, tid('unban-button'))
    await page.keyboard.press('Enter')
    await tabTo(page, tid('unban-confirm'))
    await page.keyboard.press('Enter')
    await page.waitForSelector(tid('ban-button'))
  }

  await tabTo(page, tid('ban-button'))
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('ban-dialog'))
  // The period is a radio group: arrows move from 1 day to 1 week.
  await tabTo(page, `${tid('ban-period')} input:checked`)
  await page.keyboard.press('ArrowRight')
  await tabTo(page, `${tid('ban-notes')} textarea`)
  await page.keyboard.type('Abusive to agent Ben, keyboard test')
  await tabTo(page, tid('ban-submit'))
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('blocked-tag'))
  assert.match(await page.locator(tid('blocked-until')).innerText(), /in (6|7) d/, 'the 1 week period was chosen by arrow key')
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'renew-button')

  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('renew-dialog'))
  await tabTo(page, tid('renew-submit'))
  await page.keyboard.press('Enter')
  await page.locator(tid('renew-dialog')).waitFor({ state: 'detached' })
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'renew-button')

  await tabTo(page, tid('unban-button'))
  await page.keyboard.press('Enter')
  await tabTo(page, tid('unban-confirm'))
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('not-blocked-tag'), { state: 'attached' }).catch(() => {})
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'ban-button')
})

test('breadcrumb, sort headers and page numbers take focus and work with Enter', async () => {
  await tabTo(page, tid('back-to-report'), { back: true })
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('contacts-view'))
  await page.locator('[data-testid^="contact-row-"]').first().waitFor()

  await tabTo(page, '.n-data-table-th--sortable[data-col-key="visitorName"]')
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.querySelector('.n-data-table-th[data-col-key="visitorName"] .n-data-table-sorter--asc, .n-data-table-th[data-col-key="visitorName"] .n-data-table-sorter--desc'))

  await tabTo(page, '.n-pagination-item[role="button"]:not(.n-pagination-item--button)')
  const pageNo = await page.evaluate(() => document.activeElement.textContent.trim())
  await page.keyboard.press('Enter')
  await page.waitForFunction((n) => document.querySelector('.n-pagination-item--active')?.textContent.trim() === n, pageNo)
})

test('sidebar to Settings, a Blacklist renewal and the Database tab, by keyboard', async () => {
  await tabTo(page, tid('nav-settings'), { back: true })
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('bl-table'))
  await page.locator('[data-testid^="ban-renew-"]').first().waitFor()

  await tabTo(page, '[data-testid^="ban-renew-"]')
  await assertRing()
  const id = (await page.evaluate(() => document.activeElement.dataset.testid)).replace('ban-renew-', '')
  const before = await page.locator(tid(`ban-row-${id}`)).innerText()
  await page.keyboard.press('Enter')
  await page.waitForSelector(tid('renew-dialog'))
  await tabTo(page, '[data-testid="renew-dialog"] input:checked')
  await page.keyboard.press('ArrowRight')
  await tabTo(page, tid('renew-submit'))
  await page.keyboard.press('Enter')
  await page.locator(tid('renew-dialog')).waitFor({ state: 'detached' })
  await page.waitForFunction(
    ([id, before]) => document.querySelector(`[data-testid="ban-row-${id}"]`)?.innerText !== before,
    [id, before],
  )
  assert.ok(await focusIsOn(page, tid(`ban-renew-${id}`)), 'focus stays on the renewed row')

  await tabTo(page, '.n-tabs-tab[data-name="database"]', { back: true })
  await assertRing()
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/settings\/database$/)
  assert.deepEqual(errors, [])
})
