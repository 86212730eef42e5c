// Code generated from the Go types by `make gen` (backend/tsgen). DO NOT EDIT.
// Times are RFC 3339 strings in UTC; 64-bit integers fit a number up to 2^53.

/** Go: banlist/backend/bans.Period */
export type Period = '1h' | '1d' | '1w' | '1mo'

/** the values of a ts:"Role" field */
export type Role = 'supervisor' | 'agent' | 'check'

/** Go: banlist/backend/bans.Status */
export type Status = 'active' | 'expired' | 'removed'

/** Go: banlist/backend/service.AddProtectedResult */
export interface AddProtectedResult {
  entry: ProtectedEntry
  overlapping: Ban[]
}

/** Go: banlist/backend/service.AuditEvent */
export interface AuditEvent {
  at: string
  actor: string
  source: string
  remote?: string
  kind: string
  target: string
  detail: string
}

/** Go: banlist/backend/service.AuditFilter */
export interface AuditFilter {
  actor: string
  kind: string
  from: string | null
  to: string | null
  page: number
  pageSize: number
}

/** Go: banlist/backend/service.AuditPage */
export interface AuditPage {
  items: AuditEvent[]
  total: number
  page: number
  pageSize: number
  kinds: string[]
}

/** Go: banlist/backend/service.BackupResult */
export interface BackupResult {
  path: string
  size: number
}

/** Go: banlist/backend/bans.Ban */
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
  status: Status
}

/** Go: banlist/backend/service.Bouncer */
export interface Bouncer {
  name: string
  createdAt: string
  createdBy: string
  lastPullAt: string | null
  lastRemote: string
  lastAgent: string
}

/** Go: banlist/backend/bans.CheckResult */
export interface CheckResult {
  ip: string
  blocked: boolean
  ban_id?: number
  target?: string
  until?: string | null
}

/** Go: banlist/backend/contacts.Contact */
export interface Contact {
  id: number
  visitorName: string
  email: string
  ip: string
  channel: string
  startedAt: string
  endedAt?: string | null
  durationSec: number
  agent: string
  department: string
  messages: number
  rating?: number | null
  country: string
  userAgent: string
  firstMessage: string
}

/** Go: banlist/backend/service.ContactDetail */
export interface ContactDetail {
  contact: Contact
  ban: Ban | null
  timesBanned: number
  contactsFromIp: number
  contactsInRange: number
}

/** Go: banlist/backend/service.ContactPage */
export interface ContactPage {
  items: ContactRow[]
  total: number
  page: number
  pageSize: number
  partial?: boolean
  scanned?: number
}

/** Go: banlist/backend/service.ContactRow */
export interface ContactRow {
  id: number
  visitorName: string
  email: string
  ip: string
  channel: string
  startedAt: string
  endedAt?: string | null
  durationSec: number
  agent: string
  department: string
  messages: number
  rating?: number | null
  country: string
  userAgent: string
  firstMessage: string
  blocked: boolean
  blockedUntil?: string | null
  timesBanned?: number
}

/** Go: banlist/backend/bans.Event */
export interface Event {
  id: number
  banId: number
  target: string
  kind: string
  actor: string
  at: string
  period: Period
  notes: string
  reason: string
  expiresAt: string | null
}

/** Go: banlist.ExportResult */
export interface ExportResult {
  path: string
  count: number
}

/** Go: banlist/backend/store.FileSystem */
export interface FileSystem {
  kind: string
  name: string
  meaning: string
}

/** Go: banlist/backend/bans.Filter */
export interface Filter {
  status: string
  search: string
  sort: string
  desc: boolean
  page: number
  pageSize: number
}

/** Go: banlist/backend/service.ImportProgress */
export interface ImportProgress {
  kind: string
  phase: string
  done: number
  total: number
  running: boolean
  started: string
}

/** Go: banlist/backend/contacts.ImportReport */
export interface ImportReport {
  imported: number
  rejected: RowError[]
  rejectedCount: number
  truncated: boolean
  total: number
}

/** Go: banlist/backend/service.ImportResult */
export interface ImportResult {
  imported: number
  rejected: LineError[]
}

/** Go: banlist/backend/service.Info */
export interface Info {
  version: string
  path: string
  mode: string
  size: number
  contacts: number
  bans: number
  activeBans: number
  operator: string
  databaseSwitch: boolean
  databaseSwitchNote?: string
  lastSwitch: AuditEvent | null
  role: Role
  actor: string
  storage: Mode
  fileSystem: FileSystem
  lockRecovery?: LockRecovery | null
}

/** Go: banlist/backend/banscsv.LineError */
export interface LineError {
  line: number
  target: string
  message: string
  data?: unknown
}

/** Go: banlist/backend/service.LockRecovery */
export interface LockRecovery {
  at: number
  detail: string
}

/** Go: banlist/backend/store.Mode */
export interface Mode {
  shared: boolean
  lock: string
  setAt: number
  setBy: string
  journal: string
}

/** Go: banlist/backend/service.NewBouncer */
export interface NewBouncer {
  bouncer: Bouncer
  key: string
}

/** Go: banlist/backend/service.NewToken */
export interface NewToken {
  id: number
  name: string
  role: Role
  createdBy: string
  createdAt: string
  lastUsedAt: string | null
  secret: string
}

/** Go: banlist/backend/bans.Page */
export interface Page {
  items: Ban[]
  total: number
  page: number
  pageSize: number
}

/** Go: banlist/backend/service.ProtectedEntry */
export interface ProtectedEntry {
  id: number
  target: string
  isRange: boolean
  notes: string
  createdBy: string
  createdAt: string
}

/** Go: banlist/backend/contacts.Query */
export interface Query {
  search: string
  agent: string
  from?: string | null
  to?: string | null
  sort: string
  desc: boolean
  page: number
  pageSize: number
  blockedOnly: boolean
}

/** Go: banlist/backend/contacts.RowError */
export interface RowError {
  line: number
  record: number
  field: string
  message: string
}

/** Go: banlist/backend/service.Suggestion */
export interface Suggestion {
  ip: string
  period: Period
  previousBans: number
  previousInRange: number
  network: string
  sharedBy: number
  warnings: Warning[]
  reason: string
}

/** Go: banlist/backend/service.Token */
export interface Token {
  id: number
  name: string
  role: Role
  createdBy: string
  createdAt: string
  lastUsedAt: string | null
}

/** Go: banlist/backend/bans.UnbanResult */
export interface UnbanResult {
  ban: Ban
  alreadyRemoved: boolean
}

/** Go: banlist/backend/service.Warning */
export interface Warning {
  code: string
  message: string
}

/** Every bound method, as the desktop app binds it (window.go.main.App). */
export interface Bindings {
  AddBouncer(name: string): Promise<NewBouncer>
  AddProtected(target: string, notes: string): Promise<AddProtectedResult>
  AddToken(name: string, role: string): Promise<NewToken>
  BackupDatabase(path: string): Promise<BackupResult>
  BanHistory(target: string): Promise<Event[]>
  BanIP(target: string, period: string, notes: string): Promise<Ban>
  Check(ip: string): Promise<CheckResult>
  ChooseBackupFile(): Promise<string>
  ChooseDatabaseFile(create: boolean): Promise<string>
  ConnectDatabase(address: string): Promise<Info>
  CreateDatabase(path: string, shared: boolean): Promise<Info>
  DeleteBouncer(name: string): Promise<void>
  DeleteToken(name: string): Promise<Token>
  EditBanNotes(id: number, notes: string): Promise<Ban>
  ExportAudit(f: Partial<AuditFilter>): Promise<ExportResult>
  ExportBans(f: Partial<Filter>): Promise<ExportResult>
  GetBan(id: number): Promise<Ban>
  GetContact(id: number): Promise<ContactDetail>
  ImportBans(csvText: string): Promise<ImportResult>
  ImportContacts(fileName: string, content: string): Promise<ImportReport>
  ImportProgress(): Promise<ImportProgress>
  Info(): Promise<Info>
  ListAgents(): Promise<string[]>
  ListAudit(f: Partial<AuditFilter>): Promise<AuditPage>
  ListBlacklist(f: Partial<Filter>): Promise<Page>
  ListBouncers(): Promise<Bouncer[]>
  ListContacts(q: Partial<Query>): Promise<ContactPage>
  ListProtected(): Promise<ProtectedEntry[]>
  ListTokens(): Promise<Token[]>
  OpenDatabase(path: string, shared: boolean): Promise<Info>
  RemoveProtected(id: number): Promise<ProtectedEntry>
  Renew(id: number, period: string, allowShorten: boolean, reason: string): Promise<Ban>
  RestoreBan(id: number): Promise<Ban>
  SetOperator(name: string): Promise<Info>
  SuggestBan(ip: string): Promise<Suggestion>
  Unban(id: number, reason: string): Promise<UnbanResult>
}

/** The HTTP twin of each bound method (banlist serve). */
export const routes = {
  AddBouncer: { method: 'POST', path: '/api/v1/bouncers' },
  AddProtected: { method: 'POST', path: '/api/v1/protected' },
  AddToken: { method: 'POST', path: '/api/v1/tokens' },
  BackupDatabase: { method: 'POST', path: '/api/v1/database/backup' },
  BanHistory: { method: 'GET', path: '/api/v1/history' },
  BanIP: { method: 'POST', path: '/api/v1/bans' },
  Check: { method: 'GET', path: '/api/v1/check' },
  ConnectDatabase: { method: 'POST', path: '/api/v1/database/connect' },
  CreateDatabase: { method: 'POST', path: '/api/v1/database/create' },
  DeleteBouncer: { method: 'DELETE', path: '/api/v1/bouncers/{name}' },
  DeleteToken: { method: 'DELETE', path: '/api/v1/tokens/{name}' },
  EditBanNotes: { method: 'PUT', path: '/api/v1/bans/{id}/notes' },
  ExportAudit: { method: 'GET', path: '/api/v1/audit/export' },
  ExportBans: { method: 'GET', path: '/api/v1/bans/export' },
  GetBan: { method: 'GET', path: '/api/v1/bans/{id}' },
  GetContact: { method: 'GET', path: '/api/v1/contacts/{id}' },
  ImportBans: { method: 'POST', path: '/api/v1/bans/import' },
  ImportContacts: { method: 'POST', path: '/api/v1/contacts/import' },
  ImportProgress: { method: 'GET', path: '/api/v1/import/progress' },
  Info: { method: 'GET', path: '/api/v1/info' },
  ListAgents: { method: 'GET', path: '/api/v1/agents' },
  ListAudit: { method: 'GET', path: '/api/v1/audit' },
  ListBlacklist: { method: 'GET', path: '/api/v1/bans' },
  ListBouncers: { method: 'GET', path: '/api/v1/bouncers' },
  ListContacts: { method: 'GET', path: '/api/v1/contacts' },
  ListProtected: { method: 'GET', path: '/api/v1/protected' },
  ListTokens: { method: 'GET', path: '/api/v1/tokens' },
  OpenDatabase: { method: 'POST', path: '/api/v1/database/open' },
  RemoveProtected: { method: 'DELETE', path: '/api/v1/protected/{id}' },
  Renew: { method: 'POST', path: '/api/v1/bans/{id}/renew' },
  RestoreBan: { method: 'POST', path: '/api/v1/bans/{id}/restore' },
  SetOperator: { method: 'PUT', path: '/api/v1/operator' },
  SuggestBan: { method: 'GET', path: '/api/v1/suggest' },
  Unban: { method: 'DELETE', path: '/api/v1/bans/{id}' },
} as const

/** The name of a bound method. */
export type Binding = keyof Bindings
