import { defineStore } from 'pinia'
import { api, type ContactQuery } from '../api'
import { usePagedList } from './paged'

/** The contacts report: its filters, page and rows. Kept in a store so that
 *  filters and page survive a visit to a contact's detail and back. */
type ReportQuery = Required<Pick<ContactQuery, 'search' | 'agent' | 'sort' | 'desc' | 'page' | 'pageSize' | 'blockedOnly'>> & {
  from?: string
  to?: string
}

/** The report's filters when the URL names none. */
export const reportDefaults: ReportQuery = {
  search: '',
  agent: '',
  sort: 'startedAt',
  desc: true,
  page: 1,
  pageSize: 25,
  blockedOnly: false,
  from: undefined,
  to: undefined,
}

export const useContactsStore = defineStore('contacts', () => {
  const query = reactive<ReportQuery>({ ...reportDefaults })
  const list = usePagedList(() => api.listContacts({ ...query }))
  const agents = ref<string[]>([])

  async function loadAgents() {
    try {
      agents.value = await api.listAgents()
    } catch {
      agents.value = []
    }
  }

  return { query, ...list, agents, loadAgents }
})
