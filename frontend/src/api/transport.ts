// One bundle, two transports: inside the desktop app Wails injects
// window.go.main.App with the bound Go methods; in a browser (banlist serve)
// the same operations are HTTP calls to /api/v1. Callers never know which.
import { formatMessage } from '../utils/time'

import type { Binding, Bindings, routes } from './generated'

/**
 * An error from the backend, in the shape both doors send: {code, message,
 * field, data}. The server writes times as {placeholders} in the message and
 * their values in data; message here is filled in the viewer's local time.
 */
export class ApiError extends Error {
  readonly code: string
  readonly field: string
  readonly data: unknown
  /** The message as the server sent it, placeholders unfilled. */
  readonly template: string
  constructor(code: string, message: string, field = '', data: unknown = undefined) {
    super(formatMessage(message, data))
    this.template = message
    this.name = 'ApiError'
    this.code = code
    this.field = field
    this.data = data
  }
}

/** How to reach one operation through either door. */
export interface Call<B extends Binding = Binding> {
  /** The App method name Wails binds. */
  binding: B
  /** Positional arguments of that method, typed by its Go signature. */
  args: Parameters<Bindings[B]>
  /** The twin HTTP route, as Go declares it (generated routes). */
  method: B extends keyof typeof routes ? (typeof routes)[B]['method'] : 'GET'
  /** The route's path: exactly the Go pattern, or with its {params} filled in. */
  path: B extends keyof typeof routes ? RoutePath<(typeof routes)[B]['path']> : string
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
}

/** A pattern without parameters is itself; one with {params} is any string. */
type RoutePath<P extends string> = P extends `${string}{${string}` ? string : P

/** What a binding resolves to, from its Go signature. */
export type Result<B extends Binding> = Awaited<ReturnType<Bindings[B]>>

type BoundApp = Record<string, (...args: unknown[]) => Promise<unknown>>

function boundApp(): BoundApp | undefined {
  const w = window as unknown as { go?: { main?: { App?: BoundApp } } }
  return w.go?.main?.App
}

/** True inside the desktop window. */
export function isDesktop(): boolean {
  return boundApp() !== undefined
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  let v: unknown = e
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      return new ApiError('internal', v as string)
    }
  }
  if (v && typeof v === 'object' && 'message' in v) {
    const o = v as { code?: string; message: string; field?: string; data?: unknown }
    return new ApiError(o.code ?? 'internal', String(o.message), o.field ?? '', o.data)
  }
  if (e instanceof Error) return new ApiError('network', e.message)
  return new ApiError('internal', String(e))
}

function buildURL(c: Call): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(c.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${c.path}?${qs}` : c.path
}

/** Performs one backend operation and returns its result or throws ApiError. */
export async function invoke<B extends Binding>(c: Call<B>): Promise<Result<B>> {
  const app = boundApp()
  if (app) {
    const fn = app[c.binding]
    if (!fn) throw new ApiError('internal', `The desktop app has no method ${c.binding}.`)
    try {
      return (await fn(...c.args)) as Result<B>
    } catch (e) {
      throw toApiError(e)
    }
  }
  let res: Response
  try {
    res = await fetch(buildURL(c), {
      method: c.method,
      headers: c.body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
      body: c.body !== undefined ? JSON.stringify(c.body) : undefined,
      credentials: 'same-origin',
    })
  } catch (e) {
    throw new ApiError('network', `Cannot reach the banlist server: ${(e as Error).message}`)
  }
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      throw new ApiError('internal', `Unexpected answer from the server (HTTP ${res.status}).`)
    }
  }
  if (!res.ok) throw toApiError(data ?? `HTTP ${res.status}`)
  return data as Result<B>
}
