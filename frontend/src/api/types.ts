// Shapes returned by the backend (Go JSON tags are the source of truth).

export interface Info {
  version: string
  path: string
  mode: 'local' | 'shared'
  size: number
  contacts: number
  bans: number
  activeBans: number
  operator: string
}

export interface ImportResult {
  imported: number
  rejected: { line: number; target: string; message: string; data?: unknown }[]
}

export interface Contact {
  id: number
  visitorName: string
  email: string
  ip: string
  channel: string
  startedAt: string
  endedAt?: string
  durationSec: number
  agent: string
  department: string
  messages: number
  rating?: number
  country: string
  userAgent: string
  firstMessage: string
}

export interface ContactQuery {
  search?: string
  agent?: string
  from?: string
  to?: string
  sort?: string
  desc?: boolean
  page?: number
  pageSize?: number
  blockedOnly?: boolean
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export type Period = '1h' | '1d' | '1w' | '1mo'
export type BanStatus = 'active' | 'expired' | 'removed'

export interface Ban {
  id: number
  target: string
  isRange: boolean
  period: Period
  periodLabel: string
  notes: string
  createdBy: string
  createdAt: string
  expiresAt: string
  removedAt: string | null
  removedBy: string
  renewals: number
  status: BanStatus
}

export interface BanEvent {
  id: number
  banId: number
  target: string
  kind: 'banned' | 'renewed' | 'unbanned' | 'expired' | 'restored' | 'notes_edited'
  actor: string
  at: string
  period: Period | ''
  notes: string
  expiresAt: string | null
}

export interface BanFilter {
  status?: BanStatus | 'all'
  search?: string
  sort?: 'expires' | 'created' | 'ip'
  desc?: boolean
  page?: number
  pageSize?: number
}

export interface UnbanResult {
  ban: Ban
  alreadyRemoved: boolean
}

/** GET /api/v1/check — the chat servers' contract, hence snake_case ban_id. */
export interface CheckResult {
  ip: string
  blocked: boolean
  ban_id?: number
  target?: string
  until?: string
}

/** A report row: the contact plus whether its IP is blocked right now. */
export interface ContactRow extends Contact {
  blocked: boolean
  blockedUntil?: string
}

/** The contact detail: the contact, the latest ban of its IP (any status) and how often it was banned. */
export interface ContactDetail {
  contact: Contact
  ban: Ban | null
  timesBanned: number
  contactsFromIp: number
  /** Contacts the range ban covers (0 unless ban is a range). */
  contactsInRange: number
}

export interface ContactImportReport {
  imported: number
  rejected: { line: number; record: number; field: string; message: string }[]
  rejectedCount: number
  truncated: boolean
  total: number
}

/** Where Back up now wrote the copy, and its size in bytes. */
export interface BackupResult {
  path: string
  size: number
}
