import { defineStore } from 'pinia'
import { api, type BanFilter } from '../api'
import { usePagedList } from './paged'

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
  return { filter, ...usePagedList(() => api.listBlacklist({ ...filter })) }
})
