// The names the UI uses for the API's shapes. The shapes themselves come
// from the Go types (generated.ts, rewritten by `make gen`): a field renamed
// in Go fails vue-tsc here, not at run time.
import type * as G from './generated'

export type {
  AddProtectedResult,
  BackupResult,
  AuditEvent,
  AuditPage,
  Ban,
  Bouncer,
  CheckResult,
  Contact,
  ContactDetail,
  ContactPage,
  ContactRow,
  ExportResult,
  ImportProgress,
  ImportResult,
  Info,
  NewBouncer,
  Period,
  ProtectedEntry,
  Role,
  Suggestion,
  UnbanResult,
} from './generated'

export type BanStatus = G.Status
export type BanEvent = G.Event
export type BanPage = G.Page
/** Query objects: a field left out is its Go zero value. */
export type BanFilter = Partial<G.Filter>
export type ContactQuery = Partial<G.Query>
export type ContactImportReport = G.ImportReport
export type AuditFilter = Partial<G.AuditFilter>
export type ApiToken = G.Token
export type NewApiToken = G.NewToken
export type BanWarning = G.Warning

/** The common shape of a page of any list. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
  /** A 1–2 character search looked only through the first `scanned` contacts. */
  partial?: boolean
  scanned?: number
}
