// Accessibility checks for browser tests: injects axe-core (npm) into the
// page and returns the violations of impact critical or serious. Use it on
// every screen and popup you add, in both themes:
//   assert.deepEqual(await seriousViolations(page), [])
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * Runs axe-core on the page (or on the elements matching include) and returns
 * one line per critical or serious violation and node: "rule (impact): target — summary".
 */
export async function seriousViolations(page, { include } = {}) {
  await settled(page)
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') forbids inline script tags.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async (include) => {
    const res = await window.axe.run(include ? { include: [include] } : document, {
      resultTypes: ['violations'],
    })
    return res.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join('').trim()}`))
  }, include)
  return violations
}

/** Waits until no finite CSS transition or animation runs (Naive UI fades colours in over 0.3 s). */
export async function settled(page) {
  await page.waitForFunction(
    () => document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity).length === 0,
  )
}

/** Switches the page between light and dark (the app follows prefers-color-scheme). */
export async function setTheme(page, scheme) {
  await page.emulateMedia({ colorScheme: scheme })
  // Let Naive UI re-render with the new colours.
  // Wait until the page has the theme's background (the dark theme loads on demand).
  await page.waitForFunction((dark) => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number)
    return (r + g + b < 200) === dark
  }, scheme === 'dark')
  await settled(page)
}
