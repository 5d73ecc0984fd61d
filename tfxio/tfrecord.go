package tfxio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/tfrecord"
)

// RecordError reports a record that could not be decoded, by position.
type RecordError struct {
	Path   string // the file ("-" for standard input)
	Record int64  // index of the record in its file
	Offset int64  // byte offset of the record in the (decompressed) file; -1 if unknown
	Err    error
}

func (e *RecordError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("%s: record %d: %v", e.Path, e.Record, e.Err)
	}
	return fmt.Sprintf("%s: record %d at offset %d: %v", e.Path, e.Record, e.Offset, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

func (o *ReadOptions) decodeOptions() example.DecodeOptions {
	return example.DecodeOptions{
		Schema:     o.Schema,
		RecordType: o.RecordType,
		ListType:   o.ListType,
		BytesType:  o.BytesType,
		// nil: the decoder's default, which recycles the buffers of
		// released batches (internal/mempool). Tests run every consumer
		// with GOBSL_MEMPOOL_POISON=1 to show none keeps a view into a
		// batch it has released.
		Allocator: o.Allocator,
	}
}

// openTFRecord reads TFRecord files of tf.Example or tf.SequenceExample
// records as record batches decoded on all cores.
func openTFRecord(ctx context.Context, paths []string, opts ReadOptions) (array.RecordReader, error) {
	dec := opts.decodeOptions()
	files := make([]recordFile, len(paths))
	for i, p := range paths {
		files[i] = recordFile{name: p, path: p}
	}
	cleanup := func() {}
	if dec.Schema == nil && opts.ArrowSchema == nil {
		// A schemaless read needs a first pass, or a check alongside
		// the decoding: both read standard input again.
		var err error
		if files, cleanup, err = spoolStdin(files, opts.stdin()); err != nil {
			return nil, err
		}
	}
	src := &recordChain{files: files, opts: &opts}
	var (
		records example.RecordSource = src
		spec    *speculation
		err     error
	)
	switch {
	case dec.Schema != nil:
	case opts.ArrowSchema != nil:
		dec.ArrowSchema = opts.ArrowSchema
	case opts.Speculate:
		if spec, err = speculate(ctx, files, src, dec); err == nil {
			dec.ArrowSchema, records = spec.provisional, spec.tee
		}
	default:
		// One schema for the whole input: a first pass collects the
		// union of feature names and kinds.
		dec.ArrowSchema, err = scanSchema(ctx, files, dec, opts.Workers)
	}
	if err != nil {
		cleanup()
		return nil, err
	}
	br, err := example.NewBatchReader(records, dec, example.ReaderOptions{
		BatchSize: opts.BatchSize,
		Workers:   opts.Workers,
		Context:   ctx,
	})
	if err != nil {
		src.close()
		spec.stop()
		cleanup()
		return nil, err
	}
	return &tfrecordReader{RecordReader: br, src: src, cleanup: cleanup, spec: spec}, nil
}

// SchemaChangedError ends a speculative read ([ReadOptions].Speculate)
// of schemaless TFRecord input whose first records did not show all its
// columns and kinds. Discard what the read produced and read again: with
// Schema as [ReadOptions].ArrowSchema when it is set (the whole input's
// schema, known when the read got to the end), else without Speculate.
type SchemaChangedError struct {
	Schema *arrow.Schema
}

func (e *SchemaChangedError) Error() string {
	return "tfxio: the input has columns or kinds its first records do not show; read it again with the whole input's schema"
}

// speculateRecords is how many records give the provisional schema of a
// speculative read: enough that a feature present in most records is
// seen, few enough to take a few milliseconds.
const speculateRecords = 4096

// speculation checks a provisional schema (that of the input's first
// records) against every record: a goroutine scans the records the
// decoders read, handed over by a teeSource, so the input is read and
// inflated once.
type speculation struct {
	provisional *arrow.Schema
	tee         *teeSource
	stopc       chan struct{}
	done        chan struct{}
	schema      *arrow.Schema // the whole input's, once done is closed without err
	err         error
	confirmed   bool
}

// speculate scans the first records for the provisional schema and starts
// the scan of all records; the decoders must read src through s.tee.
func speculate(ctx context.Context, files []recordFile, src *recordChain, dec example.DecodeOptions) (*speculation, error) {
	sc, err := example.NewScanner(dec)
	if err != nil {
		return nil, err
	}
	first := &recordChain{files: files, opts: &ReadOptions{}}
	err = scanSerial(ctx, first, sc, speculateRecords)
	first.close()
	if err != nil {
		return nil, err
	}
	s := &speculation{provisional: sc.ArrowSchema(), stopc: make(chan struct{}), done: make(chan struct{})}
	if sc, err = example.NewScanner(dec); err != nil {
		return nil, err
	}
	s.tee = &teeSource{src: src, full: make(chan *scanChunk, 2), free: newScanChunks(), done: s.done}
	go s.scan(sc, src)
	return s, nil
}

// scan checks every chunk of records against the provisional schema and
// stops at the first that does not fit it.
func (s *speculation) scan(sc *example.Scanner, src *recordChain) {
	defer close(s.done)
	for {
		var c *scanChunk
		select {
		case c = <-s.tee.full:
		case <-s.stopc:
			s.err = errors.New("tfxio: speculative schema scan stopped")
			return
		}
		if err := sc.Scan(c.recs); err != nil {
			s.err = scanError(src, c.start, err)
			return
		}
		if !fits(sc.ArrowSchema(), s.provisional) {
			// Stop now: the decoders' work is wasted. The whole schema is
			// known only when these were the last records.
			s.err = &SchemaChangedError{}
			if c.err == io.EOF {
				s.err = &SchemaChangedError{Schema: sc.ArrowSchema()}
			}
			return
		}
		switch {
		case c.err == io.EOF:
			s.schema = sc.ArrowSchema()
			return
		case c.err != nil:
			s.err = c.err
			return
		}
		s.tee.free <- c
	}
}

// fits reports whether the records scanned so far (schema) add nothing
// to the provisional schema: every column is in it, with a type that fits.
func fits(schema, provisional *arrow.Schema) bool {
	for _, f := range schema.Fields() {
		p, ok := provisional.FieldsByName(f.Name)
		if !ok || len(p) != 1 || !fitsType(f.Type, p[0].Type) {
			return false
		}
	}
	return true
}

// fitsType reports whether a column type of the records scanned so far
// can still become want: it is want, or untyped (null) where want has a
// type, or a struct of feature lists whose fields (so far a subset) fit.
func fitsType(got, want arrow.DataType) bool {
	switch g := got.(type) {
	case *arrow.NullType:
		return true
	case *arrow.StructType:
		w, ok := want.(*arrow.StructType)
		if !ok {
			return false
		}
		for _, f := range g.Fields() {
			i, ok := w.FieldIdx(f.Name)
			if !ok || !fitsType(f.Type, w.Field(i).Type) {
				return false
			}
		}
		return true
	case arrow.ListLikeType:
		w, ok := want.(arrow.ListLikeType)
		return ok && g.ID() == w.ID() && fitsType(g.Elem(), w.Elem())
	}
	return arrow.TypeEqual(got, want)
}

// verdict waits for the scan: nil when the provisional schema is the
// input's, a *SchemaChangedError when it is not, or the scan's error.
func (s *speculation) verdict() error {
	<-s.done
	switch {
	case s.err != nil:
		return s.err
	case !s.schema.Equal(s.provisional):
		return &SchemaChangedError{Schema: s.schema}
	}
	s.confirmed = true
	return nil
}

func (s *speculation) finished() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// stop ends the scan and waits for it.
func (s *speculation) stop() {
	if s != nil {
		select {
		case <-s.stopc:
		default:
			close(s.stopc)
		}
		<-s.done
	}
}

// teeSource is the decoders' record source in a speculative read: it
// copies every record into chunks for the schema scan too.
type teeSource struct {
	src        *recordChain
	full, free chan *scanChunk
	done       chan struct{} // closed when the scan has ended
	cur        *scanChunk
	ended      bool
}

func (t *teeSource) Next() ([]byte, error) {
	start := t.src.n
	rec, err := t.src.Next()
	if t.ended {
		return rec, err
	}
	if t.cur == nil {
		select {
		case t.cur = <-t.free:
			t.cur.reset(start)
		case <-t.done:
			t.ended = true
			return rec, err
		}
	}
	c := t.cur
	if err != nil {
		c.err = err
	} else if c.add(rec) {
		return rec, nil
	}
	c.seal()
	t.cur = nil
	select {
	case t.full <- c:
	case <-t.done:
		t.ended = true
	}
	if err != nil {
		t.ended = true
	}
	return rec, err
}

// recordFile is one TFRecord input: name is what errors show, path what is
// opened (they differ for standard input spooled to a temporary file).
type recordFile struct {
	name, path string
}

// spoolStdin copies standard input, if it is among the inputs, to a
// temporary file so that it can be read twice.
func spoolStdin(files []recordFile, stdin io.Reader) ([]recordFile, func(), error) {
	cleanup := func() {}
	for i, f := range files {
		if f.path != fileset.Stdin {
			continue
		}
		tmp, err := os.CreateTemp("", "gobsl-stdin-*")
		if err != nil {
			return nil, nil, err
		}
		name := tmp.Name()
		cleanup = func() { os.Remove(name) }
		if _, err := io.Copy(tmp, stdin); err != nil {
			tmp.Close()
			cleanup()
			return nil, nil, fmt.Errorf("tfxio: reading standard input: %w", err)
		}
		if err := tmp.Close(); err != nil {
			cleanup()
			return nil, nil, err
		}
		files[i].path = name
		break // standard input can be read only once
	}
	return files, cleanup, nil
}

// scanSchema reads every record once and returns the schema that a
// schemaless decode of all of them produces. With more than one core (and
// workers other than 1), a goroutine reads and inflates the records while
// the caller scans them, so the first pass takes about as long as reading.
func scanSchema(ctx context.Context, files []recordFile, dec example.DecodeOptions, workers int) (*arrow.Schema, error) {
	sc, err := example.NewScanner(dec)
	if err != nil {
		return nil, err
	}
	src := &recordChain{files: files, opts: &ReadOptions{}}
	defer src.close()
	if workers == 1 || runtime.GOMAXPROCS(0) == 1 {
		if err := scanSerial(ctx, src, sc, -1); err != nil {
			return nil, err
		}
		return sc.ArrowSchema(), nil
	}
	return scanPipelined(ctx, src, sc)
}

// scanSerial scans the records of src one at a time, up to limit of them
// (all if limit is negative).
func scanSerial(ctx context.Context, src *recordChain, sc *example.Scanner, limit int) error {
	batch := make([][]byte, 1)
	for n := 0; n != limit; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		batch[0] = rec
		if err := sc.Scan(batch); err != nil {
			return scanError(src, src.n-1, err)
		}
	}
	return nil
}

// scanError turns a Scanner's error into a *RecordError with the failing
// record's position: a Scanner's *example.RecordError carries the index
// among all records scanned, which is the global index; other errors are
// placed at guess, the first record of the failing Scan.
func scanError(src *recordChain, guess int64, err error) error {
	var re *example.RecordError
	if errors.As(err, &re) {
		return src.locate(int64(re.Index), err)
	}
	return src.locate(guess, err)
}

// scanChunk is a run of records copied out of the reader.
type scanChunk struct {
	start int64 // global index of the first record
	buf   []byte
	ends  []int
	recs  [][]byte
	err   error // the reader's error after the records, io.EOF at the end
}

// scanChunkBytes is the size of a scanChunk's records.
const scanChunkBytes = 256 << 10

// newScanChunks returns the free list of a scan's three chunks.
func newScanChunks() chan *scanChunk {
	free := make(chan *scanChunk, 3)
	for range 3 {
		free <- &scanChunk{buf: make([]byte, 0, scanChunkBytes)}
	}
	return free
}

// reset empties the chunk for records from global index start on.
func (c *scanChunk) reset(start int64) {
	c.start, c.buf, c.ends, c.recs, c.err = start, c.buf[:0], c.ends[:0], c.recs[:0], nil
}

// add copies rec into the chunk; it reports whether there is room left.
func (c *scanChunk) add(rec []byte) bool {
	c.buf = append(c.buf, rec...)
	c.ends = append(c.ends, len(c.buf))
	return len(c.buf) < scanChunkBytes
}

// seal makes the records of the chunk, once it is complete.
func (c *scanChunk) seal() {
	from := 0
	for _, e := range c.ends {
		c.recs = append(c.recs, c.buf[from:e:e])
		from = e
	}
}

// scanPipelined reads chunks of records on a goroutine and scans them on
// the caller's.
func scanPipelined(ctx context.Context, src *recordChain, sc *example.Scanner) (*arrow.Schema, error) {
	ctx, cancel := context.WithCancel(ctx)
	full := make(chan *scanChunk, 2)
	free := newScanChunks()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(full)
		for {
			var c *scanChunk
			select {
			case c = <-free:
			case <-ctx.Done():
				return
			}
			c.reset(src.n)
			for {
				rec, err := src.Next()
				if err != nil {
					c.err = err
					break
				}
				if !c.add(rec) {
					break
				}
			}
			c.seal()
			full <- c // never blocks for long: the caller drains full until it is closed
			if c.err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range full {
		}
		<-done
	}()
	for c := range full {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := sc.Scan(c.recs); err != nil {
			return nil, scanError(src, c.start, err)
		}
		if c.err == io.EOF {
			return sc.ArrowSchema(), nil
		}
		if c.err != nil {
			return nil, c.err
		}
		free <- c
	}
	return nil, ctx.Err()
}

// recordChain yields the records of several TFRecord files in order, and
// remembers where each file starts so that errors can name a position.
type recordChain struct {
	files  []recordFile
	opts   *ReadOptions
	i      int
	cur    *tfrecord.Reader
	closer io.Closer
	n      int64 // records returned so far

	mu     sync.Mutex // guards starts: locate may run while a reader goroutine opens files
	starts []int64    // global index of each opened file's first record
}

func (c *recordChain) Next() ([]byte, error) {
	for {
		if c.cur == nil {
			if c.i == len(c.files) {
				return nil, io.EOF
			}
			if err := c.open(); err != nil {
				return nil, err
			}
		}
		rec, err := c.cur.Next()
		if err == nil {
			c.n++
			return rec, nil
		}
		if err != io.EOF {
			return nil, err
		}
		if err := c.closeCur(); err != nil {
			return nil, err
		}
		c.i++
	}
}

func (c *recordChain) open() error {
	f := c.files[c.i]
	r, closer, err := openFile(f.path, c.opts)
	if err != nil {
		return err
	}
	tr, err := tfrecord.NewReader(r, tfrecord.WithPath(f.name))
	if err != nil {
		closer.Close()
		return err
	}
	c.cur, c.closer = tr, closer
	c.mu.Lock()
	c.starts = append(c.starts, c.n)
	c.mu.Unlock()
	return nil
}

func (c *recordChain) closeCur() error {
	if c.cur == nil {
		return nil
	}
	err := c.cur.Close()
	if cerr := c.closer.Close(); err == nil {
		err = cerr
	}
	c.cur, c.closer = nil, nil
	return err
}

func (c *recordChain) close() { c.closeCur() }

// locate turns an error about the record with global index g into a
// *RecordError naming its file, index and byte offset. The offset is found
// by reading the file again up to that record: errors are rare, and this
// keeps the hot path free of bookkeeping.
func (c *recordChain) locate(g int64, err error) error {
	c.mu.Lock()
	k := len(c.starts) - 1
	for k > 0 && c.starts[k] > g {
		k--
	}
	var start int64
	if k >= 0 {
		start = c.starts[k]
	}
	c.mu.Unlock()
	if k < 0 {
		return err
	}
	f := c.files[k]
	local := g - start
	re := &RecordError{Path: f.name, Record: local, Offset: -1, Err: err}
	if f.path == fileset.Stdin {
		return re
	}
	r, ferr := tfrecord.Open(f.path)
	if ferr != nil {
		return re
	}
	defer r.Close()
	for i := int64(0); i <= local; i++ {
		if _, ferr := r.Next(); ferr != nil {
			return re
		}
	}
	re.Offset = r.Offset()
	return re
}

// tfrecordReader is the batch reader over a recordChain; it adds file
// positions to decoding errors and removes a spooled standard input.
type tfrecordReader struct {
	array.RecordReader
	refs    refs
	src     *recordChain
	cleanup func()
	spec    *speculation // nil unless reading with a provisional schema
	err     error
}

// Next, in a speculative read, stops as soon as the scan has found a
// schema other than the provisional one, and at the end (or at an error,
// which a column missing from the provisional schema may cause) waits for
// the scan's verdict: a stream ends only once its schema is confirmed.
func (r *tfrecordReader) Next() bool {
	if r.spec == nil || r.spec.confirmed {
		return r.RecordReader.Next()
	}
	if r.err != nil {
		return false
	}
	if r.spec.finished() {
		if err := r.spec.verdict(); err != nil {
			r.err = err
			return false
		}
	}
	if r.RecordReader.Next() {
		return true
	}
	// At the end, or at the decoders' error (a column missing from the
	// provisional schema may cause one): a changed schema explains
	// either; otherwise the decoders' error, with its position, stands.
	err := r.spec.verdict()
	var changed *SchemaChangedError
	if errors.As(err, &changed) || err != nil && r.RecordReader.Err() == nil {
		r.err = err
	}
	return false
}

func (r *tfrecordReader) Err() error {
	if r.err != nil {
		return r.err
	}
	err := r.RecordReader.Err()
	var re *example.RecordError
	if errors.As(err, &re) {
		err = r.src.locate(int64(re.Index), re.Err)
	}
	r.err = err
	return err
}

func (r *tfrecordReader) Retain() { r.refs.Retain() }

func (r *tfrecordReader) Release() {
	if !r.refs.release() {
		return
	}
	r.spec.stop()
	r.RecordReader.Release()
	// The batch reader owns the source; it has stopped reading once it is
	// released, so closing the source and the spool file is safe here.
	r.src.close()
	if r.cleanup != nil {
		r.cleanup()
		r.cleanup = nil
	}
}
