package fileset

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestCreateCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.tfrecord")
	f, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != path {
		t.Errorf("Name() = %q, want %q", f.Name(), path)
	}
	if _, err := f.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("final name exists before Commit: %v", err)
	}
	names := dirNames(t, dir)
	if len(names) != 1 || !strings.HasPrefix(names[0], ".out.tfrecord.tmp-") || !skipName(names[0]) {
		t.Errorf("before Commit the directory holds %q; want one hidden temporary file that Expand skips", names)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "hello" {
		t.Errorf("after Commit: %q, %v", got, err)
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != "out.tfrecord" {
		t.Errorf("after Commit the directory holds %q", names)
	}
	if err := f.Commit(); err != nil {
		t.Errorf("second Commit = %v", err)
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit = %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Abort after Commit removed the file: %v", err)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Error("Write after Commit succeeded")
	}
}

func TestCreateAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.tfrecord")
	f, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("x"), 100<<10)); err != nil {
		t.Fatal(err)
	}
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("after Abort the directory holds %q, want nothing", names)
	}
	if err := f.Abort(); err != nil {
		t.Errorf("second Abort = %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("Commit after Abort left %q", names)
	}
}

func TestCreateRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Create(path, false)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Create over an existing file: %v, want fs.ErrExist", err)
	}
	if want := "fileset: output " + path + " exists (use --force to overwrite)"; err.Error() != want {
		t.Errorf("error text %q, want %q", err, want)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file changed to %q", got)
	}

	f, err := Create(path, true)
	if err != nil {
		t.Fatalf("Create with force: %v", err)
	}
	f.Write([]byte("new"))
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file changed to %q before Commit", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("after a forced Commit the file holds %q", got)
	}
}

// TestCommitDoesNotReplaceLateFile: a file that appears under the final
// name after Create is not replaced without force.
func TestCommitDoesNotReplaceLateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	f, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("mine"))
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("Commit = %v, want fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "theirs" {
		t.Errorf("file holds %q, want theirs", got)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q; the temporary file should be gone", names)
	}
	if err2 := f.Commit(); err2 != err {
		t.Errorf("second Commit = %v, want the same error %v", err2, err)
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"directory", dir},
		{"directory, force", dir},
		{"missing parent", filepath.Join(dir, "no", "such", "dir", "out")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, err := Create(tt.path, strings.HasSuffix(tt.name, "force")); err == nil {
				f.Abort()
				t.Errorf("Create(%q) succeeded", tt.path)
			}
		})
	}
}

func TestCreateStdout(t *testing.T) {
	var buf bytes.Buffer
	old := stdout
	stdout = &buf
	defer func() { stdout = old }()
	f, err := Create("-", false)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("to stdout"))
	if buf.Len() != 0 {
		t.Errorf("wrote %q before Commit; want buffering", buf.String())
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "to stdout" {
		t.Errorf("stdout got %q", buf.String())
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit = %v", err)
	}
}
