package tfrecordio_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"

	"github.com/gobsl/gobsl/beam/internal/prismtest"
	"github.com/gobsl/gobsl/beam/tfrecordio"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/tfrecord"
)

func TestMain(m *testing.M) { prismtest.Main(m) }

// records returns n records of varied sizes, some empty.
func records(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = bytes.Repeat([]byte{byte(i)}, (i*37)%300)
		out[i] = fmt.Appendf(out[i], "#%d", i)
	}
	return out
}

func writeFile(t *testing.T, path string, recs [][]byte, comp tfrecord.Compression) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := tfrecord.Create(path, false, tfrecord.WithWriterCompression(comp))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func readFiles(t *testing.T, paths ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range paths {
		r, err := tfrecord.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			out = append(out, bytes.Clone(rec))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func sorted(recs [][]byte) [][]byte {
	recs = slices.Clone(recs)
	slices.SortFunc(recs, bytes.Compare)
	return recs
}

// TestReadWrite reads files of every compression, split in small parts,
// and writes them back as sharded gzip files.
func TestReadWrite(t *testing.T) {
	dir := t.TempDir()
	recs := records(500)
	var want [][]byte
	for i, c := range []tfrecord.Compression{tfrecord.None, tfrecord.Gzip, tfrecord.Zlib, tfrecord.Zstd} {
		part := recs[i*100 : (i+1)*100]
		writeFile(t, filepath.Join(dir, "in", fmt.Sprintf("part%d.tfrecord", i)), part, c)
		want = append(want, part...)
	}
	writeFile(t, filepath.Join(dir, "in", "empty.tfrecord"), nil, tfrecord.None)
	writeFile(t, filepath.Join(dir, "in", "big.tfrecord"), recs[400:], tfrecord.None)
	want = append(want, recs[400:]...)

	p, s := beam.NewPipelineWithRoot()
	in := tfrecordio.ReadOptions{SplitSize: 1000}.Read(s, filepath.Join(dir, "in"))
	tfrecordio.Write(s, filepath.Join(dir, "out", "data"), in,
		tfrecordio.WithNumShards(7), tfrecordio.WithCompression(tfrecord.Gzip))
	prismtest.Run(t, p)

	names, err := fileset.Expand(filepath.Join(dir, "out", "data@7.gz"))
	if err != nil {
		t.Fatal(err)
	}
	got := readFiles(t, names...)
	if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	left, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(left) != 7 {
		var n []string
		for _, e := range left {
			n = append(n, e.Name())
		}
		t.Errorf("output folder holds %q, want the 7 shards only", n)
	}
}

// TestWriteEmpty writes every shard even with no records.
func TestWriteEmpty(t *testing.T) {
	dir := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	none := beam.CreateList(s, [][]byte{})
	tfrecordio.Write(s, filepath.Join(dir, "e"), none, tfrecordio.WithNumShards(3), tfrecordio.WithCompression(tfrecord.Zstd))
	prismtest.Run(t, p)
	names, err := fileset.Expand(filepath.Join(dir, "e@3.zst"))
	if err != nil {
		t.Fatal(err)
	}
	if got := readFiles(t, names...); len(got) != 0 {
		t.Errorf("read %d records from empty shards", len(got))
	}
}
