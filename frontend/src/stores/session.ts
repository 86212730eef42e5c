import { defineStore } from 'pinia'
import { api, type Role } from '../api'

/**
 * Who is using the app: the role of the token it was opened with (agent,
 * supervisor) and the name changes are recorded under. Views use it to offer
 * only what will work; the backend enforces the same rules regardless.
 */
export const useSession = defineStore('session', () => {
  const role = ref<Role>('supervisor')
  const actor = ref('')
  // Whether the role has been asked: supervisor-only actions wait for it, so
  // an agent never sees buttons that appear and then vanish.
  const known = ref(false)
  let loading: Promise<void> | null = null
  function load(): Promise<void> {
    loading ??= api
      .info()
      .then((i) => {
        role.value = i.role ?? 'supervisor'
        actor.value = i.actor ?? ''
        known.value = true
      })
      .catch(() => {
        // The backend still refuses what the role may not do; try again next time.
        known.value = true
        loading = null
      })
    return loading
  }
  const isSupervisor = computed(() => role.value === 'supervisor')
  /** Renew, Unban, notes editing, import: offered once the role is known to be supervisor. */
  const mayChangeBans = computed(() => known.value && isSupervisor.value)
  return { role, actor, known, isSupervisor, mayChangeBans, load }
})

/** Why an agent sees no Renew, Unban or notes editing (shown where those would be). */
export const agentLimits = 'Renewing, unbanning and editing notes need a supervisor; with an agent token you may block an address for 1 hour or 1 day.'
