package cli

// needsDisplay is true where the window needs an X11 or Wayland display.
const needsDisplay = true
