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
  let loading: Promise<void> | null = null
  function load(): Promise<void> {
    loading ??= api
      .info()
      .then((i) => {
        role.value = i.role ?? 'supervisor'
        actor.value = i.actor ?? ''
      })
      .catch(() => {
        loading = null // try again next time
      })
    return loading
  }
  const isSupervisor = computed(() => role.value === 'supervisor')
  return { role, actor, isSupervisor, load }
})
