package fileset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

const fileBufferSize = 64 << 10

// stdout is where Create("-") writes; a variable for tests.
var stdout io.Writer = os.Stdout

type fileState uint8

const (
	stateOpen fileState = iota
	stateCommitted
	stateAborted
)

// File is an output file written atomically: the data goes to a temporary
// file in the same directory, which [File.Commit] renames to the final name
// and [File.Abort] removes. Readers never see a partial file under the
// final name, and [Expand] skips the temporary names. File buffers writes.
type File struct {
	name  string
	tmp   string   // temporary name; "" for standard output
	f     *os.File // nil for standard output
	bw    *bufio.Writer
	force bool
	state fileState
	err   error // the result of Commit, returned again by later calls
}

// Create starts writing the file path. It refuses to replace an existing
// file unless force is set (the error wraps [fs.ErrExist]); it never
// replaces a directory. The path "-" means standard output; then Commit
// and Abort only flush.
func Create(path string, force bool) (*File, error) {
	if path == Stdin {
		return &File{name: path, bw: bufio.NewWriterSize(stdout, fileBufferSize)}, nil
	}
	if err := checkTarget(path, force); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(path)
	var f *os.File
	var err error
	for range 1000 {
		tmp := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 36))
		f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fileset: create %s: %w", path, err)
	}
	return &File{name: path, tmp: f.Name(), f: f, bw: bufio.NewWriterSize(f, fileBufferSize), force: force}, nil
}

// checkTarget refuses a final name that is a directory, or that exists
// when force is not set.
func checkTarget(path string, force bool) error {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("fileset: %w", err)
	case info.IsDir():
		return fmt.Errorf("fileset: output %s is a directory", path)
	case !force:
		return existsError(path)
	}
	return nil
}

func existsError(path string) error {
	return &patternError{fmt.Sprintf("fileset: output %s exists (use --force to overwrite)", path), fs.ErrExist}
}

// Name returns the final name of the file.
func (f *File) Name() string { return f.name }

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.state != stateOpen {
		return 0, fmt.Errorf("fileset: write %s: %w", f.name, os.ErrClosed)
	}
	return f.bw.Write(p)
}

// Commit flushes and syncs the data, closes the file and renames it to its
// final name. Without force it does not replace a file that appeared
// meanwhile. If Commit fails, the temporary file is removed. Calling Commit
// again returns the same result; calling it after Abort is an error.
func (f *File) Commit() error {
	switch f.state {
	case stateCommitted:
		return f.err
	case stateAborted:
		return fmt.Errorf("fileset: commit %s after abort", f.name)
	}
	f.state = stateCommitted
	if f.f == nil {
		if err := f.bw.Flush(); err != nil {
			f.err = fmt.Errorf("fileset: write %s: %w", f.name, err)
		}
		return f.err
	}
	err := f.bw.Flush()
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = f.publish()
	}
	if err != nil {
		os.Remove(f.tmp)
		if !errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("fileset: commit %s: %w", f.name, err)
		}
		f.err = err
		return err
	}
	syncDir(filepath.Dir(f.name))
	return nil
}

// publish gives the temporary file its final name.
func (f *File) publish() error {
	if !f.force {
		// A hard link fails if the name exists, so nothing that appeared
		// since Create is replaced. Not every file system has links.
		err := os.Link(f.tmp, f.name)
		if err == nil {
			return os.Remove(f.tmp)
		}
		if errors.Is(err, fs.ErrExist) {
			return existsError(f.name)
		}
		if err := checkTarget(f.name, false); err != nil {
			return err
		}
	}
	return os.Rename(f.tmp, f.name)
}

// syncDir makes a rename in dir durable, where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Abort discards the file: it closes and removes the temporary file. It is
// a no-op after Commit or Abort. For standard output it only flushes.
func (f *File) Abort() error {
	if f.state != stateOpen {
		return nil
	}
	f.state = stateAborted
	if f.f == nil {
		return f.bw.Flush()
	}
	f.f.Close()
	if err := os.Remove(f.tmp); err != nil {
		return fmt.Errorf("fileset: abort %s: %w", f.name, err)
	}
	return nil
}
