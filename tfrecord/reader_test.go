package tfrecord

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// header returns a 12-byte header for length n with a correct length CRC.
func header(n uint64) []byte {
	b := le64(n)
	return binary.LittleEndian.AppendUint32(b, maskedCRC(b))
}

func TestReader(t *testing.T) {
	foo := refFrame([]byte("foo"))
	bar := refFrame([]byte("bar"))
	badLenCRC := bytes.Clone(foo)
	badLenCRC[8] ^= 1
	badDataCRC := bytes.Clone(bar)
	badDataCRC[len(badDataCRC)-1] ^= 0x80
	badData := bytes.Clone(bar)
	badData[12] = 'c'
	cat := func(b ...[]byte) []byte { return bytes.Join(b, nil) }

	tests := []struct {
		name    string
		in      []byte
		opts    []ReaderOption
		want    []string
		wantErr *Error // nil: a clean end
	}{
		{name: "empty stream", in: nil, want: []string{}},
		{name: "foo", in: foo, want: []string{"foo"}},
		{name: "foo bar", in: cat(foo, bar), want: []string{"foo", "bar"}},
		{name: "empty records", in: refFrame(nil, nil, []byte("x"), nil), want: []string{"", "", "x", ""}},
		{name: "with path", in: cat(foo, badLenCRC), opts: []ReaderOption{WithPath("a.tfrecord")}, want: []string{"foo"},
			wantErr: &Error{Path: "a.tfrecord", Record: 1, Offset: 19, Reason: LengthCRCMismatch}},
		{name: "length CRC mismatch", in: cat(foo, badLenCRC), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: LengthCRCMismatch}},
		{name: "data CRC mismatch", in: cat(foo, badDataCRC, foo), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: DataCRCMismatch}},
		{name: "damaged data", in: cat(foo, foo, badData), want: []string{"foo", "foo"},
			wantErr: &Error{Record: 2, Offset: 38, Reason: DataCRCMismatch}},
		{name: "damage ignored without checks", in: cat(foo, badData, badDataCRC), opts: []ReaderOption{WithVerifyChecksums(false)},
			want: []string{"foo", "car", "bar"}},
		{name: "bad length CRC ignored without checks", in: cat(badLenCRC, bar), opts: []ReaderOption{WithVerifyChecksums(false), WithCompression(None)},
			want: []string{"foo", "bar"}},
		{name: "truncated header", in: cat(foo, bar[:5]), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedHeader, Want: 12, Got: 5, Err: io.ErrUnexpectedEOF}},
		{name: "header only", in: cat(foo, bar[:12]), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedData, Want: 7, Got: 0, Err: io.ErrUnexpectedEOF}},
		{name: "truncated data", in: cat(foo, bar[:14]), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedData, Want: 7, Got: 2, Err: io.ErrUnexpectedEOF}},
		{name: "missing data CRC", in: cat(foo, bar[:15]), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedData, Want: 7, Got: 3, Err: io.ErrUnexpectedEOF}},
		{name: "partial data CRC", in: cat(foo, bar[:17]), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedData, Want: 7, Got: 5, Err: io.ErrUnexpectedEOF}},
		{name: "length 2^62", in: cat(foo, header(1<<62), []byte("xxxx")), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TooLarge, Want: 1 << 62, Got: DefaultMaxRecordSize}},
		{name: "length 2^64-1", in: header(1<<64 - 1), want: []string{},
			wantErr: &Error{Reason: TooLarge, Want: 1<<63 - 1, Got: DefaultMaxRecordSize}},
		{name: "above custom max", in: cat(foo, refFrame([]byte("four"))), opts: []ReaderOption{WithMaxRecordSize(3)}, want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TooLarge, Want: 4, Got: 3}},
		{name: "at custom max", in: cat(foo, bar), opts: []ReaderOption{WithMaxRecordSize(3)}, want: []string{"foo", "bar"}},
		{name: "900 MiB claimed in a tiny stream", in: cat(header(900<<20), []byte("abcdefgh")), want: []string{},
			wantErr: &Error{Reason: TruncatedData, Want: 900<<20 + 4, Got: 8, Err: io.ErrUnexpectedEOF}},
		{name: "trailing junk", in: cat(foo, []byte{1, 2, 3}), want: []string{"foo"},
			wantErr: &Error{Record: 1, Offset: 19, Reason: TruncatedHeader, Want: 12, Got: 3, Err: io.ErrUnexpectedEOF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readBytes(t, tt.in, tt.opts...)
			if diff := cmp.Diff(tt.want, toStrings(got)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			checkError(t, err, tt.wantErr)
		})
	}
}

// checkError compares err with want (nil: no error) and checks that it
// classifies as its reason says.
func checkError(t *testing.T, err error, want *Error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("error = %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	if diff := diffError(want, asError(t, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("errors.Is(%v, ErrCorrupt) = false", err)
	}
	trunc := want.Reason == TruncatedHeader || want.Reason == TruncatedData
	if got := errors.Is(err, ErrTruncated); got != trunc {
		t.Errorf("errors.Is(%v, ErrTruncated) = %v, want %v", err, got, trunc)
	}
	if got := errors.Is(err, io.ErrUnexpectedEOF); got != trunc {
		t.Errorf("errors.Is(%v, io.ErrUnexpectedEOF) = %v, want %v", err, got, trunc)
	}
	if got := errors.Is(err, ErrTooLarge); got != (want.Reason == TooLarge) {
		t.Errorf("errors.Is(%v, ErrTooLarge) = %v", err, got)
	}
}

// diffError compares two errors field by field, the Err fields with
// errors.Is.
func diffError(want, got *Error) string {
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Error{}, "Err")); diff != "" {
		return diff
	}
	if (want.Err == nil) != (got.Err == nil) || !errors.Is(got.Err, want.Err) {
		return "Err: want " + fmt.Sprint(want.Err) + ", got " + fmt.Sprint(got.Err)
	}
	return ""
}

func toStrings(recs [][]byte) []string {
	s := make([]string, len(recs))
	for i, r := range recs {
		s[i] = string(r)
	}
	return s
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"data CRC", &Error{Path: "data.tfrecord", Record: 7, Offset: 1234, Reason: DataCRCMismatch},
			"tfrecord: data.tfrecord: corrupted record at 1234 (record 7): data CRC mismatch"},
		{"length CRC, no path", &Error{Record: 0, Offset: 0, Reason: LengthCRCMismatch},
			"tfrecord: corrupted record at 0 (record 0): length CRC mismatch"},
		{"truncated data", &Error{Path: "data.tfrecord", Record: 7, Offset: 1234, Reason: TruncatedData, Want: 104, Got: 37, Err: io.ErrUnexpectedEOF},
			"tfrecord: data.tfrecord: truncated record at 1234 (record 7): truncated data (want 104 bytes, got 37)"},
		{"truncated header", &Error{Path: "-", Record: 2, Offset: 40, Reason: TruncatedHeader, Want: 12, Got: 3, Err: io.ErrUnexpectedEOF},
			"tfrecord: -: truncated record at 40 (record 2): truncated header (want 12 bytes, got 3)"},
		{"too large", &Error{Record: 1, Offset: 19, Reason: TooLarge, Want: 1 << 62, Got: 1 << 30},
			"tfrecord: corrupted record at 19 (record 1): record too large (length 4611686018427387904, limit 1073741824)"},
		{"bad compression", &Error{Path: "x.gz", Record: 3, Offset: 99, Reason: BadCompression, Err: errors.New("gzip: invalid header")},
			"tfrecord: x.gz: corrupted record at 99 (record 3): bad compressed stream: gzip: invalid header"},
		{"read failed", &Error{Path: "x", Record: 3, Offset: 99, Reason: ReadFailed, Err: errors.New("disk on fire")},
			"tfrecord: x: read failed at 99 (record 3): disk on fire"},
		{"unknown reason", &Error{Reason: 99}, "tfrecord: corrupted record at 0 (record 0): Reason(99)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestFlipEveryByte damages each byte of a small stream in turn: the
// reader must fail at the record holding the byte, with the reason the
// byte's place implies, after returning the records before it intact.
func TestFlipEveryByte(t *testing.T) {
	recs := sampleRecords(6)[1:6] // sizes 37, 74, 111, 148, 0
	in := refFrame(recs...)
	starts := recordStarts(recs)
	for _, flip := range []byte{0x01, 0x80, 0xff} {
		for i := range in {
			damaged := bytes.Clone(in)
			damaged[i] ^= flip
			rec := 0
			for starts[rec+1] <= i {
				rec++
			}
			pos := i - starts[rec]
			wantReason := DataCRCMismatch
			if pos < headerSize {
				wantReason = LengthCRCMismatch
			}
			got, err := readBytes(t, damaged, WithCompression(None), smallBuffer)
			if err == nil {
				t.Fatalf("byte %d ^ %#x: no error; read %s", i, flip, describe(got))
			}
			e := asError(t, err)
			if !errors.Is(err, ErrCorrupt) || e.Offset != int64(starts[rec]) || e.Record != int64(rec) || e.Reason != wantReason {
				t.Fatalf("byte %d ^ %#x: error %v; want %v at %d (record %d)", i, flip, err, wantReason, starts[rec], rec)
			}
			if !equalRecords(recs[:rec], got) {
				t.Fatalf("byte %d ^ %#x: records before the damage differ:\n%s", i, flip, cmp.Diff(recs[:rec], got))
			}

			// Without checksums the reader may only notice damage to the
			// length, but it must not panic, and what it reports is
			// corruption.
			got, err = readBytes(t, damaged, WithCompression(None), WithVerifyChecksums(false), smallBuffer)
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("byte %d ^ %#x, no checks: error %v is not ErrCorrupt", i, flip, err)
			}
			if err == nil && pos < 8 {
				t.Fatalf("byte %d ^ %#x, no checks: damaged length went unnoticed; read %s", i, flip, describe(got))
			}
		}
	}
}

// TestCutEveryLength truncates a stream at every length: the end is clean
// exactly at record boundaries, and truncation elsewhere.
func TestCutEveryLength(t *testing.T) {
	recs := sampleRecords(6)
	in := refFrame(recs...)
	starts := recordStarts(recs)
	rec := 0
	for cut := 0; cut <= len(in); cut++ {
		for starts[rec+1] <= cut && rec+1 < len(recs) {
			rec++
		}
		if cut == len(in) {
			rec = len(recs)
		}
		got, err := readBytes(t, in[:cut], smallBuffer)
		if cut == starts[rec] {
			if err != nil {
				t.Fatalf("cut %d at a boundary: %v", cut, err)
			}
			if !equalRecords(recs[:rec], got) {
				t.Fatalf("cut %d: records (-want +got):\n%s", cut, cmp.Diff(recs[:rec], got))
			}
			continue
		}
		pos := cut - starts[rec]
		want := &Error{Record: int64(rec), Offset: int64(starts[rec]), Reason: TruncatedHeader, Want: headerSize, Got: int64(pos), Err: io.ErrUnexpectedEOF}
		if pos >= headerSize {
			want.Reason, want.Want, want.Got = TruncatedData, int64(len(recs[rec])+footerSize), int64(pos-headerSize)
		}
		if diff := diffError(want, asError(t, err)); diff != "" {
			t.Fatalf("cut %d: error (-want +got):\n%s", cut, diff)
		}
		if !errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut %d: %v does not classify as truncation", cut, err)
		}
		if !equalRecords(recs[:rec], got) {
			t.Fatalf("cut %d: records (-want +got):\n%s", cut, cmp.Diff(recs[:rec], got))
		}
	}
}

func TestErrorIsFinal(t *testing.T) {
	in := append(refFrame([]byte("foo")), 1, 2, 3)
	r, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Next()
	_, err2 := r.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v, then %v; want the same error twice", err1, err2)
	}
	if r.Offset() != 0 || r.Index() != 0 {
		t.Errorf("Offset, Index = %d, %d; want those of the last good record, 0, 0", r.Offset(), r.Index())
	}
}

func TestOffsetIndex(t *testing.T) {
	recs := sampleRecords(5)
	starts := recordStarts(recs)
	r, err := NewReader(bytes.NewReader(refFrame(recs...)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Offset() != -1 || r.Index() != -1 {
		t.Errorf("before Next: Offset, Index = %d, %d; want -1, -1", r.Offset(), r.Index())
	}
	for i := range recs {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if r.Offset() != int64(starts[i]) || r.Index() != int64(i) {
			t.Errorf("record %d: Offset, Index = %d, %d; want %d, %d", i, r.Offset(), r.Index(), starts[i], i)
		}
	}
}

// TestLargeRecords reads records larger than the buffer, from readers
// that return few bytes at a time.
func TestLargeRecords(t *testing.T) {
	big := make([]byte, 600<<10) // more than twice the default buffer
	for i := range big {
		big[i] = byte(i * 31)
	}
	recs := [][]byte{[]byte("small"), big, nil, big[:defaultBufferSize], big[:defaultBufferSize-15], []byte("end")}
	in := refFrame(recs...)
	tests := []struct {
		name string
		wrap func(io.Reader) io.Reader
		opts []ReaderOption
	}{
		{"default buffer", func(r io.Reader) io.Reader { return r }, nil},
		{"tiny buffer", func(r io.Reader) io.Reader { return r }, []ReaderOption{func(c *readerConfig) error { c.bufferSize = 1; return nil }}},
		{"zero buffer", func(r io.Reader) io.Reader { return r }, []ReaderOption{func(c *readerConfig) error { c.bufferSize = 0; return nil }}},
		{"half reads", iotest.HalfReader, nil},
		{"data with EOF", iotest.DataErrReader, nil},
		{"one byte reads, small buffer", iotest.OneByteReader, []ReaderOption{func(c *readerConfig) error { c.bufferSize = 100; return nil }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(tt.wrap(bytes.NewReader(in)), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(recs) {
				t.Fatalf("read %d records, want %d", len(got), len(recs))
			}
			for i := range recs {
				if !bytes.Equal(got[i], recs[i]) {
					t.Errorf("record %d differs (len %d, want %d)", i, len(got[i]), len(recs[i]))
				}
			}
		})
	}
}

func TestRecordCapacityIsLimited(t *testing.T) {
	r, err := NewReader(bytes.NewReader(refFrame([]byte("foo"), []byte("bar"))))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if cap(rec) != 3 {
		t.Errorf("cap = %d, want 3: appending must not overwrite the buffer", cap(rec))
	}
}

func TestReadErrors(t *testing.T) {
	diskErr := errors.New("disk on fire")
	foo := refFrame([]byte("foo"))
	gz := compress(t, Gzip, refFrame([]byte("foo"), []byte("bar")))
	tests := []struct {
		name    string
		src     io.Reader
		want    []string
		wantErr *Error
	}{
		{"at boundary", &errAfterReader{foo, diskErr}, []string{"foo"},
			&Error{Record: 1, Offset: 19, Reason: ReadFailed, Err: diskErr}},
		{"in a record", &errAfterReader{append(bytes.Clone(foo), foo[:5]...), diskErr}, []string{"foo"},
			&Error{Record: 1, Offset: 19, Reason: ReadFailed, Err: diskErr}},
		{"at once", iotest.ErrReader(diskErr), []string{},
			&Error{Reason: ReadFailed, Err: diskErr}},
		{"below gzip", &errAfterReader{gz[:len(gz)-3], diskErr}, []string{"foo", "bar"},
			&Error{Record: 2, Offset: 38, Reason: ReadFailed, Err: diskErr}},
		{"below gzip header", &errAfterReader{gz[:5], diskErr}, []string{},
			&Error{Reason: ReadFailed, Err: diskErr}},
		{"with the sniffed bytes", &dataErrReader{gz[:12], diskErr}, []string{},
			&Error{Reason: ReadFailed, Err: diskErr}},
		{"no progress", &cycleReader{data: []byte{}}, []string{},
			&Error{Reason: ReadFailed, Err: io.ErrNoProgress}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(r)
			if diff := cmp.Diff(tt.want, toStrings(got)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := diffError(tt.wantErr, asError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if errors.Is(err, ErrCorrupt) {
				t.Errorf("errors.Is(%v, ErrCorrupt) = true for an I/O error", err)
			}
		})
	}
}

// dataErrReader returns all its data and err in one call.
type dataErrReader struct {
	data []byte
	err  error
}

func (d *dataErrReader) Read(p []byte) (int, error) {
	n := copy(p, d.data)
	d.data = d.data[n:]
	if len(d.data) == 0 {
		return n, d.err
	}
	return n, nil
}

// badCountReader claims to have read more than it was given.
type badCountReader struct{}

func (badCountReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestBadReaderDoesNotPanic(t *testing.T) {
	plain := refFrame([]byte("foo"))
	for _, c := range []Compression{None, Gzip, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			// Complete records, then a reader that claims more bytes
			// than it was asked for (bufio, under gzip, would panic).
			in := compress(t, c, plain)
			in = in[:len(in)-2] // keep the codec reading
			r, err := NewReader(io.MultiReader(bytes.NewReader(in), badCountReader{}), WithCompression(c))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = readAll(r)
			if e := asError(t, err); e.Reason != ReadFailed {
				t.Errorf("error %v, want a read failure", err)
			}
		})
	}
}

func TestCloseReader(t *testing.T) {
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(compress(t, c, refFrame([]byte("foo")))))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Next(); err == nil || err == io.EOF {
				t.Errorf("Next after Close = %v, want an error", err)
			}
			if err := r.Close(); err != nil {
				t.Errorf("second Close = %v", err)
			}
		})
	}
}

func TestReaderOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  ReaderOption
	}{
		{"max 0", WithMaxRecordSize(0)},
		{"max -1", WithMaxRecordSize(-1)},
		{"compression 99", WithCompression(99)},
		{"compression -1", WithCompression(-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewReader(bytes.NewReader(nil), tt.opt); err == nil {
				t.Error("NewReader succeeded, want an error")
			}
		})
	}
}

// TestSteadyStateAllocs checks that Next allocates nothing per record.
func TestSteadyStateAllocs(t *testing.T) {
	for _, c := range []Compression{None, Gzip, Zlib, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			stream := compress(t, None, refFrame(sampleRecords(200)...))
			var src io.Reader = &cycleReader{data: stream}
			if c != None {
				// An endless stream of compressed data: the codec
				// decompresses a cycle of framed records.
				r, w := io.Pipe()
				t.Cleanup(func() { r.Close() })
				go func() {
					zw, err := compressor(c, w, levelDefault)
					if err != nil {
						w.CloseWithError(err)
						return
					}
					for {
						if _, err := zw.Write(stream); err != nil {
							w.CloseWithError(err)
							return
						}
					}
				}()
				src = r
			}
			r, err := NewReader(src, WithCompression(c))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for range 1000 { // warm up: buffers reach their size
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			}
			allocs := testing.AllocsPerRun(5000, func() {
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			})
			if c == None && allocs != 0 {
				t.Errorf("%v allocations per record, want 0", allocs)
			}
			if allocs > 0.01 {
				t.Errorf("%v allocations per record, want about 0", allocs)
			}
		})
	}
}

// allocated returns the bytes allocated while running f.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBogusLengthAllocatesLittle: a huge length field costs no memory,
// whether it is refused or merely unbacked by data.
func TestBogusLengthAllocatesLittle(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		reason Reason
	}{
		{"2^62 refused", append(header(1<<62), "0123456789"...), TooLarge},
		{"900 MiB in 20 bytes", append(header(900<<20), "01234567"...), TruncatedData},
		{"1 GiB in 1 MiB", append(header(1<<30), make([]byte, 1<<20)...), TruncatedData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocated(func() {
				r, nerr := NewReader(bytes.NewReader(tt.in))
				if nerr != nil {
					t.Fatal(nerr)
				}
				_, err = r.Next()
			})
			if e := asError(t, err); e.Reason != tt.reason {
				t.Errorf("reason %v, want %v", e.Reason, tt.reason)
			}
			// The buffer at most doubles when it is full of arrived
			// bytes: the sizes it goes through add up to less than
			// four times the stream.
			limit := uint64(defaultBufferSize + 4*len(tt.in) + 64<<10)
			if n > limit {
				t.Errorf("allocated %d bytes, want at most %d", n, limit)
			}
			t.Logf("allocated %d bytes for a %d-byte stream", n, len(tt.in))
		})
	}
}
