import { defineStore } from 'pinia'
import { api, ApiError, type Ban, type BanFilter } from '../api'

/** Settings → Blacklist: its filter, page and rows. */
export const useBlacklistStore = defineStore('blacklist', () => {
  const filter = reactive<Required<BanFilter>>({
    status: 'active',
    search: '',
    sort: 'expires',
    desc: false,
    page: 1,
    pageSize: 25,
  })
  const items = ref<Ban[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const page = await api.listBlacklist({ ...filter })
      if (mine !== seq) return
      items.value = page.items
      total.value = page.total
      error.value = null
    } catch (e) {
      if (mine === seq) error.value = e as ApiError
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { filter, items, total, loading, error, load }
})
