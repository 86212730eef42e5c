// Package settings keeps the few choices a supervisor makes on this machine —
// which database file to open, whether it is shared, and the name recorded on
// bans — in a small JSON file beside the default database.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Settings are this machine's choices. The zero value means "defaults".
type Settings struct {
	DBPath   string `json:"dbPath,omitempty"`
	Shared   bool   `json:"shared,omitempty"`
	Operator string `json:"operator,omitempty"`
}

// File is a settings file on disk, safe for concurrent use.
type File struct {
	path string
	mu   sync.Mutex
	cur  Settings
}

// DefaultPath is where the settings file lives: next to the default database.
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "banlist", "settings.json")
}

// Load reads path; a missing file gives empty settings, a damaged one an error.
func Load(path string) (*File, error) {
	f := &File{path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read settings %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &f.cur); err != nil {
		return nil, fmt.Errorf("settings file %s is damaged (%w); fix or delete it", path, err)
	}
	return f, nil
}

// Get returns the current settings.
func (f *File) Get() Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur
}

// Update changes the settings with fn and writes them atomically (a
// temporary file renamed over the old one), so a crash never leaves half a file.
func (f *File) Update(fn func(*Settings)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	next := f.cur
	fn(&next)
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".settings-*.json")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	f.cur = next
	return nil
}
