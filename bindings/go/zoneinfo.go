package siren

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ZoneInfoDir is where SystemZones looks when $TZDIR is not set.
const ZoneInfoDir = "/usr/share/zoneinfo"

// maxZoneBytes is the largest TZif input siren accepts.
const maxZoneBytes = 256 * 1024

// SystemZones is the ZoneLoader every Engine uses unless its host is a
// ZoneLoader itself: it reads the system's zoneinfo directory ($TZDIR, else
// /usr/share/zoneinfo), the files time.LoadLocation reads on Linux.
type SystemZones struct{}

// LoadZone implements ZoneLoader with LoadSystemZone.
func (SystemZones) LoadZone(name string) ([]byte, error) { return LoadSystemZone(name) }

// LoadSystemZone reads the TZif bytes of the IANA zone name from $TZDIR, else
// /usr/share/zoneinfo. It gives nil, nil for a zone that is not there, for a
// file that is not TZif, and without looking for a name that is absolute or
// has "..", a backslash or a NUL in it. Other I/O errors are returned.
func LoadSystemZone(name string) ([]byte, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") ||
		strings.ContainsAny(name, "\\\x00") {
		return nil, nil
	}
	dir := os.Getenv("TZDIR")
	if dir == "" {
		dir = ZoneInfoDir
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxZoneBytes+1))
	if err != nil {
		if errors.Is(err, syscall.EISDIR) {
			return nil, nil
		}
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("TZif")) || len(b) > maxZoneBytes {
		return nil, nil // zone1970.tab and the like: not a zone
	}
	return b, nil
}
