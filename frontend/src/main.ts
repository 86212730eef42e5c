import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { startA11yFixes } from './a11y'
import { router } from './router'
import { startLiveRefresh } from './stores/live'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.mount('#app')
startLiveRefresh()
startA11yFixes()
