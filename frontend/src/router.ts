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
