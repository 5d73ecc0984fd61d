// Package shard writes a PCollection as numbered shard files,
// prefix-SSSSS-of-NNNNN.ext, that appear only once every shard is written.
//
// [Group] spreads the elements over the shards round-robin and groups
// them, giving every shard a group even when no element falls in it, so
// that empty shards are written too. The caller's DoFn writes each group
// to a temporary file ([Spec.Create]) in a folder of its own next to the
// output and emits the shard number and the temporary name. [Finalize]
// waits for all of them (they are its side input), renames each into
// place and removes the temporary folder. A retried bundle writes a new
// temporary file, and only the names emitted by the attempt that counted
// reach Finalize; a retried Finalize skips the shards it already moved.
//
// Paths with a scheme ("gs://…") use the Beam file system of that
// scheme; others are local.
package shard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // paths without a scheme
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gobsl/gobsl/fileset"
)

func init() {
	register.DoFn1x2[beam.T, int, beam.T](&assignFn{})
	register.Function1x2[int, int, int](indexKey)
	register.DoFn4x1[context.Context, []byte, func(*int, *string) bool, func(string), error](&finalizeFn{})
	register.Iter2[int, string]()
	register.Emitter1[string]()
	register.Emitter2[int, string]()
}

// Spec names the shards of one write. It is a plain value, kept in the
// DoFns of the write.
type Spec struct {
	Prefix    string
	Ext       string // with its dot, or ""
	NumShards int
	TempDir   string // unique to this write, ends in "/"
}

// NewSpec checks the arguments and picks the write's temporary folder:
// ".temp-<name>-<random>/" beside the shards (a name starting with "."
// that fileset.Expand skips when it lists a directory).
func NewSpec(prefix, ext string, numShards int) (Spec, error) {
	if prefix == "" || strings.HasSuffix(prefix, "/") {
		return Spec{}, fmt.Errorf("shard prefix %q does not name a file", prefix)
	}
	if numShards < 1 {
		return Spec{}, fmt.Errorf("number of shards %d is not positive", numShards)
	}
	dir, base := split(prefix)
	return Spec{
		Prefix:    prefix,
		Ext:       ext,
		NumShards: numShards,
		TempDir:   dir + ".temp-" + base + "-" + randomID() + "/",
	}, nil
}

// split splits a path after its last slash; it leaves "gs://" alone,
// which path.Split would not.
func split(p string) (dir, base string) {
	i := strings.LastIndex(p, "/")
	return p[:i+1], p[i+1:]
}

func randomID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b[:])
}

// Name returns the final name of shard i.
func (sp Spec) Name(i int) string {
	return fileset.ShardName(sp.Prefix, i, sp.NumShards, sp.Ext)
}

// Create starts the temporary file of shard i: a new name for every
// attempt. Closing the writer flushes the file to stable storage where
// the file system allows (local files are synced).
func (sp Spec) Create(ctx context.Context, i int) (name string, w io.WriteCloser, err error) {
	_, base := split(sp.Name(i))
	name = sp.TempDir + base + "." + randomID()
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return "", nil, err
	}
	defer fs.Close()
	wc, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return "", nil, err
	}
	if f, ok := wc.(*os.File); ok {
		return name, syncCloser{f}, nil
	}
	return name, wc, nil
}

type syncCloser struct{ *os.File }

func (s syncCloser) Close() error {
	if err := s.File.Sync(); err != nil {
		s.File.Close()
		return err
	}
	return s.File.Close()
}

// Group returns, for a PCollection of T, a CoGroupByKey result
// CoGBK<int, int, T> with one group per shard: the shard number, an
// iterable holding just that number (ignore it), and the shard's
// elements, spread round-robin.
func Group(s beam.Scope, numShards int, col beam.PCollection) beam.PCollection {
	idx := make([]int, numShards)
	for i := range idx {
		idx[i] = i
	}
	all := beam.ParDo(s, indexKey, beam.CreateList(s, idx))
	keyed := beam.ParDo(s, &assignFn{NumShards: numShards}, col)
	return beam.CoGroupByKey(s, all, keyed)
}

func indexKey(i int) (int, int) { return i, i }

// assignFn keys elements by shard, round-robin from a random shard in each
// bundle (as Beam's WriteFiles does), so that small bundles do not all
// fill shard 0.
type assignFn struct {
	NumShards int
	next      int
}

func (fn *assignFn) StartBundle() {
	fn.next = mrand.IntN(fn.NumShards)
}

func (fn *assignFn) ProcessElement(elem beam.T) (int, beam.T) {
	i := fn.next
	fn.next = (i + 1) % fn.NumShards
	return i, elem
}

// Finalize renames the temporary files that written (a PCollection of
// KV<int, string>: shard, temporary name) lists, once all are written, and
// returns the PCollection of final names.
func Finalize(s beam.Scope, sp Spec, written beam.PCollection) beam.PCollection {
	return beam.ParDo(s, &finalizeFn{Spec: sp}, beam.Impulse(s), beam.SideInput{Input: written})
}

type finalizeFn struct {
	Spec Spec
}

func (fn *finalizeFn) ProcessElement(ctx context.Context, _ []byte, written func(*int, *string) bool, emit func(string)) error {
	sp := fn.Spec
	temp := make([]string, sp.NumShards)
	var i int
	var name string
	for written(&i, &name) {
		if i < 0 || i >= sp.NumShards || temp[i] != "" {
			return fmt.Errorf("shard: shard %d written twice or out of range (of %d)", i, sp.NumShards)
		}
		temp[i] = name
	}
	for i, t := range temp {
		if t == "" {
			return fmt.Errorf("shard: shard %d of %d was not written", i, sp.NumShards)
		}
	}
	fs, err := filesystem.New(ctx, sp.Prefix)
	if err != nil {
		return err
	}
	defer fs.Close()
	for i, t := range temp {
		final := sp.Name(i)
		if err := move(ctx, fs, t, final); err != nil {
			return fmt.Errorf("shard: moving %s to %s: %w", t, final, err)
		}
		emit(final)
	}
	cleanup(ctx, fs, sp.TempDir)
	return nil
}

// move renames from to to. When from is gone and to exists, an earlier
// attempt of the finalize step moved it already.
func move(ctx context.Context, fs filesystem.Interface, from, to string) error {
	if _, err := fs.Size(ctx, from); err != nil {
		if _, err2 := fs.Size(ctx, to); err2 == nil {
			return nil
		}
		return err
	}
	if r, ok := fs.(filesystem.Renamer); ok {
		return r.Rename(ctx, from, to)
	}
	c, ok1 := fs.(filesystem.Copier)
	rm, ok2 := fs.(filesystem.Remover)
	if !ok1 || !ok2 {
		return fmt.Errorf("the file system can neither rename nor copy and remove")
	}
	if err := c.Copy(ctx, from, to); err != nil {
		return err
	}
	return rm.Remove(ctx, from)
}

// cleanup removes what failed attempts left in the temporary folder, and
// the folder. Failures are only logged: the output is complete.
func cleanup(ctx context.Context, fs filesystem.Interface, dir string) {
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return
	}
	left, err := fs.List(ctx, dir+"*")
	if err != nil {
		log.Warnf(ctx, "shard: listing %s: %v", dir, err)
	}
	for _, name := range left {
		if err := rm.Remove(ctx, name); err != nil {
			log.Warnf(ctx, "shard: removing %s: %v", name, err)
		}
	}
	if !strings.Contains(dir, "://") {
		os.Remove(strings.TrimSuffix(dir, "/"))
	}
}
