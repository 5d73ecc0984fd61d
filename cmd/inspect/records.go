package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/tfrecord"
)

// Commands that walk TFRecord files record by record: count, verify, cat,
// head.

func init() {
	register(&command{
		name:    "count",
		args:    "FILE...",
		summary: "count the records of TFRecord files",
		help: `Counts the records of each file and prints a total. CRCs are checked;
a damaged file is an error (exit 1).

Examples:
  inspect count data.tfrecord.gz
  inspect count --json 'data/Split-*/*.gz'`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			asJSON := fs.Bool("json", false, `print {"files":[{"path":P,"records":N},...],"total":N}`)
			quiet := fs.Bool("quiet", false, "no progress display")
			return func(e *env, args []string) error { return runCount(e, args, *asJSON, *quiet) }
		},
	})
	register(&command{
		name:    "verify",
		args:    "FILE...",
		summary: "check every record's framing and CRCs",
		help: `Reads every record and checks the masked CRC-32C of its length and data.
Prints one line per problem with the file, record index, byte offset and
reason; exit 0 when every file is intact, 1 otherwise. Offsets are in the
decompressed stream for compressed files.

Without --salvage, checking a file stops at its first problem (TensorFlow
cannot read past it either). With --salvage, it scans forward for the next
intact record, reports the damaged region and carries on, so every problem
is listed and the records that can be recovered are counted.

Examples:
  inspect verify data.tfrecord
  inspect verify --salvage --json 'shards-?????-of-00010.gz'`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON report")
			salvage := fs.Bool("salvage", false, "after damage, resynchronise and continue")
			quiet := fs.Bool("quiet", false, "no progress display")
			return func(e *env, args []string) error { return runVerify(e, args, *asJSON, *salvage, *quiet) }
		},
	})
}

// files expands the command line's patterns.
func files(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, usagef("no input files")
	}
	return fileset.Expand(args...)
}

// totalSize is the sum of the sizes of the named files (0 for stdin).
func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && p != "-" {
			n += fi.Size()
		}
	}
	return n
}

// openRecords opens a TFRecord file ("-" is standard input) for reading.
// The returned close function closes the reader and the file.
func openRecords(e *env, p *progress, path string, opts ...tfrecord.ReaderOption) (*tfrecord.Reader, func() error, error) {
	var src io.Reader
	var f *os.File
	if path == "-" {
		src = e.stdin
	} else {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, nil, err
		}
		src = f
	}
	opts = append([]tfrecord.ReaderOption{tfrecord.WithPath(path)}, opts...)
	r, err := tfrecord.NewReader(p.reader(src), opts...)
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, nil, err
	}
	closeFn := func() error {
		err := r.Close()
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		return err
	}
	return r, closeFn, nil
}

type fileCount struct {
	Path    string `json:"path"`
	Records int64  `json:"records"`
}

func runCount(e *env, args []string, asJSON, quiet bool) error {
	paths, err := files(args)
	if err != nil {
		return err
	}
	p := startProgress(e.stderr, quiet, totalSize(paths))
	var counts []fileCount
	var total int64
	var firstErr error
	for _, path := range paths {
		n, err := countFile(e, p, path)
		if err != nil {
			p.stop()
			return err
		}
		counts = append(counts, fileCount{path, n})
		total += n
	}
	p.stop()
	if asJSON {
		out := struct {
			Files []fileCount `json:"files"`
			Total int64       `json:"total"`
		}{counts, total}
		if out.Files == nil {
			out.Files = []fileCount{}
		}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	width := len(fmt.Sprint(total))
	for _, c := range counts {
		if _, err := fmt.Fprintf(e.stdout, "%*d  %s\n", width, c.Records, c.Path); err != nil {
			return err
		}
	}
	if len(counts) > 1 {
		if _, err := fmt.Fprintf(e.stdout, "%*d  total\n", width, total); err != nil {
			return err
		}
	}
	return firstErr
}

func countFile(e *env, p *progress, path string) (int64, error) {
	r, closeFn, err := openRecords(e, p, path)
	if err != nil {
		return 0, err
	}
	defer closeFn()
	var n int64
	for {
		if err := e.ctx.Err(); err != nil {
			return n, err
		}
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				return n, closeFn()
			}
			return n, err
		}
		n++
		p.addRecords(1)
	}
}

type problem struct {
	Record  int64  `json:"record"`
	Offset  int64  `json:"offset"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type fileReport struct {
	Path     string `json:"path"`
	Records  int64  `json:"records"`
	OK       bool   `json:"ok"`
	Salvaged *struct {
		Bytes   int64 `json:"bytes"`
		Regions int64 `json:"regions"`
	} `json:"salvaged,omitempty"`
	Problems []problem `json:"problems"`
}

func runVerify(e *env, args []string, asJSON, salvage, quiet bool) error {
	paths, err := files(args)
	if err != nil {
		return err
	}
	p := startProgress(e.stderr, quiet, totalSize(paths))
	var reports []fileReport
	bad, total := 0, int64(0)
	for _, path := range paths {
		rep, err := verifyFile(e, p, path, salvage)
		if err != nil {
			p.stop()
			return err
		}
		if !rep.OK {
			bad++
		}
		total += rep.Records
		reports = append(reports, rep)
		if !asJSON {
			for _, pr := range rep.Problems {
				if _, err := fmt.Fprintf(e.stdout, "%s: record %d at offset %d: %s\n", path, pr.Record, pr.Offset, pr.Message); err != nil {
					p.stop()
					return err
				}
			}
		}
	}
	p.stop()
	if asJSON {
		out := struct {
			Files []fileReport `json:"files"`
			Total int64        `json:"total"`
			OK    bool         `json:"ok"`
		}{reports, total, bad == 0}
		if err := json.NewEncoder(e.stdout).Encode(out); err != nil {
			return err
		}
	} else if bad == 0 {
		if _, err := fmt.Fprintf(e.stdout, "ok: %d files, %d records intact\n", len(paths), total); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "FAILED: %d of %d files damaged (%d intact records read)\n", bad, len(paths), total)
	}
	if bad > 0 {
		return errReported
	}
	return nil
}

// verifyFile reads every record of one file. Damage is reported in the
// returned report; only a failure to open or an interruption is an error.
func verifyFile(e *env, p *progress, path string, salvage bool) (fileReport, error) {
	rep := fileReport{Path: path, OK: true, Problems: []problem{}}
	r, closeFn, err := openRecords(e, p, path, tfrecord.WithSalvage(salvage))
	if err != nil {
		var te *tfrecord.Error
		if errors.As(err, &te) {
			rep.OK = false
			rep.Problems = append(rep.Problems, problemOf(te))
			return rep, nil
		}
		return rep, err
	}
	defer closeFn()
	for {
		if err := e.ctx.Err(); err != nil {
			return rep, err
		}
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var te *tfrecord.Error
			if !errors.As(err, &te) {
				return rep, err
			}
			rep.OK = false
			pr := problemOf(te)
			if n := len(rep.Problems); n > 0 && rep.Problems[n-1] == pr {
				break // salvage made no progress
			}
			rep.Problems = append(rep.Problems, pr)
			if !salvage {
				break // TensorFlow cannot read past the first problem either
			}
			continue
		}
		rep.Records++
		p.addRecords(1)
	}
	if salvage {
		b, n := r.Salvaged()
		if b > 0 || n > 0 {
			rep.Salvaged = &struct {
				Bytes   int64 `json:"bytes"`
				Regions int64 `json:"regions"`
			}{b, n}
		}
	}
	return rep, nil
}

func problemOf(te *tfrecord.Error) problem {
	return problem{Record: te.Record, Offset: te.Offset, Reason: te.Reason.String(), Message: te.Error()}
}
