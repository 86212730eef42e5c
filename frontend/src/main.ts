// The entry point is tiny on purpose. index.html's static layout (sidebar
// and "Loading the contacts report…") must reach the screen before the app's
// code runs: WebKitGTK, the desktop window, paints nothing until the module
// script has run, and evaluating the whole bundle first left the window
// blank white for about two seconds. So the first paint comes first
// (requestAnimationFrame, then a task), and only then the app loads. The
// timer covers a window that is not painting (minimized), where
// requestAnimationFrame waits.
let started = false
function boot() {
  if (started) return
  started = true
  void import('./boot')
}
requestAnimationFrame(() => setTimeout(boot))
setTimeout(boot, 250)
