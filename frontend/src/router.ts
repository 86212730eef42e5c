import { createRouter, createWebHashHistory, createWebHistory } from 'vue-router'
import { isDesktop } from './api'

// The desktop asset server and `banlist serve` both fall back to index.html,
// but hash history keeps the desktop independent of that.
export const router = createRouter({
  history: isDesktop() ? createWebHashHistory() : createWebHistory(),
  routes: [
    { path: '/', redirect: '/contacts' },
    { path: '/contacts', name: 'contacts', component: () => import('./views/ContactsView.vue') },
    {
      path: '/contacts/:id',
      name: 'contact',
      component: () => import('./views/ContactDetailView.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    {
      path: '/settings/:tab(blacklist|protected|access|audit|enforcement|database)?',
      name: 'settings',
      component: () => import('./views/SettingsView.vue'),
      props: (r) => ({ tab: (r.params.tab as string) || 'blacklist' }),
    },
    { path: '/:pathMatch(.*)*', redirect: '/contacts' },
  ],
})

/** The window title for a route, naming the screen ("Contact 12 — banlist"). */
export function titleFor(name: string | symbol | null | undefined, params: Record<string, unknown>): string {
  const t = String(params.tab || 'blacklist')
  const tab = t.charAt(0).toUpperCase() + t.slice(1)
  const screen =
    name === 'contact' ? `Contact ${params.id}` : name === 'settings' ? `Settings: ${tab}` : 'Contacts report'
  return `${screen} — banlist`
}
router.afterEach((to) => {
  document.title = titleFor(to.name, to.params)
})
