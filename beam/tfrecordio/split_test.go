package tfrecordio

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"

	"github.com/gobsl/gobsl/tfrecord"
)

// TestSplits reads an uncompressed file in parts of every size from 1
// byte up, and in parts split again while reading, and checks that each
// record is read once.
func TestSplits(t *testing.T) {
	var recs [][]byte
	var data []byte
	for i := range 40 {
		// Records that hold record headers, to mislead a scan.
		rec := fmt.Appendf(tfrecord.AppendRecord(nil, []byte("fake")), "%d", i)
		rec = append(rec, bytes.Repeat([]byte{'x'}, i*3)...)
		recs = append(recs, rec)
		data = tfrecord.AppendRecord(data, rec)
	}
	path := filepath.Join(t.TempDir(), "f.tfrecord")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := stat(ctx, path, tfrecord.Auto)
	if err != nil {
		t.Fatal(err)
	}
	if f.Compression != int(tfrecord.None) || f.Size != int64(len(data)) {
		t.Fatalf("stat = %+v", f)
	}
	fn := &readFn{}
	for _, size := range []int64{1, 2, 11, 12, 13, 100, 257, 1 << 20} {
		fn.SplitSize = size
		var got [][]byte
		emit := func(b []byte) { got = append(got, b) }
		for _, r := range fn.SplitRestriction(f, fn.CreateInitialRestriction(f)) {
			rt := fn.CreateTracker(r)
			if err := fn.ProcessElement(ctx, rt, f, emit); err != nil {
				t.Fatalf("size %d, %v: %v", size, r, err)
			}
			if !rt.IsDone() {
				t.Fatalf("size %d, %v: restriction not done: %v", size, r, rt.GetError())
			}
		}
		checkOnce(t, fmt.Sprintf("parts of %d", size), recs, got)
	}

	// Dynamic splits: split the rest in half after every record.
	var got [][]byte
	queue := []offsetrange.Restriction{fn.CreateInitialRestriction(f)}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		rt := sdf.NewLockRTracker(offsetrange.NewTracker(r))
		emit := func(b []byte) {
			got = append(got, b)
			if _, res, err := rt.TrySplit(0.5); err != nil {
				t.Fatal(err)
			} else if res != nil {
				queue = append(queue, res.(offsetrange.Restriction))
			}
		}
		if err := fn.ProcessElement(ctx, rt, f, emit); err != nil {
			t.Fatalf("%v: %v", r, err)
		}
	}
	checkOnce(t, "dynamic splits", recs, got)
}

func checkOnce(t *testing.T, what string, want, got [][]byte) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range got {
		seen[string(r)]++
	}
	for i, r := range want {
		if seen[string(r)] != 1 {
			t.Errorf("%s: record %d read %d times", what, i, seen[string(r)])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: read %d records, want %d", what, len(got), len(want))
	}
}

// TestSplitDamaged: a damaged header before a part's start is an error
// naming the record, not a silent skip.
func TestSplitDamaged(t *testing.T) {
	var data []byte
	for range 5 {
		data = tfrecord.AppendRecord(data, []byte("0123456789"))
	}
	data[26+3] ^= 0xff // length of record 1
	path := filepath.Join(t.TempDir(), "d.tfrecord")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f := File{Path: path, Size: int64(len(data)), Compression: int(tfrecord.None)}
	fn := &readFn{}
	rt := fn.CreateTracker(offsetrange.Restriction{Start: 60, End: f.Size})
	err := fn.ProcessElement(context.Background(), rt, f, func([]byte) {})
	want := "tfrecord: " + path + ": corrupted record at 26 (record 1): length CRC mismatch"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}
