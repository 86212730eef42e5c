// Keyboard access for Naive UI parts that only listen to the mouse (sortable
// table headers, page numbers, tabs): they get tabindex 0 and role "button",
// and Enter or Space clicks them. Use it on a container:
//   <div v-keyboard-click="clickable">…</div>
// with the selectors of the parts inside. New parts rendered later are
// picked up too (a MutationObserver watches the container).
import type { Directive } from 'vue'

/** The Naive UI parts that need it, for v-keyboard-click. */
export const clickable = {
  /** Sortable column headers of an n-data-table. */
  sortHeaders: '.n-data-table-th--sortable',
  /** Page numbers and arrows of an n-pagination (the current and disabled ones are skipped). */
  pages: '.n-pagination-item:not(.n-pagination-item--disabled):not(.n-pagination-item--active)',
  /** Tabs of an n-tabs. */
  tabs: '.n-tabs-tab',
}

type Sel = string | string[] | Record<string, string>

function selectorOf(v: Sel): string {
  if (typeof v === 'string') return v
  return (Array.isArray(v) ? v : Object.values(v)).join(', ')
}

const state = new WeakMap<HTMLElement, { observer: MutationObserver; selector: string }>()

function mark(root: HTMLElement, selector: string) {
  for (const el of root.querySelectorAll<HTMLElement>(selector)) {
    if (el.getAttribute('tabindex') !== '0') el.setAttribute('tabindex', '0')
    if (!el.hasAttribute('role')) el.setAttribute('role', el.classList.contains('n-tabs-tab') ? 'tab' : 'button')
  }
  // Parts that stop matching (a page that became current) leave the tab order.
  for (const el of root.querySelectorAll<HTMLElement>('[data-kbd-click]')) {
    if (!el.matches(selector)) el.removeAttribute('tabindex')
  }
  for (const el of root.querySelectorAll<HTMLElement>(selector)) el.setAttribute('data-kbd-click', '')
}

function onKeydown(this: HTMLElement, ev: KeyboardEvent) {
  const s = state.get(this)
  const target = ev.target as HTMLElement
  if (!s || (ev.key !== 'Enter' && ev.key !== ' ') || !target.matches(s.selector)) return
  ev.preventDefault()
  target.click()
}

/** v-keyboard-click="selectors": makes matching parts inside reachable and usable by keyboard. */
export const vKeyboardClick: Directive<HTMLElement, Sel> = {
  mounted(el, binding) {
    const selector = selectorOf(binding.value)
    const observer = new MutationObserver(() => mark(el, selector))
    observer.observe(el, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] })
    state.set(el, { observer, selector })
    el.addEventListener('keydown', onKeydown)
    mark(el, selector)
  },
  unmounted(el) {
    state.get(el)?.observer.disconnect()
    state.delete(el)
    el.removeEventListener('keydown', onKeydown)
  },
}

/** Moves focus to the element with this data-testid once it is rendered (after Ban, Renew, Unban). */
export async function focusTestId(id: string, tries = 20): Promise<void> {
  for (let i = 0; i < tries; i++) {
    await new Promise((r) => setTimeout(r, 50))
    const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)
    if (el && !el.closest('[aria-hidden="true"]')) {
      el.focus()
      if (document.activeElement === el) return
    }
  }
}
