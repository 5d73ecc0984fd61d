package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/jsonl"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

// cat and head: print records of any format.

func init() {
	for _, c := range []struct{ name, summary string }{
		{"cat", "print every record of any format"},
		{"head", "print the first records of any format"},
	} {
		name := c.name
		register(&command{
			name:    name,
			args:    "FILE...",
			summary: c.summary,
			help: `Formats (--format; default table on a terminal, json on a pipe):
  table   an aligned text table, one row per record, long cells cut.
  json    TFRecord: the proto3 canonical JSON of each record, one per line
          (what Python's json_format.MessageToJson gives, compacted):
          camelCase names, int64 values as strings, bytes as base64.
          Other formats: one JSON object per row, as flat.
  flat    one JSON object per record: {"feature":[values],...}, names sorted;
          int64 and float values as numbers (NaN and infinities as the
          strings "NaN", "Infinity", "-Infinity"), bytes as a string when
          they are valid UTF-8, else as {"base64":"..."}; a feature with no
          kind set is null. SequenceExample feature lists are under
          "##SEQUENCE##" as lists of lists. This is also the JSON lines
          format that convert reads and writes (.jsonl).
  pbtxt   TFRecord only: protobuf text format as protoc --decode prints it,
          each record after a "# record N" comment (unknown fields left out).

Record types (--record-type): auto tells tf.Example, tf.SequenceExample and
other bytes apart record by record; raw prints every record as bytes
({"raw":...} in json and flat).

--skip N starts at record N. For an uncompressed TFRecord file with an
index (see 'inspect index'), it seeks straight there.

Examples:
  inspect head -n 3 data.tfrecord.gz
  inspect cat --format flat 'data/*.gz' | jq .age
  inspect head --format pbtxt --record-type sequence_example seq.tfrecord
  inspect head --skip 100000 -n 1 big.tfrecord     # fast with big.tfrecord.index
  inspect head train.parquet`,
			flags: func(fs *flag.FlagSet) func(*env, []string) error {
				var o showFlags
				fs.Int64Var(&o.n, "n", 10, "number of records to print (head only; cat prints all)")
				fs.StringVar(&o.format, "format", "", "output format: table, json, flat or pbtxt (default table on a terminal, else json)")
				fs.StringVar(&o.recordType, "record-type", "auto", "TFRecord payload: auto, example, sequence_example or raw")
				fs.StringVar(&o.from, "from", "", "input format (default: by extension)")
				fs.Int64Var(&o.skip, "skip", 0, "skip the first N records")
				fs.StringVar(&o.schema, "schema", "", "TFMD schema for decoding TFRecord in table format, or JSON lines")
				return func(e *env, args []string) error {
					o.limit = -1
					if name == "head" {
						if o.n < 0 {
							return usagef("-n must not be negative")
						}
						o.limit = o.n
					}
					if o.skip < 0 {
						return usagef("--skip must not be negative")
					}
					return runShow(e, args, &o)
				}
			},
		})
	}
}

type showFlags struct {
	n, limit, skip                   int64
	format, recordType, from, schema string
}

func runShow(e *env, args []string, o *showFlags) error {
	switch o.format {
	case "", "table", "json", "flat", "pbtxt":
	default:
		return usagef("unknown format %q (want table, json, flat or pbtxt)", o.format)
	}
	typ, err := parseRecordType(o.recordType)
	if err != nil {
		return err
	}
	paths, err := files(args)
	if err != nil {
		return err
	}
	inFormat := tfxio.TFRecord
	if o.from != "" {
		if inFormat, err = tfxio.ParseFormat(o.from); err != nil {
			return usagef("%v", err)
		}
	} else if paths[0] != fileset.Stdin {
		if inFormat, err = tfxio.DetectFormat(paths[0]); err != nil {
			return err
		}
	}
	format := o.format
	if format == "" {
		format = "json"
		if isTerminal(e.stdout) {
			format = "table"
		}
	}
	var s *metadatapb.Schema
	if o.schema != "" {
		if s, err = schema.Load(o.schema); err != nil {
			return err
		}
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	defer w.Flush()
	switch {
	case format == "table":
		err = showTable(e, w, paths, inFormat, typ, s, o)
	case inFormat == tfxio.TFRecord:
		f, ferr := newFormatter(format)
		if ferr != nil {
			return ferr
		}
		err = showRecords(e, w, f, typ, paths, o)
	case format == "json" || format == "flat":
		err = showRows(e, w, paths, inFormat, s, o)
	default:
		return usagef("--format %s is for TFRecord input; use table, json or flat", format)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// showRecords prints TFRecord records one by one.
func showRecords(e *env, w *bufio.Writer, f formatter, typ recordType, paths []string, o *showFlags) error {
	shown, skip := int64(0), o.skip
	return eachRecord(e, paths, &skip, func(path string, index, offset int64, rec []byte) (bool, error) {
		if o.limit >= 0 && shown >= o.limit {
			return false, nil
		}
		if err := f(w, rec, typ, index); err != nil {
			var re *recordErr
			if errors.As(err, &re) {
				return false, fmt.Errorf("%s: record %d at offset %d: %w", path, index, offset, re.err)
			}
			return false, err
		}
		shown++
		if w.Buffered() > 32<<10 {
			return true, w.Flush()
		}
		return true, nil
	})
}

// eachRecord calls fn with every record of the files after the first
// *skip, until fn returns false. Indexes seek past skipped records where
// they can.
func eachRecord(e *env, paths []string, skip *int64, fn func(path string, index, offset int64, rec []byte) (bool, error)) error {
	for _, path := range paths {
		more, err := eachFileRecord(e, path, skip, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func eachFileRecord(e *env, path string, skip *int64, fn func(string, int64, int64, []byte) (bool, error)) (bool, error) {
	var src io.Reader = e.stdin
	var base, baseOff int64
	if path != fileset.Stdin {
		f, err := os.Open(path)
		if err != nil {
			return false, err
		}
		defer f.Close()
		src = f
		if *skip > 0 && tfrecord.CompressionFromPath(path) == tfrecord.None {
			if n, off, ok := seekIndex(path, *skip); ok {
				if _, err := f.Seek(off, io.SeekStart); err != nil {
					return false, err
				}
				base, baseOff = n, off
				*skip -= n
			}
		}
	}
	opts := []tfrecord.ReaderOption{tfrecord.WithPath(path)}
	if base > 0 {
		opts = append(opts, tfrecord.WithCompression(tfrecord.None))
	}
	r, err := tfrecord.NewReader(src, opts...)
	if err != nil {
		return false, err
	}
	defer r.Close()
	for {
		if err := e.ctx.Err(); err != nil {
			return false, err
		}
		rec, err := r.Next()
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if *skip > 0 {
			*skip--
			continue
		}
		more, err := fn(path, base+r.Index(), baseOff+r.Offset(), rec)
		if err != nil || !more {
			return false, err
		}
	}
}

// seekIndex reads path's .index file (see 'inspect index') and returns how
// many records to skip directly and the byte offset to seek to.
func seekIndex(path string, skip int64) (records, offset int64, ok bool) {
	f, err := os.Open(path + ".index")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	fi, err1 := f.Stat()
	di, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || fi.ModTime().Before(di.ModTime()) {
		return 0, 0, false // stale index: read through instead
	}
	sc := bufio.NewScanner(f)
	var n, end int64
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			return 0, 0, false
		}
		off, err1 := strconv.ParseInt(fields[0], 10, 64)
		length, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, 0, false
		}
		if n == skip {
			return n, off, true
		}
		n, end = n+1, off+length
	}
	return n, end, sc.Err() == nil
}

// showRows prints the rows of non-TFRecord inputs as JSON lines.
func showRows(e *env, w *bufio.Writer, paths []string, format tfxio.Format, s *metadatapb.Schema, o *showFlags) error {
	r, err := tfxio.Open(e.ctx, paths, tfxio.ReadOptions{Format: format, Schema: s, Stdin: e.stdin})
	if err != nil {
		return err
	}
	defer r.Release()
	var line []byte
	shown, skip := int64(0), o.skip
	for r.Next() {
		rb := r.RecordBatch()
		for i := 0; i < int(rb.NumRows()); i++ {
			if skip > 0 {
				skip--
				continue
			}
			if o.limit >= 0 && shown >= o.limit {
				return nil
			}
			line = append(jsonl.AppendRow(line[:0], rb, i), '\n')
			if _, err := w.Write(line); err != nil {
				return err
			}
			shown++
		}
	}
	return r.Err()
}

// showTable prints rows as aligned tables of up to tableChunk rows each.
func showTable(e *env, w *bufio.Writer, paths []string, format tfxio.Format, typ recordType, s *metadatapb.Schema, o *showFlags) error {
	t := &table{w: w}
	if format == tfxio.TFRecord {
		// Decode the records shown, a chunk at a time, without a pass over
		// the whole input first.
		dec := example.DecodeOptions{Schema: s}
		if typ == typeSequenceExample {
			dec.RecordType = example.SequenceExample
		}
		var chunk [][]byte
		var first int64
		flush := func() error {
			if len(chunk) == 0 {
				return nil
			}
			d, err := dec.NewDecoder()
			if err != nil {
				return err
			}
			rb, err := d.Decode(chunk)
			if err != nil {
				var re *example.RecordError
				if errors.As(err, &re) {
					return fmt.Errorf("record %d: %w", first+int64(re.Index), re.Err)
				}
				return err
			}
			defer rb.Release()
			chunk = chunk[:0]
			return t.print(rb, 0, int(rb.NumRows()))
		}
		shown, skip := int64(0), o.skip
		err := eachRecord(e, paths, &skip, func(_ string, index, _ int64, rec []byte) (bool, error) {
			if o.limit >= 0 && shown >= o.limit {
				return false, nil
			}
			if len(chunk) == 0 {
				first = index
			}
			chunk = append(chunk, append([]byte(nil), rec...))
			shown++
			if len(chunk) == tableChunk {
				return true, flush()
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		return flush()
	}
	r, err := tfxio.Open(e.ctx, paths, tfxio.ReadOptions{Format: format, Schema: s, Stdin: e.stdin})
	if err != nil {
		return err
	}
	defer r.Release()
	shown, skip := int64(0), o.skip
	for r.Next() {
		rb := r.RecordBatch()
		from := 0
		if skip > 0 {
			n := min(skip, rb.NumRows())
			from, skip = int(n), skip-n
		}
		for from < int(rb.NumRows()) {
			if o.limit >= 0 && shown >= o.limit {
				return nil
			}
			to := min(int(rb.NumRows()), from+tableChunk)
			if o.limit >= 0 {
				to = min(to, from+int(o.limit-shown))
			}
			if err := t.print(rb, from, to); err != nil {
				return err
			}
			shown += int64(to - from)
			from = to
		}
	}
	return r.Err()
}

const (
	tableChunk = 1000 // rows per table
	cellWidth  = 40   // longest cell shown
)

type table struct {
	w       *bufio.Writer
	printed bool
}

// print prints rows [from, to) of rb as one table.
func (t *table) print(rb arrow.RecordBatch, from, to int) error {
	cols := int(rb.NumCols())
	cells := make([][]string, 0, to-from+1)
	head := make([]string, cols)
	for c := range cols {
		head[c] = cut(rb.ColumnName(c))
	}
	cells = append(cells, head)
	var buf []byte
	for i := from; i < to; i++ {
		row := make([]string, cols)
		for c := range cols {
			buf = jsonl.AppendValue(buf[:0], rb.Column(c), i)
			row[c] = cut(string(buf))
		}
		cells = append(cells, row)
	}
	widths := make([]int, cols)
	for _, row := range cells {
		for c, s := range row {
			widths[c] = max(widths[c], len([]rune(s)))
		}
	}
	if t.printed {
		t.w.WriteByte('\n')
	}
	t.printed = true
	for r, row := range cells {
		for c, s := range row {
			if c > 0 {
				t.w.WriteString("  ")
			}
			t.w.WriteString(s)
			if c < cols-1 {
				t.w.WriteString(strings.Repeat(" ", widths[c]-len([]rune(s))))
			}
		}
		t.w.WriteByte('\n')
		if r == 0 {
			for c := range cols {
				if c > 0 {
					t.w.WriteString("  ")
				}
				t.w.WriteString(strings.Repeat("-", widths[c]))
			}
			t.w.WriteByte('\n')
		}
	}
	return t.w.Flush()
}

func cut(s string) string {
	r := []rune(s)
	if len(r) <= cellWidth {
		return s
	}
	return string(r[:cellWidth-1]) + "…"
}
