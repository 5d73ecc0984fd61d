package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/gobsl/gobsl/tfrecord"
)

// cat and head: print records.

func init() {
	for _, c := range []struct{ name, summary, args string }{
		{"cat", "print every record", "FILE..."},
		{"head", "print the first records", "FILE..."},
	} {
		name := c.name
		register(&command{
			name:    name,
			args:    c.args,
			summary: c.summary,
			help: `Formats (--format):
  json    the proto3 canonical JSON of each record, one per line (what
          Python's json_format.MessageToJson gives, compacted): camelCase
          field names, int64 values as strings, bytes as base64.
  flat    one JSON object per record: {"feature":[values],...}, names sorted;
          int64 and float values as numbers (NaN and infinities as the
          strings "NaN", "Infinity", "-Infinity"), bytes as a string when
          they are valid UTF-8, else as {"base64":"..."}; a feature with no
          kind set is null. SequenceExample feature lists are under
          "##SEQUENCE##" as lists of lists.
  pbtxt   protobuf text format, each record after a "# record N" comment.

Record types (--record-type): auto tells tf.Example, tf.SequenceExample and
other bytes apart record by record; raw prints every record as bytes
({"raw":...} in json and flat).

Examples:
  inspect head -n 3 data.tfrecord.gz
  inspect cat --format flat 'data/*.gz' | jq .age
  inspect head --format pbtxt --record-type sequence_example seq.tfrecord`,
			flags: func(fs *flag.FlagSet) func(*env, []string) error {
				n := fs.Int("n", 10, "number of records to print (head only; cat prints all)")
				format := fs.String("format", "json", "output format: json, flat or pbtxt")
				rt := fs.String("record-type", "auto", "auto, example, sequence_example or raw")
				return func(e *env, args []string) error {
					limit := int64(-1)
					if name == "head" {
						if *n < 0 {
							return usagef("-n must not be negative")
						}
						limit = int64(*n)
					}
					return runShow(e, args, limit, *format, *rt)
				}
			},
		})
	}
}

func runShow(e *env, args []string, limit int64, format, rt string) error {
	f, err := newFormatter(format)
	if err != nil {
		return err
	}
	typ, err := parseRecordType(rt)
	if err != nil {
		return err
	}
	paths, err := files(args)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	var shown int64
	for _, path := range paths {
		if limit >= 0 && shown >= limit {
			break
		}
		err := showFile(e, w, f, typ, path, limit, &shown)
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func showFile(e *env, w *bufio.Writer, f formatter, typ recordType, path string, limit int64, shown *int64) error {
	r, closeFn, err := openRecords(e, nil, path)
	if err != nil {
		return err
	}
	defer closeFn()
	for limit < 0 || *shown < limit {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(w, rec, typ, r.Index()); err != nil {
			var re *recordErr
			if errors.As(err, &re) {
				return fmt.Errorf("%s: record %d at offset %d: %w", path, r.Index(), r.Offset(), re.err)
			}
			return err
		}
		*shown++
		if w.Buffered() > 32<<10 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ = tfrecord.None
