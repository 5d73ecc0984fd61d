package tfrecord

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const (
	defaultBufferSize    = 256 << 10 // initial read buffer; grows for larger records
	compressedBufferSize = 64 << 10  // the same, below a decompressor
	codecBufferSize      = 64 << 10  // bufio in front of gzip/zlib (their fast path)
	defaultMaxWindow     = 128 << 20 // zstd window limit, as the zstd CLI's default
	maxNoProgress        = 100       // (0, nil) reads in a row before giving up
)

var errClosed = errors.New("tfrecord: Next called after Close")

type readerConfig struct {
	path          string
	compression   Compression
	maxRecordSize int64
	verify        bool
	salvage       bool

	// Unexported knobs for tests.
	bufferSize int    // initial buffer size
	maxWindow  uint64 // zstd decoder window limit
}

// ReaderOption configures a [Reader]. Options are applied in order; an
// invalid value makes [NewReader] fail.
type ReaderOption func(*readerConfig) error

// WithPath names the stream in errors. When the compression is [Auto] and
// the first bytes decide nothing (an empty or very short stream), the name's
// extension decides (see [CompressionFromPath]).
func WithPath(name string) ReaderOption {
	return func(c *readerConfig) error {
		c.path = name
		return nil
	}
}

// WithCompression sets the stream's compression. The default, [Auto],
// detects it; see [NewReader].
func WithCompression(comp Compression) ReaderOption {
	return func(c *readerConfig) error {
		if !comp.valid() {
			return fmt.Errorf("tfrecord: invalid compression %v", comp)
		}
		c.compression = comp
		return nil
	}
}

// WithMaxRecordSize limits the length of a record's data. A length field
// above n is reported as an [*Error] with Reason [TooLarge] before anything
// is allocated for it. n must be positive; the default is
// [DefaultMaxRecordSize]. Values larger than the platform can address are
// lowered to what it can.
func WithMaxRecordSize(n int64) ReaderOption {
	return func(c *readerConfig) error {
		if n <= 0 {
			return fmt.Errorf("tfrecord: max record size %d is not positive", n)
		}
		c.maxRecordSize = min(n, math.MaxInt-headerSize-footerSize)
		return nil
	}
}

// WithVerifyChecksums turns the CRC checks on (the default) or off. With
// checks off, damage is found only when it makes a length too large or runs
// past the end of the stream.
func WithVerifyChecksums(verify bool) ReaderOption {
	return func(c *readerConfig) error {
		c.verify = verify
		return nil
	}
}

// WithSalvage turns salvage mode on or off (off by default). See
// "Salvage mode" in the package documentation.
func WithSalvage(salvage bool) ReaderOption {
	return func(c *readerConfig) error {
		c.salvage = salvage
		return nil
	}
}

// Reader reads records from a TFRecord stream. Create one with [NewReader]
// or [Open]. A Reader is not safe for concurrent use.
type Reader struct {
	cfg   readerConfig
	comp  Compression
	src   io.Reader // the decompressed stream: raw, or a decompressor over prefix
	codec io.Closer // releases the decompressor; nil if there is none

	raw    rawReader    // the caller's reader, guarded
	prefix prefixReader // the sniffed bytes, replayed to the decompressor, then raw

	buf    []byte // buf[r:w] is read but not consumed; buf[r] is at offset off
	r, w   int
	off    int64
	srcErr error // the first error from src, io.EOF included

	next             int64 // index of the next record
	lastOff, lastIdx int64
	done             error // returned by every further call to Next

	// Salvage mode: what the next call to Next must do first.
	pending             pendingAction
	pendingSkip         int // for skipRecord
	salvBytes, salvRegs int64
}

type pendingAction uint8

const (
	noAction   pendingAction = iota
	skipRecord               // drop pendingSkip bytes: a record with a bad data CRC
	scanAhead                // drop the damaged header, then scan for a valid one
	dropRest                 // the stream cannot go on: drop what is left and end
)

// NewReader returns a Reader of the TFRecord stream r.
//
// With [Auto] compression (the default) NewReader reads up to 12 bytes to
// detect the compression: a valid uncompressed record header means [None];
// otherwise the gzip magic 1f 8b means [Gzip], the zstd magic 28 b5 2f fd
// means [Zstd] and a valid zlib header means [Zlib]; failing all of these
// (e.g. a stream shorter than 12 bytes) the extension of the name given by
// [WithPath] decides. The bytes read are not lost.
//
// NewReader fails only for invalid options. Problems with the data,
// including a bad compressed header and I/O errors, are reported by
// [Reader.Next].
func NewReader(r io.Reader, opts ...ReaderOption) (*Reader, error) {
	cfg := readerConfig{
		compression:   Auto,
		maxRecordSize: DefaultMaxRecordSize,
		verify:        true,
		bufferSize:    defaultBufferSize,
		maxWindow:     defaultMaxWindow,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	rd := &Reader{
		cfg:     cfg,
		comp:    cfg.compression,
		lastOff: -1,
		lastIdx: -1,
	}
	rd.raw.r = r
	rd.src = &rd.raw
	if rd.comp != None {
		// Read at most a header's worth into prefix, to detect the
		// compression and to replay to the decompressor.
		rd.buf = rd.prefix.head[:]
		rd.fill(headerSize)
		head := rd.buf[:rd.w]
		if rd.comp == Auto {
			rd.comp = sniff(head, cfg.path)
		}
		readErr := rd.srcErr != nil && rd.srcErr != io.EOF
		if rd.comp == None || rd.w == 0 || readErr {
			// Go on reading from here, with no decompressor: the stream
			// is plain, or empty (no records, whatever the compression),
			// or the read failed, which Next reports.
			rd.buf = make([]byte, max(cfg.bufferSize, headerSize))
			if rd.comp == None {
				copy(rd.buf, head)
			} else {
				rd.w = 0 // compressed bytes are no records: fail at offset 0
			}
			return rd, nil
		}
		rd.prefix.n, rd.prefix.r = rd.w, &rd.raw
		rd.w, rd.srcErr = 0, nil
	}
	if rd.comp == None {
		rd.buf = make([]byte, max(cfg.bufferSize, headerSize))
		return rd, nil
	}
	// A decompressor hands out at most its window (32 KiB for gzip) per
	// read, so a smaller buffer does as well; it matters when many small
	// compressed shards are read.
	rd.buf = make([]byte, max(min(cfg.bufferSize, compressedBufferSize), headerSize))
	var src io.Reader = &rd.prefix
	if rd.comp != Zstd {
		src = bufio.NewReaderSize(src, codecBufferSize)
	}
	dec, closer, err := decompressor(rd.comp, src, cfg.maxWindow)
	if err != nil {
		rd.srcErr = err // Next reports it, as a read or a decompression failure
		return rd, nil
	}
	rd.src, rd.codec = dec, closer
	return rd, nil
}

// Compression returns the compression in use: the one given by
// [WithCompression], or the one detected.
func (r *Reader) Compression() Compression { return r.comp }

// Offset returns the byte offset, in the decompressed stream, of the header
// of the record last returned by [Reader.Next], or -1 before the first.
func (r *Reader) Offset() int64 { return r.lastOff }

// Index returns the 0-based index of the record last returned by
// [Reader.Next], or -1 before the first. Records skipped in salvage mode
// do not count.
func (r *Reader) Index() int64 { return r.lastIdx }

// Salvaged reports what salvage mode has skipped so far: the number of bytes
// (of the decompressed stream) and the number of damaged regions. A region
// is counted once Next has moved past it, that is, by the call after the one
// that returned its error.
func (r *Reader) Salvaged() (bytes, regions int64) { return r.salvBytes, r.salvRegs }

// Close releases the decompressor (zstd decoders hold goroutines until
// closed) and the buffer. It does not close the underlying reader. After
// Close, Next returns an error.
func (r *Reader) Close() error {
	if r.codec != nil {
		r.codec.Close() // only repeats errors Next has reported
		r.codec = nil
	}
	r.buf, r.r, r.w = nil, 0, 0
	r.done = errClosed
	return nil
}

// Next returns the data of the next record. The slice is valid until the
// next call to Next or Close; copy it to keep it.
//
// At a clean end of the stream, which is the end of the stream exactly at
// a record boundary (an empty stream included), Next returns io.EOF. Any
// other problem is an [*Error] saying where and why. Without salvage mode
// an error is final: every further call returns it again. In salvage mode
// Next returns each error once and the call after it goes on with the
// stream; see the package documentation.
func (r *Reader) Next() ([]byte, error) {
	if r.done != nil {
		return nil, r.done
	}
	if r.pending != noAction {
		if r.recover(); r.done != nil {
			return nil, r.done
		}
	}
	start := r.off
	if n := r.fill(headerSize); n < headerSize {
		if n == 0 && r.srcErr == io.EOF {
			r.done = io.EOF
			return nil, io.EOF
		}
		return nil, r.fail(TruncatedHeader, headerSize, n)
	}
	hdr := r.buf[r.r : r.r+headerSize]
	length := binary.LittleEndian.Uint64(hdr)
	if r.cfg.verify && !validHeader(hdr) {
		return nil, r.damage(&Error{Reason: LengthCRCMismatch}, scanAhead, 0)
	}
	if length > uint64(r.cfg.maxRecordSize) {
		return nil, r.damage(&Error{Reason: TooLarge, Want: int64(min(length, math.MaxInt64)), Got: r.cfg.maxRecordSize}, scanAhead, 0)
	}
	size := int(length)
	total := headerSize + size + footerSize
	if n := r.fill(total); n < total {
		return nil, r.fail(TruncatedData, int64(size+footerSize), n-headerSize)
	}
	data := r.buf[r.r+headerSize : r.r+headerSize+size : r.r+headerSize+size]
	if r.cfg.verify && maskedCRC(data) != binary.LittleEndian.Uint32(r.buf[r.r+headerSize+size:]) {
		return nil, r.damage(&Error{Reason: DataCRCMismatch}, skipRecord, total)
	}
	r.r += total
	r.off += int64(total)
	r.lastOff, r.lastIdx = start, r.next
	r.next++
	return data, nil
}

// fill tries to make buf[r:w] hold at least n bytes, reading from src. It
// returns the number of bytes held, fewer than n if src ended or failed;
// then srcErr says why. The buffer grows only when it is full of bytes that
// arrived, so a bogus length in a short stream allocates nothing.
func (r *Reader) fill(n int) int {
	// Reads in a row that returned nothing. rawReader guards the caller's
	// reader; this guards a decompressor.
	empty := 0
	for r.w-r.r < n && r.srcErr == nil {
		if len(r.buf)-r.r < n && r.r > 0 {
			r.w = copy(r.buf, r.buf[r.r:r.w])
			r.r = 0
		}
		if r.w == len(r.buf) {
			// Full of arrived bytes and still short: grow, at most double.
			size := min(n, max(2*len(r.buf), 4<<10))
			buf := make([]byte, size)
			copy(buf, r.buf[:r.w])
			r.buf = buf
		}
		m, err := r.src.Read(r.buf[r.w:])
		r.w += m
		if err != nil {
			r.srcErr = err
		} else if m == 0 {
			if empty++; empty >= maxNoProgress {
				r.srcErr = io.ErrNoProgress
			}
		}
	}
	return r.w - r.r
}

// fail reports a record that the stream could not supply in full: want
// bytes were needed (after the header, for data) and got arrived. srcErr
// decides whether that is truncation, a decompression or an I/O failure.
func (r *Reader) fail(reason Reason, want int64, got int) error {
	e := &Error{Reason: reason, Want: want, Got: int64(got)}
	err := r.srcErr
	switch {
	case r.raw.err != nil && errors.Is(err, r.raw.err):
		e.Reason, e.Want, e.Got, e.Err = ReadFailed, 0, 0, err
		return r.damage(e, dropRest, 0)
	case (err == io.EOF || err == io.ErrUnexpectedEOF) && (got > 0 || reason == TruncatedData):
		e.Err = io.ErrUnexpectedEOF
		return r.damage(e, scanAhead, 0)
	default:
		// The decompressor failed, or the compressed stream ended early
		// at a record boundary.
		e.Reason, e.Want, e.Got, e.Err = BadCompression, 0, 0, err
		return r.damage(e, dropRest, 0)
	}
}

// damage completes e with the position of the record at r.off and decides
// what happens next: without salvage mode e is final; with it, e is
// returned once and the next call to Next first does action.
func (r *Reader) damage(e *Error, action pendingAction, skip int) error {
	e.Path, e.Record, e.Offset = r.cfg.path, r.next, r.off
	if !r.cfg.salvage {
		r.done = e
		return e
	}
	r.pending, r.pendingSkip = action, skip
	return e
}

// recover does the pending salvage action: it skips one damaged region.
func (r *Reader) recover() {
	skipped := 0
	switch r.pending {
	case skipRecord:
		skipped = r.pendingSkip
		r.drop(skipped)
	case scanAhead:
		skipped = 1 // the damaged header's first byte
		r.drop(1)
		for {
			if n := r.fill(headerSize); n < headerSize {
				skipped += n // the stream ends without a valid header
				r.drop(n)
				break
			}
			i, found := scanHeader(r.buf[r.r:r.w], uint64(r.cfg.maxRecordSize))
			skipped += i
			r.drop(i)
			if found {
				break
			}
		}
	case dropRest:
		skipped = r.w - r.r
		r.drop(skipped)
		r.done = io.EOF
	}
	r.pending = noAction
	r.salvBytes += int64(skipped)
	r.salvRegs++
}

// drop consumes n buffered bytes.
func (r *Reader) drop(n int) {
	r.r += n
	r.off += int64(n)
}

// scanHeader looks for the first position in b where a valid header with a
// length of at most max starts. If there is none it returns the number of
// positions it ruled out, len(b)-11, and false.
func scanHeader(b []byte, max uint64) (int, bool) {
	last := len(b) - headerSize
	for i := 0; i <= last; i++ {
		// The cheap length test first: for max < 2^32 it fails on all but
		// a few positions of random data.
		if binary.LittleEndian.Uint64(b[i:]) <= max && validHeader(b[i:i+headerSize]) {
			return i, true
		}
	}
	return last + 1, false
}

// rawReader reads from the caller's reader. It remembers the first error
// other than io.EOF, so that a decompressor's report of it can be told from
// a decompression failure. It turns endless empty reads into
// io.ErrNoProgress (some decompressors would spin on them) and impossible
// counts into an error (bufio would panic on them).
type rawReader struct {
	r     io.Reader
	err   error
	empty int
}

func (s *rawReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n < 0 || n > len(p) {
		n, err = 0, fmt.Errorf("tfrecord: reader returned invalid count %d", n)
	}
	if n == 0 && err == nil && len(p) > 0 {
		if s.empty++; s.empty >= maxNoProgress {
			err = io.ErrNoProgress
		}
	} else {
		s.empty = 0
	}
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// prefixReader replays the bytes read to detect the compression, then
// reads from r.
type prefixReader struct {
	head [headerSize]byte
	i, n int
	r    io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if p.i < p.n {
		k := copy(b, p.head[p.i:p.n])
		p.i += k
		return k, nil
	}
	return p.r.Read(b)
}
