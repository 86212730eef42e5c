import type { ApiError, Page } from '../api'

/**
 * The state of one server-paged table: rows, total, loading and error, and a
 * load() that ignores answers overtaken by a newer request (typing in a
 * search box sends several).
 */
export function usePagedList<T>(fetch: () => Promise<Page<T>>) {
  const items = ref<T[]>([]) as Ref<T[]>
  const total = ref(0)
  // Set when the server counted only part of the matches (see Page.partial).
  const scanned = ref<number | null>(null)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const page = await fetch()
      if (mine !== seq) return
      items.value = page.items
      total.value = page.total
      scanned.value = page.partial ? (page.scanned ?? null) : null
      error.value = null
    } catch (e) {
      if (mine === seq) error.value = e as ApiError
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { items, total, scanned, loading, error, load }
}

/** Naive UI pagination props for a paged table of `noun`s. */
export function pagination(q: { page: number; pageSize: number }, total: number, noun: [string, string]) {
  return {
    page: q.page,
    pageSize: q.pageSize,
    itemCount: total,
    showSizePicker: true,
    pageSizes: [25, 50, 100],
    prefix: () => `${total.toLocaleString()} ${total === 1 ? noun[0] : noun[1]}`,
  }
}
