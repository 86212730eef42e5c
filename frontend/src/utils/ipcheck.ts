// Client-side check of an IP address or CIDR range, with the same rules and
// messages as the backend (backend/ipaddr), so the Add form can say what is
// wrong while the supervisor types. The backend still decides on submit.

const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false
  try {
    // The URL parser implements the full IPv6 grammar (with embedded IPv4).
    return new URL(`http://[${s}]/`).hostname.length > 2
  } catch {
    return false
  }
}

/** Returns '' when input looks acceptable, else the reason it is not. */
export function checkTarget(input: string): string {
  const s = input.trim()
  if (!s) return 'Enter an IP address or range.'
  if (s.includes('%')) return `“${s}” has a zone (%…); enter the address without it.`
  if (/^https?:\/\//i.test(s) || s.includes('/') === false && /[g-zG-Z]/.test(s)) {
    return `“${s}” looks like a host name or URL; enter an IP address such as 203.0.113.45.`
  }
  if (/^\[.*\]:\d+$/.test(s) || /^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) return `“${s}” has a port; enter the address only.`
  const [addr, bits, ...rest] = s.split('/')
  if (rest.length) return `“${s}” is not a valid address or range.`
  const isV4 = v4.test(addr)
  if (!isV4 && /^\d+(\.\d+){3}$/.test(addr)) {
    return addr.split('.').some((o) => o.length > 1 && o.startsWith('0'))
      ? `“${addr}” has a leading zero in a number; write it without (e.g. 10.1.2.3).`
      : `“${addr}” is not a valid IPv4 address (each number must be 0–255).`
  }
  if (!isV4 && !isIPv6(addr)) return `“${addr}” is not a valid IP address.`
  if (bits === undefined) return ''
  if (!/^\d{1,3}$/.test(bits)) return `“/${bits}” is not a valid prefix length.`
  const n = Number(bits)
  const mappedV4 = !isV4 && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(addr)
  const max = isV4 ? 32 : 128
  if (n > max) return `“/${bits}” is too long for an ${isV4 ? 'IPv4' : 'IPv6'} address (at most /${max}).`
  const min = isV4 ? 16 : mappedV4 ? 112 : 32
  if (n < min) {
    return `A /${n} range is too broad: it would block a whole network. The broadest allowed is /${isV4 ? 16 : 32} for ${isV4 || mappedV4 ? 'IPv4' : 'IPv6'}.`
  }
  return ''
}
