// Browser-test harness: each test file starts its own `banlist serve` on a
// free port with a fresh database, and drives Debian's Chromium through
// playwright-core. Select elements by data-testid only.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '..', '..')
export const artifacts = process.env.BANLIST_ARTIFACTS || join(repoRoot, 'test-artifacts')
const binary = process.env.BANLIST_BIN || join(repoRoot, 'build', 'bin', 'banlist-test')

/** The Chromium flags this machine needs (see DEVELOPERS.md). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Starts `banlist serve` on a free loopback port with a new database.
 * extraArgs go after `serve` (e.g. ['--no-demo']).
 */
export async function startServer(extraArgs = [], env = {}, { db: sharedDb } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'banlist-e2e-'))
  const db = sharedDb || join(dir, 'banlist.db')
  const proc = spawn(binary, ['serve', '--addr', '127.0.0.1:0', '--db', db, ...extraArgs], {
    // Settings (last database chosen, operator name) stay inside the test's folder.
    env: { ...process.env, BANLIST_SETTINGS: join(dir, 'settings.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stderr.on('data', (d) => (log += d))
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 15 s:\n${log}`)), 15000)
    let out = ''
    proc.stdout.on('data', (d) => {
      out += d
      const m = out.match(/banlist serving on (http:\/\/\S+)/)
      if (m) {
        clearTimeout(timer)
        resolvePromise(m[1])
      }
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${log}`))
    })
  })
  return {
    url,
    db,
    dir,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r))
        proc.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Launches headless Chromium and opens a page with a fixed viewport. */
export async function openBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: chromiumArgs,
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Europe/Lisbon' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e))
  return { browser, page, errors }
}

/** Saves a full-page screenshot as test-artifacts/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true })
  const path = join(artifacts, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Shorthand for a data-testid selector. */
export const tid = (id) => `[data-testid="${id}"]`

/** Calls the JSON API of a server directly (as a chat server or a second supervisor would). */
export async function apiCall(server, method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}
