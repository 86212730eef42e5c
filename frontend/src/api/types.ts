// Shapes returned by the backend (Go JSON tags are the source of truth).

export interface Info {
  version: string
  path: string
  mode: 'local' | 'shared'
  size: number
  contacts: number
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
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
