// The app proper, loaded by main.ts once the static loading layout of
// index.html is on screen.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { startA11yFixes } from './a11y'
import { router } from './router'
import { startLiveRefresh } from './stores/live'
import { doneLoading } from './loading'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.mount('#app')
// The report removes the loading screen when its first page is in; other screens have nothing to wait for.
router.isReady().then(() => {
  if (router.currentRoute.value.name !== 'contacts') requestAnimationFrame(doneLoading)
})
startLiveRefresh()
startA11yFixes()
