package stats

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/cputime"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// benchInput is taxi-like records in batches of 1024, serialized and
// decoded (schemaless, with the columns of the whole input).
type benchInput struct {
	recs    [][][]byte
	batches []arrow.RecordBatch
	bytes   int64
	rows    int
	dec     *example.Decoder
}

func newBenchInput(b *testing.B, rows int) *benchInput {
	b.Helper()
	all := synth.Taxi(rows, 1)
	in := &benchInput{rows: rows}
	mem := memory.NewGoAllocator()
	first, err := example.DecodeOptions{Allocator: mem}.NewDecoder()
	if err != nil {
		b.Fatal(err)
	}
	whole, err := first.Decode(all)
	if err != nil {
		b.Fatal(err)
	}
	defer whole.Release()
	if in.dec, err = (example.DecodeOptions{ArrowSchema: whole.Schema(), Allocator: mem}).NewDecoder(); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < rows; i += 1024 {
		part := all[i:min(i+1024, rows)]
		for _, r := range part {
			in.bytes += int64(len(r))
		}
		in.recs = append(in.recs, part)
		bt, err := in.dec.Decode(part)
		if err != nil {
			b.Fatal(err)
		}
		in.batches = append(in.batches, bt)
	}
	b.Cleanup(func() {
		for _, bt := range in.batches {
			bt.Release()
		}
	})
	runtime.GC() // not the garbage of generating the input in the timings
	return in
}

// BenchmarkStats measures statistics alone over decoded batches: Add on
// one goroutine, and Compute on all of them. Bytes are those of the
// serialized records, so MB/s compare with the decoder's.
func BenchmarkStats(b *testing.B) {
	const rows = 65536
	in := newBenchInput(b, rows)
	b.Run(fmt.Sprintf("add rows=%d", rows), func(b *testing.B) {
		b.SetBytes(in.bytes)
		b.ReportAllocs()
		start := cputime.Now()
		for b.Loop() {
			a := NewAccumulator(Options{})
			for _, bt := range in.batches {
				if err := a.Add(bt); err != nil {
					b.Fatal(err)
				}
			}
			_ = a.Result()
		}
		b.ReportMetric(float64(cputime.Now()-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run(fmt.Sprintf("compute rows=%d workers=%d", rows, runtime.GOMAXPROCS(0)), func(b *testing.B) {
		b.SetBytes(in.bytes)
		b.ReportAllocs()
		for b.Loop() {
			r, err := array.NewRecordReader(in.batches[0].Schema(), in.batches)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Compute(context.Background(), r, Options{}); err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
	})
}

// BenchmarkStatsOverhead decodes the records, then decodes them again and
// adds each batch to an Accumulator, within every op on one goroutine, and
// reports the CPU time the statistics add relative to the decoding alone
// (overhead-%; process CPU time, so garbage collection counts). Timing
// both halves in the same op keeps the ratio meaningful on a loaded
// machine.
func BenchmarkStatsOverhead(b *testing.B) {
	const rows = 65536
	in := newBenchInput(b, rows)
	var dec, both time.Duration
	b.SetBytes(in.bytes)
	for b.Loop() {
		runtime.GC()
		t0 := cputime.Now()
		for _, part := range in.recs {
			bt, err := in.dec.Decode(part)
			if err != nil {
				b.Fatal(err)
			}
			bt.Release()
		}
		runtime.GC()
		t1 := cputime.Now()
		a := NewAccumulator(Options{})
		for _, part := range in.recs {
			bt, err := in.dec.Decode(part)
			if err != nil {
				b.Fatal(err)
			}
			if err := a.Add(bt); err != nil {
				b.Fatal(err)
			}
			bt.Release()
		}
		_ = a.Result()
		runtime.GC()
		t2 := cputime.Now()
		dec += t1 - t0
		both += t2 - t1
	}
	n := float64(b.N)
	b.ReportMetric(float64(dec)/n, "decode-cpu-ns/op")
	b.ReportMetric(float64(both-dec)/n, "stats-cpu-ns/op")
	b.ReportMetric(100*float64(both-dec)/float64(dec), "overhead-%")
}

// teeReader adds every batch it passes on to an Accumulator.
type teeReader struct {
	array.RecordReader
	acc *Accumulator
	err error
}

func (t *teeReader) Next() bool {
	if !t.RecordReader.Next() {
		return false
	}
	if t.err == nil {
		t.err = t.acc.Add(t.RecordReader.RecordBatch())
	}
	return true
}

// BenchmarkStatsOnConvert measures what statistics add to a TFRecord ->
// Arrow convert (tfxio.Open of a gzip TFRecord file, tfxio.Copy to an
// Arrow IPC file): within every op it runs the convert alone and the
// convert with every batch also added to an Accumulator (on the reading
// goroutine), and reports the extra process CPU time relative to the
// convert alone (overhead-%). The target is at most 30%.
func BenchmarkStatsOnConvert(b *testing.B) {
	for _, rows := range []int{65536, 262144} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) { benchStatsOnConvert(b, rows) })
	}
}

func benchStatsOnConvert(b *testing.B, rows int) {
	dir := b.TempDir()
	in := filepath.Join(dir, "taxi.tfrecord.gz")
	w, err := tfrecord.Create(in, false)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for i := 0; i < rows; i += 8192 {
		for _, r := range synth.Taxi(min(8192, rows-i), uint64(i)) {
			size += int64(len(r))
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	convert := func(acc *Accumulator) {
		r, err := tfxio.Open(context.Background(), []string{in}, tfxio.ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Release()
		var src array.RecordReader = r
		var tee *teeReader
		if acc != nil {
			tee = &teeReader{RecordReader: r, acc: acc}
			src = tee
		}
		out, err := tfxio.Create(filepath.Join(dir, "out.arrow"), r.Schema(), tfxio.WriteOptions{Force: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tfxio.Copy(context.Background(), out, src); err != nil {
			b.Fatal(err)
		}
		if err := out.Close(); err != nil {
			b.Fatal(err)
		}
		if tee != nil {
			if tee.err != nil {
				b.Fatal(tee.err)
			}
			_ = acc.Result()
		}
	}
	var conv, both time.Duration
	b.SetBytes(size)
	for b.Loop() {
		runtime.GC()
		t0 := cputime.Now()
		convert(nil)
		runtime.GC()
		t1 := cputime.Now()
		convert(NewAccumulator(Options{}))
		runtime.GC()
		t2 := cputime.Now()
		conv += t1 - t0
		both += t2 - t1
	}
	n := float64(b.N)
	b.ReportMetric(float64(conv)/n, "convert-cpu-ns/op")
	b.ReportMetric(float64(both-conv)/n, "stats-cpu-ns/op")
	b.ReportMetric(100*float64(both-conv)/float64(conv), "overhead-%")
}
