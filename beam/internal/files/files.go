// Package files expands input patterns and opens files, locally or
// through the Beam file system of a path's scheme ("gs://…").
package files

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // paths without a scheme

	"github.com/gobsl/gobsl/fileset"
)

// HasScheme reports whether a path names a Beam file system by scheme.
func HasScheme(path string) bool { return strings.Index(path, "://") > 0 }

// Expand returns the files that patterns name. A pattern with a scheme is
// a glob of that file system, which must match; the others are local and
// expanded together by fileset.Expand (directories, globs, shard
// patterns). Standard input is refused.
func Expand(ctx context.Context, patterns []string) ([]string, error) {
	var local, names []string
	for _, p := range patterns {
		if p == fileset.Stdin {
			return nil, fmt.Errorf("standard input cannot be read in a pipeline")
		}
		if !HasScheme(p) {
			local = append(local, p)
			continue
		}
		fs, err := filesystem.New(ctx, p)
		if err != nil {
			return nil, err
		}
		m, err := fs.List(ctx, p)
		fs.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%w: %s", fileset.ErrNoMatch, p)
		}
		names = append(names, m...)
	}
	if len(local) > 0 {
		m, err := fileset.Expand(local...)
		if err != nil {
			return nil, err
		}
		names = append(names, m...)
	}
	return names, nil
}

// Open opens a file for reading and returns its size.
func Open(ctx context.Context, path string) (io.ReadCloser, int64, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	defer fs.Close()
	size, err := fs.Size(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	rc, err := fs.OpenRead(ctx, path)
	return rc, size, err
}
