// Keeps a table's filters, sort and page in the URL query, so a reload, a
// link ("contacts from this IP") and Back all show the same rows. Only values
// that differ from the defaults are written, so plain URLs stay plain.
import type { LocationQuery } from 'vue-router'

type Value = string | number | boolean | undefined

/** Sets each key of state that the query names, converted to the default's type. */
export function readQuery<T extends Record<string, Value>>(state: T, defaults: T, q: LocationQuery): void {
  const s = state as Record<string, Value>
  for (const key of Object.keys(defaults)) {
    const raw = q[key]
    const text = Array.isArray(raw) ? raw[0] : raw
    const def = defaults[key]
    if (text === undefined || text === null) {
      s[key] = def
    } else if (typeof def === 'number') {
      const n = Number(text)
      s[key] = Number.isFinite(n) && n > 0 ? n : def
    } else if (typeof def === 'boolean') {
      s[key] = text === '1' || text === 'true'
    } else {
      s[key] = text
    }
  }
}

/** The query for state: the keys whose value is not the default. */
export function writeQuery<T extends Record<string, Value>>(state: T, defaults: T): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(defaults)) {
    const v = state[key]
    if (v === undefined || v === '' || v === defaults[key]) continue
    out[key] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v)
  }
  return out
}

/** True when two queries name the same values. */
export function sameQuery(a: LocationQuery, b: Record<string, string>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined)
  return ka.length === Object.keys(b).length && ka.every((k) => String(a[k]) === b[k])
}
