// Keyboard helpers for browser tests: reach an element with Tab alone, and
// check that the focused element shows a focus ring.

/**
 * Presses Tab (or Shift+Tab with back) until the focused element matches
 * selector, and fails after max presses: proof the element is in the tab order.
 */
export async function tabTo(page, selector, { max = 80, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))
  throw new Error(`Tab did not reach ${selector} in ${max} presses; focus is on ${at}`)
}

/** Whether the focused element matches selector (or sits inside an element that does). */
export function focusIsOn(page, selector) {
  return page.evaluate((sel) => !!document.activeElement?.closest(sel), selector)
}

/** The focused element's outline, for "every control shows a visible focus ring". */
export function focusRing(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement)
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) }
  })
}
