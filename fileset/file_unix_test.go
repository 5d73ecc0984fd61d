//go:build unix

package fileset

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCreateMode: the committed file has the mode a plain create gives
// (0666 less the umask), not the 0600 of a temporary file.
func TestCreateMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "out")
	f, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o644 {
		t.Errorf("mode %v, want -rw-r--r--", got)
	}
}
