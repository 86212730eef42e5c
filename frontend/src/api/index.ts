// Every backend operation the UI uses, each reachable through either door.
import { invoke, isDesktop } from './transport'
import type {
  BackupResult,
  Ban,
  BanEvent,
  BanFilter,
  CheckResult,
  ContactDetail,
  ContactImportReport,
  ContactQuery,
  ContactRow,
  ImportResult,
  Info,
  Page,
  Period,
  UnbanResult,
} from './types'

export { ApiError, isDesktop } from './transport'
export type * from './types'

export const api = {
  info: () => invoke<Info>({ binding: 'Info', args: [], method: 'GET', path: '/api/v1/info' }),

  listContacts: (q: ContactQuery) =>
    invoke<Page<ContactRow>>({ binding: 'ListContacts', args: [q], method: 'GET', path: '/api/v1/contacts', query: { ...q } }),

  getContact: (id: number) =>
    invoke<ContactDetail>({ binding: 'GetContact', args: [id], method: 'GET', path: `/api/v1/contacts/${id}` }),

  importContacts: (name: string, content: string) =>
    invoke<ContactImportReport>({
      binding: 'ImportContacts',
      args: [name, content],
      method: 'POST',
      path: '/api/v1/contacts/import',
      body: { name, content },
    }),

  listAgents: () => invoke<string[]>({ binding: 'ListAgents', args: [], method: 'GET', path: '/api/v1/agents' }),

  banIP: (ip: string, period: Period, notes: string) =>
    invoke<Ban>({ binding: 'BanIP', args: [ip, period, notes], method: 'POST', path: '/api/v1/bans', body: { ip, period, notes } }),

  renew: (id: number, period: Period) =>
    invoke<Ban>({ binding: 'Renew', args: [id, period], method: 'POST', path: `/api/v1/bans/${id}/renew`, body: { period } }),

  unban: (id: number) =>
    invoke<UnbanResult>({ binding: 'Unban', args: [id], method: 'DELETE', path: `/api/v1/bans/${id}` }),

  /** Undo of an unban: the same ban, notes and expiry, active again. */
  restoreBan: (id: number) =>
    invoke<Ban>({ binding: 'RestoreBan', args: [id], method: 'POST', path: `/api/v1/bans/${id}/restore` }),

  editBanNotes: (id: number, notes: string) =>
    invoke<Ban>({ binding: 'EditBanNotes', args: [id, notes], method: 'PUT', path: `/api/v1/bans/${id}/notes`, body: { notes } }),

  listBlacklist: (f: BanFilter) =>
    invoke<Page<Ban>>({ binding: 'ListBlacklist', args: [f], method: 'GET', path: '/api/v1/bans', query: { ...f } }),

  getBan: (id: number) => invoke<Ban>({ binding: 'GetBan', args: [id], method: 'GET', path: `/api/v1/bans/${id}` }),

  banHistory: (target: string) =>
    invoke<BanEvent[]>({ binding: 'BanHistory', args: [target], method: 'GET', path: '/api/v1/history', query: { target } }),

  /** Desktop: asks where to save and writes the file. Browser: downloads it. */
  exportBans: async (f: BanFilter): Promise<{ path: string; count: number } | null> => {
    if (isDesktop()) {
      const res = await invoke<{ path: string; count: number }>({
        binding: 'ExportBans',
        args: [f],
        method: 'GET',
        path: '/api/v1/bans/export',
      })
      return res.path ? res : null
    }
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') params.set(k, String(v))
    const a = document.createElement('a')
    a.href = `/api/v1/bans/export?${params}`
    a.download = ''
    document.body.appendChild(a)
    a.click()
    a.remove()
    return null
  },

  importBans: (csv: string) =>
    invoke<ImportResult>({ binding: 'ImportBans', args: [csv], method: 'POST', path: '/api/v1/bans/import', body: { csv } }),

  openDatabase: (path: string, shared: boolean) =>
    invoke<Info>({ binding: 'OpenDatabase', args: [path, shared], method: 'POST', path: '/api/v1/database/open', body: { path, shared } }),

  createDatabase: (path: string, shared: boolean) =>
    invoke<Info>({ binding: 'CreateDatabase', args: [path, shared], method: 'POST', path: '/api/v1/database/create', body: { path, shared } }),

  setOperator: (name: string) =>
    invoke<Info>({ binding: 'SetOperator', args: [name], method: 'PUT', path: '/api/v1/operator', body: { name } }),

  /** A consistent copy of the open database to a new file (0600). */
  backupDatabase: (path: string) =>
    invoke<BackupResult>({ binding: 'BackupDatabase', args: [path], method: 'POST', path: '/api/v1/database/backup', body: { path } }),

  /** Desktop only: the native save dialog for a backup. */
  chooseBackupFile: () => invoke<string>({ binding: 'ChooseBackupFile', args: [], method: 'GET', path: '/api/v1/none' }),

  /** Desktop only: the native file dialog. */
  chooseDatabaseFile: (create: boolean) =>
    invoke<string>({ binding: 'ChooseDatabaseFile', args: [create], method: 'GET', path: '/api/v1/none' }),

  check: (ip: string) =>
    invoke<CheckResult>({ binding: 'Check', args: [ip], method: 'GET', path: '/api/v1/check', query: { ip } }),
}
