// Every backend operation the UI uses, each reachable through either door.
import { invoke, isDesktop } from './transport'
import type { AuditFilter, BanFilter, ContactQuery, Period, Role } from './types'

export { ApiError, isDesktop } from './transport'
export type * from './types'

export const api = {
  info: () => invoke({ binding: 'Info', args: [], method: 'GET', path: '/api/v1/info' }),

  listContacts: (q: ContactQuery) =>
    invoke({ binding: 'ListContacts', args: [q], method: 'GET', path: '/api/v1/contacts', query: { ...q } }),

  getContact: (id: number) =>
    invoke({ binding: 'GetContact', args: [id], method: 'GET', path: `/api/v1/contacts/${id}` }),

  importContacts: (name: string, content: string) =>
    invoke({
      binding: 'ImportContacts',
      args: [name, content],
      method: 'POST',
      path: '/api/v1/contacts/import',
      body: { name, content },
    }),

  listAgents: () => invoke({ binding: 'ListAgents', args: [], method: 'GET', path: '/api/v1/agents' }),

  banIP: (ip: string, period: Period, notes: string) =>
    invoke({ binding: 'BanIP', args: [ip, period, notes], method: 'POST', path: '/api/v1/bans', body: { ip, period, notes } }),

  /**
   * Renews a ban; a renewal that ends it earlier needs allowShorten (error code "shortens" otherwise).
   * reason, optional, is kept in the history (a refusal names field "reason").
   */
  renew: (id: number, period: Period, allowShorten = false, reason = '') =>
    invoke({
      binding: 'Renew',
      args: [id, period, allowShorten, reason],
      method: 'POST',
      path: `/api/v1/bans/${id}/renew`,
      body: { period, allowShorten, reason },
    }),

  /** Lifts a block; reason, optional, is kept in the history. */
  unban: (id: number, reason = '') =>
    invoke({ binding: 'Unban', args: [id, reason], method: 'DELETE', path: `/api/v1/bans/${id}`, body: { reason } }),

  /** Undo of an unban: the same ban, notes and expiry, active again. */
  restoreBan: (id: number) =>
    invoke({ binding: 'RestoreBan', args: [id], method: 'POST', path: `/api/v1/bans/${id}/restore` }),

  editBanNotes: (id: number, notes: string) =>
    invoke({ binding: 'EditBanNotes', args: [id, notes], method: 'PUT', path: `/api/v1/bans/${id}/notes`, body: { notes } }),

  listBlacklist: (f: BanFilter) =>
    invoke({ binding: 'ListBlacklist', args: [f], method: 'GET', path: '/api/v1/bans', query: { ...f } }),

  getBan: (id: number) => invoke({ binding: 'GetBan', args: [id], method: 'GET', path: `/api/v1/bans/${id}` }),

  banHistory: (target: string) =>
    invoke({ binding: 'BanHistory', args: [target], method: 'GET', path: '/api/v1/history', query: { target } }),

  /** Desktop: asks where to save and writes the file. Browser: downloads it. */
  exportBans: async (f: BanFilter): Promise<{ path: string; count: number } | null> => {
    if (isDesktop()) {
      const res = await invoke({
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
    invoke({ binding: 'ImportBans', args: [csv], method: 'POST', path: '/api/v1/bans/import', body: { csv } }),

  /** How far the running (or last) import of bans or contacts has got. */
  importProgress: () => invoke({ binding: 'ImportProgress', args: [], method: 'GET', path: '/api/v1/import/progress' }),

  openDatabase: (path: string, shared: boolean) =>
    invoke({ binding: 'OpenDatabase', args: [path, shared], method: 'POST', path: '/api/v1/database/open', body: { path, shared } }),

  createDatabase: (path: string, shared: boolean) =>
    invoke({ binding: 'CreateDatabase', args: [path, shared], method: 'POST', path: '/api/v1/database/create', body: { path, shared } }),

  /** Switch to a PostgreSQL server (postgres://USER@HOST:PORT/DATABASE). */
  connectDatabase: (address: string) =>
    invoke({ binding: 'ConnectDatabase', args: [address], method: 'POST', path: '/api/v1/database/connect', body: { address } }),

  setOperator: (name: string) =>
    invoke({ binding: 'SetOperator', args: [name], method: 'PUT', path: '/api/v1/operator', body: { name } }),

  /** A consistent copy of the open database to a new file (0600). */
  backupDatabase: (path: string) =>
    invoke({ binding: 'BackupDatabase', args: [path], method: 'POST', path: '/api/v1/database/backup', body: { path } }),

  /** Desktop only: the native save dialog for a backup. */
  chooseBackupFile: () => invoke({ binding: 'ChooseBackupFile', args: [], method: 'GET', path: '/api/v1/none' }),

  /** Desktop only: the native file dialog. */
  chooseDatabaseFile: (create: boolean) =>
    invoke({ binding: 'ChooseDatabaseFile', args: [create], method: 'GET', path: '/api/v1/none' }),

  check: (ip: string) =>
    invoke({ binding: 'Check', args: [ip], method: 'GET', path: '/api/v1/check', query: { ip } }),

  listProtected: () =>
    invoke({ binding: 'ListProtected', args: [], method: 'GET', path: '/api/v1/protected' }),

  addProtected: (target: string, notes: string) =>
    invoke({
      binding: 'AddProtected',
      args: [target, notes],
      method: 'POST',
      path: '/api/v1/protected',
      body: { target, notes },
    }),

  removeProtected: (id: number) =>
    invoke({ binding: 'RemoveProtected', args: [id], method: 'DELETE', path: `/api/v1/protected/${id}` }),

  suggestBan: (ip: string) =>
    invoke({ binding: 'SuggestBan', args: [ip], method: 'GET', path: '/api/v1/suggest', query: { ip } }),

  listTokens: () => invoke({ binding: 'ListTokens', args: [], method: 'GET', path: '/api/v1/tokens' }),

  addToken: (name: string, role: Role) =>
    invoke({ binding: 'AddToken', args: [name, role], method: 'POST', path: '/api/v1/tokens', body: { name, role } }),

  deleteToken: (name: string) =>
    invoke({
      binding: 'DeleteToken',
      args: [name],
      method: 'DELETE',
      path: `/api/v1/tokens/${encodeURIComponent(name)}`,
    }),

  listAudit: (f: AuditFilter) =>
    invoke({ binding: 'ListAudit', args: [f], method: 'GET', path: '/api/v1/audit', query: { ...f } }),

  /** Desktop: asks where to save and writes the file. Browser: downloads it. */
  exportAudit: async (f: AuditFilter): Promise<{ path: string; count: number } | null> => {
    if (isDesktop()) {
      const res = await invoke({
        binding: 'ExportAudit',
        args: [f],
        method: 'GET',
        path: '/api/v1/audit/export',
      })
      return res.path ? res : null
    }
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') params.set(k, String(v))
    const a = document.createElement('a')
    a.href = `/api/v1/audit/export?${params}`
    a.download = ''
    document.body.appendChild(a)
    a.click()
    a.remove()
    return null
  },
  listBouncers: () => invoke({ binding: 'ListBouncers', args: [], method: 'GET', path: '/api/v1/bouncers' }),

  addBouncer: (name: string) =>
    invoke({ binding: 'AddBouncer', args: [name], method: 'POST', path: '/api/v1/bouncers', body: { name } }),

  deleteBouncer: (name: string) =>
    invoke({
      binding: 'DeleteBouncer',
      args: [name],
      method: 'DELETE',
      path: `/api/v1/bouncers/${encodeURIComponent(name)}`,
    }),
}
