// Fills ARIA gaps Naive UI leaves, for every screen at once (axe-core checks
// them in e2e/a11y.test.mjs): dialogs, drawers and form inputs have no
// name, card and dialog titles are role="heading" without a level, tabs have
// no tablist, row checkboxes point aria-labelledby
// at a label that does not exist, and pagination arrows have no name.
// One MutationObserver on the body applies the fixes as parts render.

function label(el: Element, text: string) {
  if (el.getAttribute('aria-label') !== text) el.setAttribute('aria-label', text)
}

function fix(root: ParentNode) {
  // Dialogs and drawers are named by their title.
  for (const d of root.querySelectorAll('.n-modal[role="dialog"], .n-drawer[role="dialog"], .n-dialog[role="dialog"]')) {
    const title = d.querySelector('.n-card-header__main, .n-drawer-header__main, .n-dialog__title')?.textContent?.trim()
    if (title) label(d, title)
  }
  // Form fields are named by their form item's label.
  for (const item of root.querySelectorAll('.n-form-item')) {
    const text = item.querySelector('.n-form-item-label__text')?.textContent?.trim()
    if (!text) continue
    for (const input of item.querySelectorAll('input.n-input__input-el, textarea.n-input__textarea-el')) {
      if (!input.hasAttribute('aria-labelledby')) label(input, text)
    }
  }
  for (const h of root.querySelectorAll('[role="heading"]:not([aria-level])')) h.setAttribute('aria-level', '2')
  for (const w of root.querySelectorAll('.n-tabs-wrapper:not([role])')) w.setAttribute('role', 'tablist')
  for (const t of root.querySelectorAll('.n-tabs-tab')) {
    t.setAttribute('role', 'tab')
    t.setAttribute('aria-selected', String(t.classList.contains('n-tabs-tab--active')))
  }
  for (const c of root.querySelectorAll('.n-checkbox[aria-labelledby]')) {
    const id = c.getAttribute('aria-labelledby')!
    if (document.getElementById(id)?.textContent?.trim()) continue
    // A selection checkbox: named after its row (first code or cell text), or "all rows" in the header.
    const row = c.closest('tr')
    const inHeader = !!c.closest('thead')
    const what = row?.querySelector('code')?.textContent ?? row?.querySelector('td:nth-child(2)')?.textContent ?? ''
    c.removeAttribute('aria-labelledby')
    label(c, inHeader ? 'Select all rows on this page' : `Select ${what}`.trim())
  }
  for (const p of root.querySelectorAll('.n-pagination')) {
    const items = [...p.querySelectorAll('.n-pagination-item')]
    items.forEach((it, i) => {
      if (it.textContent?.trim()) return
      // A name needs a role; disabled arrows say so.
      if (!it.hasAttribute('role')) it.setAttribute('role', 'button')
      it.setAttribute('aria-disabled', String(it.classList.contains('n-pagination-item--disabled')))
      if (it.classList.contains('n-pagination-item--button')) label(it, i === 0 ? 'Previous page' : 'Next page')
      else label(it, i < items.length / 2 ? 'Earlier pages' : 'Later pages')
    })
  }
}

/** Starts watching the document; call once at start-up. */
export function startA11yFixes(): void {
  fix(document)
  let queued = false
  new MutationObserver(() => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      fix(document)
    })
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] })
}
