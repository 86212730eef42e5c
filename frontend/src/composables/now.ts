// One shared clock for the UI: relative times ("in 50 min") and expiries
// follow it, so they move while the page is open without a reload.
import { onScopeDispose, ref, type Ref } from 'vue'
import type { Ban, BanStatus } from '../api'

const now = ref(new Date())
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

/** How often the shared clock ticks. Short enough that an expiry shows within seconds. */
export const tickMs = 5000

/**
 * The current time as a ref that ticks every tickMs while at least one
 * component uses it. Call it in setup (it stops with the component's scope).
 */
export function useNow(): Readonly<Ref<Date>> {
  users++
  if (!timer) {
    now.value = new Date()
    timer = setInterval(() => (now.value = new Date()), tickMs)
  }
  onScopeDispose(() => {
    users--
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  })
  return now
}

/** The status a ban has at a moment: an "active" ban whose expiry has passed is "expired". */
export function statusAt(ban: Pick<Ban, 'status' | 'expiresAt'>, at: Date): BanStatus {
  return ban.status === 'active' && Date.parse(ban.expiresAt) <= at.getTime() ? 'expired' : ban.status
}
