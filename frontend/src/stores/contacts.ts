import { defineStore } from 'pinia'
import { api, ApiError, type ContactQuery, type ContactRow } from '../api'

/** The contacts report: its filters, page and rows. Kept in a store so that
 *  filters and page survive a visit to a contact's detail and back. */
export const useContactsStore = defineStore('contacts', () => {
  const query = reactive<Required<Pick<ContactQuery, 'search' | 'agent' | 'sort' | 'desc' | 'page' | 'pageSize' | 'blockedOnly'>> & {
    from?: string
    to?: string
  }>({
    search: '',
    agent: '',
    sort: 'startedAt',
    desc: true,
    page: 1,
    pageSize: 25,
    blockedOnly: false,
  })
  const items = ref<ContactRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  const agents = ref<string[]>([])
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const page = await api.listContacts({ ...query })
      if (mine !== seq) return // a newer request superseded this one
      items.value = page.items
      total.value = page.total
      error.value = null
    } catch (e) {
      if (mine === seq) error.value = e as ApiError
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function loadAgents() {
    try {
      agents.value = await api.listAgents()
    } catch {
      agents.value = []
    }
  }

  return { query, items, total, loading, error, agents, load, loadAgents }
})
