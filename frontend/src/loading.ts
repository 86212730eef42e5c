// The loading screen of index.html (#boot-loading) covers the app until its
// first screen has data: the report once its first page has loaded (or
// failed), any other screen once it has rendered. Removing it twice is fine.
export function doneLoading(): void {
  document.getElementById('boot-loading')?.remove()
}
