import { defineStore } from 'pinia'

/** A counter that moves whenever the blacklist changed — here, in another
 *  window, or in another process on a shared file. Views watch it to refresh. */
export const useChanges = defineStore('changes', () => {
  const version = ref(0)
  function bump() {
    version.value++
  }
  return { version, bump }
})
