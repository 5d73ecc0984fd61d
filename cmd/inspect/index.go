package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/gobsl/gobsl/fileset"
)

func init() {
	register(&command{
		name:    "index",
		args:    "FILE...",
		summary: "write a .index file of record offsets for each TFRecord file",
		help: `Writes FILE.index next to each TFRecord file: one line per record with its
byte offset and its length including the 16 bytes of framing, separated by a
space: the format of the Python tfrecord package's tfrecord2idx. 'inspect
head --skip N' and 'inspect cat --skip N' use it to seek straight to record
N of an uncompressed file. For compressed files the offsets are in the
decompressed stream (usable only by reading through).

Examples:
  inspect index data.tfrecord
  inspect index 'shards-?????-of-00010'`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			quiet := fs.Bool("quiet", false, "no progress display")
			return func(e *env, args []string) error { return runIndex(e, args, *quiet) }
		},
	})
}

func runIndex(e *env, args []string, quiet bool) error {
	paths, err := files(args)
	if err != nil {
		return err
	}
	p := startProgress(e.stderr, quiet, totalSize(paths))
	defer p.stop()
	for _, path := range paths {
		if path == fileset.Stdin {
			return usagef("index needs files, not standard input")
		}
		if err := indexFile(e, p, path); err != nil {
			return err
		}
	}
	return nil
}

func indexFile(e *env, p *progress, path string) error {
	r, closeFn, err := openRecords(e, p, path)
	if err != nil {
		return err
	}
	defer closeFn()
	out, err := fileset.Create(path+".index", true)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	var line []byte
	for {
		if err := e.ctx.Err(); err != nil {
			out.Abort()
			return err
		}
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Abort()
			return err
		}
		line = strconv.AppendInt(line[:0], r.Offset(), 10)
		line = append(line, ' ')
		line = strconv.AppendInt(line, int64(len(rec))+16, 10)
		line = append(line, '\n')
		w.Write(line)
		p.addRecords(1)
	}
	if err := w.Flush(); err != nil {
		out.Abort()
		return fmt.Errorf("writing %s.index: %w", path, err)
	}
	return out.Commit()
}
