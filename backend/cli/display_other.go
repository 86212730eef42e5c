//go:build !linux

package cli

// needsDisplay is false where the OS always has a window system.
const needsDisplay = false
