import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, invoke, isDesktop, toApiError } from './transport'

describe('toApiError', () => {
  it('reads the {code, message, field} shape both doors send', () => {
    const e = toApiError({ code: 'invalid', message: 'Bad IP', field: 'ip' })
    expect(e).toBeInstanceOf(ApiError)
    expect([e.code, e.message, e.field]).toEqual(['invalid', 'Bad IP', 'ip'])
  })
  it('parses a JSON string, as Wails may reject with one', () => {
    const e = toApiError('{"code":"already_blocked","message":"Already blocked","field":"ip","data":{"id":4}}')
    expect(e.code).toBe('already_blocked')
    expect(e.data).toEqual({ id: 4 })
  })
  it('keeps a plain string as the message', () => {
    expect(toApiError('boom').message).toBe('boom')
  })
})

describe('invoke through the Wails bindings', () => {
  afterEach(() => {
    delete (window as unknown as { go?: unknown }).go
  })
  it('calls the bound method with positional args and maps its rejection', async () => {
    const calls: unknown[][] = []
    ;(window as unknown as { go: unknown }).go = {
      main: {
        App: {
          GetContact: async (...args: unknown[]) => {
            calls.push(args)
            return { id: args[0] }
          },
          GetBan: async () => {
            throw { code: 'not_found', message: 'Contact 9 does not exist.' }
          },
        },
      },
    }
    expect(isDesktop()).toBe(true)
    await expect(invoke({ binding: 'GetContact', args: [7], method: 'GET', path: '/x' })).resolves.toEqual({ id: 7 })
    expect(calls).toEqual([[7]])
    await expect(invoke({ binding: 'GetBan', args: [9], method: 'GET', path: '/x' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'Contact 9 does not exist.',
    })
  })
})
