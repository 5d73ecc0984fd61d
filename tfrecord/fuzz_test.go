package tfrecord

import (
	"bytes"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

const (
	fuzzMaxRecord = 1 << 20 // WithMaxRecordSize in the fuzz targets
	fuzzMaxWindow = 1 << 20 // zstd window limit in the fuzz targets
	fuzzMaxOutput = 64 << 20
)

// fuzzOptions bound what one input can make the reader allocate. A small
// initial buffer makes the refill, compaction and growth paths run often
// (and each input cheap).
func fuzzOptions(extra ...ReaderOption) []ReaderOption {
	return append([]ReaderOption{
		WithMaxRecordSize(fuzzMaxRecord),
		func(c *readerConfig) error {
			c.maxWindow = fuzzMaxWindow
			c.bufferSize = 64
			return nil
		},
	}, extra...)
}

// addSeeds adds generated streams of every compression, damaged variants,
// and (when GOBSL_REALDATA is set) the small real files.
func addSeeds(f *testing.F) {
	plain := refFrame(sampleRecords(12)...)
	f.Add([]byte{})
	f.Add(plain)
	f.Add(refFrame(nil))
	f.Add(refFrame([]byte("foo")))
	f.Add(append(header(1<<62), "junkjunk"...))
	f.Add(append(header(900<<20), "junkjunk"...))
	f.Add(plain[:len(plain)-7])
	flipped := bytes.Clone(plain)
	flipped[len(plain)/2] ^= 4
	f.Add(flipped)
	f.Add(append([]byte("junk"), plain...))
	for _, c := range []Compression{Gzip, Zlib, Zstd} {
		f.Add(compress(f, c, plain))
		f.Add(compress(f, c, nil))
		z := compress(f, c, plain)
		f.Add(z[:len(z)/2])
	}
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		return
	}
	entries, err := loadRealEntries(dir) // not realData: a skip would skip the whole target
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 16<<10 {
			f.Add(data)
		}
	}
}

// FuzzReader checks that no input panics or allocates without bound, and
// compares the reader with the reference parser of ref_test.go: on the
// input taken as uncompressed, and (for gzip and zlib) on what the
// standard library's decoders make of it. Records, and whether and where
// and why reading fails, must agree.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// 1. Uncompressed, against the reference.
		var recs [][]byte
		var err error
		alloc := allocatedFast(func() {
			recs, err = readBytes(t, data, fuzzOptions(WithCompression(None))...)
		})
		if limit := uint64(defaultBufferSize + 4*len(data) + 1<<20); alloc > limit {
			t.Errorf("uncompressed: allocated %d bytes for %d input bytes", alloc, len(data))
		}
		wantRecs, wantFail := refParse(data, fuzzMaxRecord)
		compareWithRef(t, "uncompressed", recs, err, wantRecs, wantFail)

		// 2. Auto-detected: no panic, bounded memory; if it detects no
		// compression the result is the one above.
		var r *Reader
		var autoRecs [][]byte
		var autoErr error
		alloc = allocatedFast(func() {
			r, autoErr = NewReader(bytes.NewReader(data), fuzzOptions()...)
			if autoErr != nil {
				t.Fatal(autoErr)
			}
			autoRecs, autoErr = readAll(r)
			r.Close()
		})
		if limit := uint64(64 << 20); alloc > limit {
			t.Errorf("auto (%v): allocated %d bytes for %d input bytes", r.Compression(), alloc, len(data))
		}
		if autoErr != nil && !errors.As(autoErr, new(*Error)) {
			t.Errorf("auto (%v): error %v is not an *Error", r.Compression(), autoErr)
		}
		switch r.Compression() {
		case None:
			if !equalRecords(recs, autoRecs) || (err == nil) != (autoErr == nil) {
				t.Errorf("auto-detected none differs from WithCompression(None): %d records, %v", len(autoRecs), autoErr)
			}
		case Gzip, Zlib:
			// 3. Against the standard library's decoder.
			plain, stdErr := stdDecompress(r.Compression(), data)
			if stdErr == errTooBig {
				return
			}
			if stdErr != nil {
				if autoErr == nil {
					t.Errorf("%v: the standard library fails (%v), the reader does not", r.Compression(), stdErr)
				}
				return
			}
			wantRecs, wantFail := refParse(plain, fuzzMaxRecord)
			var e *Error
			if errors.As(autoErr, &e) && e.Reason == BadCompression {
				// klauspost is stricter than the standard library in
				// places (e.g. it refuses reserved gzip flag bits); what
				// it read before failing must still be right.
				if len(autoRecs) > len(wantRecs) || !equalRecords(wantRecs[:len(autoRecs)], autoRecs) {
					t.Errorf("%v: records before %v: %s, reference %s", r.Compression(), autoErr, describe(autoRecs), describe(wantRecs))
				}
				return
			}
			compareWithRef(t, r.Compression().String(), autoRecs, autoErr, wantRecs, wantFail)
		}
	})
}

// FuzzSalvage checks that salvage mode ends on every input and agrees with
// the reference salvage of ref_test.go: the same records, the same damage
// reports, every byte either returned in a record or counted as skipped.
func FuzzSalvage(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), fuzzOptions(WithCompression(None), WithSalvage(true))...)
		if err != nil {
			t.Fatal(err)
		}
		var recs [][]byte
		var fails []refFailure
		var framed int64
		calls := 0
		for ; ; calls++ {
			if calls > 2*len(data)+2 {
				t.Fatalf("no end after %d calls for %d bytes", calls, len(data))
			}
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v is not a corruption *Error", err)
				}
				fails = append(fails, refFailure{e.Offset, e.Reason})
				continue
			}
			recs = append(recs, bytes.Clone(rec))
			framed += int64(headerSize + len(rec) + footerSize)
		}
		skipped, regions := r.Salvaged()
		if framed+skipped != int64(len(data)) {
			t.Errorf("%d bytes in records + %d skipped != %d bytes of input", framed, skipped, len(data))
		}
		if regions != int64(len(fails)) {
			t.Errorf("%d regions, %d errors", regions, len(fails))
		}
		wantRecs, wantFails, wantSkipped := refSalvage(data, fuzzMaxRecord)
		if !equalRecords(wantRecs, recs) {
			t.Errorf("records %s, reference %s", describe(recs), describe(wantRecs))
		}
		if len(wantFails) != len(fails) {
			t.Fatalf("errors %v, reference %v", fails, wantFails)
		}
		for i := range fails {
			if fails[i] != wantFails[i] {
				t.Errorf("error %d: %+v, reference %+v", i, fails[i], wantFails[i])
			}
		}
		if skipped != wantSkipped {
			t.Errorf("skipped %d bytes, reference %d", skipped, wantSkipped)
		}
	})
}

// compareWithRef compares what the reader returned with the reference.
func compareWithRef(t *testing.T, what string, recs [][]byte, err error, wantRecs [][]byte, wantFail *refFailure) {
	t.Helper()
	if !equalRecords(wantRecs, recs) {
		t.Errorf("%s: records %s, reference %s", what, describe(recs), describe(wantRecs))
	}
	if wantFail == nil {
		if err != nil {
			t.Errorf("%s: error %v, the reference reads cleanly", what, err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v, reference %v at %d", what, err, wantFail.Reason, wantFail.Offset)
	}
	if e.Offset != wantFail.Offset || e.Reason != wantFail.Reason || e.Record != int64(len(wantRecs)) {
		t.Errorf("%s: %v; reference %v at %d (record %d)", what, err, wantFail.Reason, wantFail.Offset, len(wantRecs))
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("%s: %v is not ErrCorrupt", what, err)
	}
}

var errTooBig = errors.New("decompressed output too big to compare")

// stdDecompress decompresses data with the standard library.
func stdDecompress(c Compression, data []byte) ([]byte, error) {
	var zr io.Reader
	var err error
	switch c {
	case Gzip:
		zr, err = stdgzip.NewReader(bytes.NewReader(data))
	case Zlib:
		zr, err = stdzlib.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, fuzzMaxOutput+1))
	if len(out) > fuzzMaxOutput {
		return nil, errTooBig
	}
	return out, err
}

// allocatedFast returns the bytes allocated while running f, without a
// garbage collection first (TotalAlloc counts allocations, not live bytes).
func allocatedFast(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
