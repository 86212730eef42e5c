// Every backend operation the UI uses, each reachable through either door.
import { invoke } from './transport'
import type { Contact, ContactQuery, Info, Page } from './types'

export { ApiError, isDesktop } from './transport'
export type * from './types'

export const api = {
  info: () => invoke<Info>({ binding: 'Info', args: [], method: 'GET', path: '/api/v1/info' }),

  listContacts: (q: ContactQuery) =>
    invoke<Page<Contact>>({
      binding: 'ListContacts',
      args: [q],
      method: 'GET',
      path: '/api/v1/contacts',
      query: { ...q },
    }),

  getContact: (id: number) =>
    invoke<Contact>({ binding: 'GetContact', args: [id], method: 'GET', path: `/api/v1/contacts/${id}` }),

  listAgents: () => invoke<string[]>({ binding: 'ListAgents', args: [], method: 'GET', path: '/api/v1/agents' }),
}
