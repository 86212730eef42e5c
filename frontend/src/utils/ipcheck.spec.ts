import { describe, expect, it } from 'vitest'
import { checkTarget } from './ipcheck'

describe('checkTarget', () => {
  it.each(['203.0.113.45', ' 10.1.2.3 ', '2001:db8::1', '::ffff:1.2.3.4', '10.1.0.0/16', '203.0.113.0/24', '2001:db8::/32', '1.2.3.4/32'])(
    'accepts %s',
    (s) => expect(checkTarget(s)).toBe(''),
  )
  it.each([
    ['', 'Enter an IP address'],
    ['010.1.1.1', 'leading zero'],
    ['256.1.1.1', '0–255'],
    ['example.com', 'host name'],
    ['https://1.2.3.4', 'host name or URL'],
    ['1.2.3.4:80', 'has a port'],
    ['[::1]:80', 'has a port'],
    ['fe80::1%eth0', 'zone'],
    ['0.0.0.0/0', 'too broad'],
    ['10.0.0.0/8', 'too broad'],
    ['::/0', 'too broad'],
    ['2001:db8::/31', 'too broad'],
    ['1.2.3.4/33', 'too long'],
    ['1.2.3.4/x', 'prefix length'],
    ['1.2.3', 'not a valid IP'],
    ['2001:db8:::1', 'not a valid IP'],
  ])('refuses %s', (s, why) => expect(checkTarget(s)).toContain(why))
})
