package fileset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Errors that Expand and Create wrap; test for them with [errors.Is].
var (
	// ErrNoMatch: a pattern names no file.
	ErrNoMatch = errors.New("fileset: no match")
	// ErrMissingShard: a sharded pattern lacks one of its shards.
	ErrMissingShard = errors.New("fileset: shard missing")
)

// Stdin is the pattern, and the path, that stands for standard input (to
// [Expand]) or standard output (to [Create]).
const Stdin = "-"

var (
	// atShards matches "prefix@N" and "prefix@N.ext".
	atShards = regexp.MustCompile(`^(.+)@([0-9]+)(\.[^/@]*)?$`)
	// qShards matches "prefix-?????-of-NNNNN" with anything after it.
	qShards = regexp.MustCompile(`^(.*)-(\?+)-of-([0-9]+)(.*)$`)
)

// Expand returns the files that the patterns name, in pattern order,
// without duplicates (the first occurrence stays), sorted within each
// pattern. Each pattern is one of:
//
//   - "-": standard input, returned as is;
//   - an existing file, returned as is;
//   - an existing directory: its data files, descending into
//     subdirectories (such as TFX's Split-train and Split-eval). Names
//     starting with "." or "_" (hidden files, _SUCCESS markers, _temporary
//     directories) and names matching *.index, *.crc or *.tmp* are skipped;
//   - "prefix@N" or "prefix@N.ext": the N shards [ShardName](prefix, i, N, ".ext"),
//     all of which must exist;
//   - "prefix-?????-of-NNNNN" (any suffix may follow): the glob, which must
//     find all NNNNN shards;
//   - any other [filepath.Match] glob. "**" is not supported. A directory
//     that a glob matches is expanded as above.
//
// A pattern that names nothing is an error naming the pattern.
func Expand(patterns ...string) ([]string, error) {
	var out []string
	seen := make(map[string]bool)
	for _, p := range patterns {
		files, err := expandOne(p)
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, f := range files {
			key := f
			if f != Stdin {
				key = filepath.Clean(f)
			}
			if !seen[key] {
				seen[key] = true
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func expandOne(p string) ([]string, error) {
	if p == Stdin {
		return []string{p}, nil
	}
	if p == "" {
		return nil, fmt.Errorf("fileset: empty pattern")
	}
	// An existing name is taken literally, even if it looks like a pattern.
	matches := []string{p}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		if matches, err = expandPattern(p); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("fileset: %w", err)
	}
	var files []string
	for _, f := range matches {
		info, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("fileset: %w", err)
		}
		if !info.IsDir() {
			files = append(files, f)
			continue
		}
		sub, err := dirFiles(f)
		if err != nil {
			return nil, err
		}
		files = append(files, sub...)
	}
	return files, nil
}

// expandPattern returns the names a pattern that is not an existing name
// matches: prefix@N shards or a glob.
func expandPattern(p string) ([]string, error) {
	if m := atShards.FindStringSubmatch(p); m != nil {
		return atPattern(p, m[1], m[2], m[3])
	}
	if strings.Contains(p, "**") {
		return nil, fmt.Errorf("fileset: pattern %q: ** is not supported", p)
	}
	matches, err := filepath.Glob(p)
	if err != nil {
		return nil, fmt.Errorf("fileset: pattern %q: %w", p, err)
	}
	if len(matches) == 0 {
		return nil, &patternError{fmt.Sprintf("fileset: no files match %q", p), ErrNoMatch}
	}
	if m := qShards.FindStringSubmatch(p); m != nil && len(m[2]) == len(m[3]) {
		if err := checkShards(p, m, matches); err != nil {
			return nil, err
		}
	}
	return matches, nil
}

// atPattern expands "prefix@N.ext". It stops at the first missing shard,
// so a mistyped N costs nothing.
func atPattern(p, prefix, count, ext string) ([]string, error) {
	n, err := strconv.Atoi(count)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("fileset: pattern %q: bad shard count %q", p, count)
	}
	var files []string
	for i := range n {
		name := ShardName(prefix, i, n, ext)
		if _, err := os.Stat(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, missingShard(i, n, name)
			}
			return nil, fmt.Errorf("fileset: %w", err)
		}
		files = append(files, name)
	}
	return files, nil
}

// checkShards makes sure the glob p, split by qShards into m, matched all
// of its shards.
func checkShards(p string, m []string, matches []string) error {
	n, err := strconv.Atoi(m[3])
	if err != nil || n <= 0 {
		return fmt.Errorf("fileset: pattern %q: bad shard count %q", p, m[3])
	}
	shard := regexp.MustCompile(`-([0-9]{` + strconv.Itoa(len(m[2])) + `})-of-` + m[3])
	have := make(map[int]bool, len(matches))
	for _, f := range matches {
		for _, sm := range shard.FindAllStringSubmatch(filepath.Base(f), -1) {
			if i, err := strconv.Atoi(sm[1]); err == nil {
				have[i] = true
			}
		}
	}
	for i := range n { // ends by len(matches): no more shards are present
		if !have[i] {
			name := m[1] + fmt.Sprintf("-%0*d-of-", len(m[2]), i) + m[3] + m[4]
			return missingShard(i, n, name)
		}
	}
	return nil
}

func missingShard(i, n int, name string) error {
	return &patternError{fmt.Sprintf("fileset: shard %d of %d missing: %s", i, n, name), ErrMissingShard}
}

// dirFiles returns the data files under dir, recursively.
func dirFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		if skipName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Type().IsRegular():
			files = append(files, path)
		case d.Type()&fs.ModeSymlink != 0:
			// Follow links to files, not to directories (no cycles).
			if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
				files = append(files, path)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fileset: %w", err)
	}
	if len(files) == 0 {
		return nil, &patternError{fmt.Sprintf("fileset: directory %q has no data files", dir), ErrNoMatch}
	}
	return files, nil
}

// skipName reports whether a directory entry is not data: hidden files,
// markers such as _SUCCESS, index and checksum side files, and temporary
// files (including those of [Create]).
func skipName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	for _, pat := range []string{"*.index", "*.crc", "*.tmp*"} {
		if ok, _ := filepath.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// patternError is an error with a fixed message that matches a sentinel.
type patternError struct {
	msg string
	err error
}

func (e *patternError) Error() string { return e.msg }
func (e *patternError) Unwrap() error { return e.err }

// ShardName returns the name of shard shard of numShards:
// prefix-SSSSS-of-NNNNN followed by ext, for example
// ShardName("data", 3, 10, ".gz") is "data-00003-of-00010.gz".
func ShardName(prefix string, shard, numShards int, ext string) string {
	return fmt.Sprintf("%s-%05d-of-%05d%s", prefix, shard, numShards, ext)
}
