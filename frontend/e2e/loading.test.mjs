// The loading screen of index.html: the shell and "Loading banlist…" are on
// screen before the app's code has run, and stay until the report's first
// page is in; other screens drop it once rendered. (The desktop window's
// first paint is checked by .ci/smoke-desktop.sh.)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, screenshot, startServer, tid } from './harness.mjs'

let server, browser, page, errors

before(async () => {
  server = await startServer()
  ;({ browser, page, errors } = await openBrowser())
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('before the app loads and until the first page is in, the window shows the shell and a loading line', async () => {
  let releaseBoot, releasePage
  const bootHeld = new Promise((r) => (releaseBoot = r))
  const pageHeld = new Promise((r) => (releasePage = r))
  await page.route('**/assets/boot-*.js', async (route) => {
    await bootHeld
    await route.continue()
  })
  await page.route('**/api/v1/contacts?*', async (route) => {
    await pageHeld
    await route.continue()
  })
  await page.goto(server.url, { waitUntil: 'commit' })
  const loading = page.locator(tid('app-loading'))
  await loading.waitFor({ state: 'visible' })
  assert.equal(await page.locator(tid('app-loading-text')).innerText(), 'Loading banlist…')
  assert.match(await loading.innerText(), /banlist\s+Contacts\s+Settings/)
  assert.equal(await page.locator(tid('nav')).count(), 0, 'the app has not mounted yet')
  await screenshot(page, 'loading-screen')

  // The app mounts underneath; the loading screen stays while the first page is on its way.
  releaseBoot()
  await page.locator(tid('nav')).waitFor({ state: 'attached' })
  assert.ok(await loading.isVisible(), 'the loading screen went before the first page arrived')
  releasePage()
  await page.locator('[data-testid^="contact-row-"]').first().waitFor()
  await loading.waitFor({ state: 'detached' })
  await page.unrouteAll()
})

test('another screen drops the loading screen once it is rendered', async () => {
  await page.goto(`${server.url}/settings/blacklist`)
  await page.locator(tid('bl-table')).waitFor()
  await page.locator(tid('app-loading')).waitFor({ state: 'detached' })
  assert.deepEqual(errors, [])
})
