// The dark theme in its own chunk: it carries every Naive UI component's dark
// colours, which light-mode users (and the first row) need not download.
export { darkTheme } from 'naive-ui'
