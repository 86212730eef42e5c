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
  /** What the caller may do: a token's role, else supervisor. */
  role: Role
  /** The name the caller's changes are recorded under. */
  actor: string
}

export type Role = 'supervisor' | 'agent' | 'check'


export interface ImportResult {
  imported: number
  rejected: { line: number; target: string; message: string }[]
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
  kind: 'banned' | 'renewed' | 'unbanned' | 'expired'
  actor: string
  at: string
  period: Period | ''
  notes: string
  expiresAt: string | null
}

export interface BanFilter {
  /** expiring: active bans that end within 24 hours. */
  status?: BanStatus | 'all' | 'expiring'
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
  /** Earlier (expired or removed) bans of this exact address. */
  timesBanned?: number
}

/** The contact detail: the contact, the latest ban of its IP (any status) and how often it was banned. */
export interface ContactDetail {
  contact: Contact
  ban: Ban | null
  timesBanned: number
  contactsFromIp: number
}

export interface ContactImportReport {
  imported: number
  rejected: { line: number; record: number; field: string; message: string }[]
  rejectedCount: number
  truncated: boolean
  total: number
}

/** One entry of the never-ban list. */
export interface ProtectedEntry {
  id: number
  target: string
  isRange: boolean
  notes: string
  createdBy: string
  createdAt: string
}

/** A new never-ban entry and the active bans it overlaps. */
export interface AddProtectedResult {
  entry: ProtectedEntry
  overlapping: Ban[]
}

export interface BanWarning {
  code: 'shared' | 'special'
  message: string
}

/** GET /api/v1/suggest: advice for the Ban popup. */
export interface Suggestion {
  ip: string
  period: Period
  previousBans: number
  previousInRange: number
  network: string
  sharedBy: number
  warnings: BanWarning[]
  reason: string
}

export interface ApiToken {
  id: number
  name: string
  role: Role
  createdBy: string
  createdAt: string
  lastUsedAt: string | null
}

/** A token just made; secret is shown once. */
export interface NewApiToken extends ApiToken {
  secret: string
}

export interface AuditFilter {
  actor?: string
  kind?: string
  from?: string
  to?: string
  page?: number
  pageSize?: number
}

export interface AuditEvent {
  at: string
  actor: string
  source: string
  remote?: string
  kind: string
  target: string
  detail: string
}

export interface AuditPage extends Page<AuditEvent> {
  kinds: string[]
}

/** A CrowdSec bouncer key (Settings → Enforcement); the key itself is never listed. */
export interface Bouncer {
  name: string
  createdAt: string
  createdBy: string
  lastPullAt: string | null
  lastRemote: string
  lastAgent: string
}

/** A bouncer just added, with its key: the only time the key is shown. */
export interface NewBouncer {
  bouncer: Bouncer
  key: string
}
