package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

func TestConvert(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord.gz")
	writeRecords(t, in, synth.Taxi(300, 1), tfrecord.Gzip)
	schema := filepath.Join(dir, "schema.pbtxt")
	if err := os.WriteFile(schema, []byte(`
feature { name: "fare" type: FLOAT }
feature { name: "company" type: BYTES }
feature { name: "trip_start_hour" type: INT }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		args     []string
		code     int
		contains string // in stderr
	}{
		{"to arrow", []string{"convert", in, "mid.arrow"}, 0, ""},
		{"refuses to overwrite", []string{"convert", in, "mid.arrow"}, 1, "exists"},
		{"force", []string{"convert", "--force", in, "mid.arrow"}, 0, ""},
		{"to stream with schema", []string{"convert", "--schema", schema, in, "mid.arrows"}, 0, ""},
		{"back to tfrecord", []string{"convert", "mid.arrow", "back.tfrecord"}, 0, ""},
		{"sharded", []string{"convert", "--shards", "3", "mid.arrows", "sh.tfrecord.zst"}, 0, ""},
		{"bad format", []string{"convert", "--to", "xml", in, "x"}, 2, "unknown format"},
		{"one argument", []string{"convert", in}, 2, "need at least one input and an output"},
		{"unknown extension", []string{"convert", in, "out.xlsx"}, 1, "cannot tell the format"},
	}
	for _, s := range steps {
		code, _, errOut := runCLI(t, dir, nil, s.args...)
		if code != s.code || !strings.Contains(errOut, s.contains) {
			t.Fatalf("%s: exit %d (want %d), stderr %q (want %q)", s.name, code, s.code, errOut, s.contains)
		}
	}
	// The round trip keeps every record; the shards hold them all.
	for _, c := range []struct {
		pattern string
		want    string
	}{
		{"back.tfrecord", "300"},
		{"sh.tfrecord-?????-of-00003.zst", "300"},
	} {
		code, out, errOut := runCLI(t, dir, nil, "count", "--json", c.pattern)
		if code != 0 || !strings.Contains(out, `"total":`+c.want) {
			t.Errorf("count %s: exit %d, %s %s", c.pattern, code, out, errOut)
		}
	}
	_, before, _ := runCLI(t, dir, nil, "cat", "--format", "flat", in)
	_, after, _ := runCLI(t, dir, nil, "cat", "--format", "flat", "back.tfrecord")
	if strings.Count(before, "\n") != 300 || len(after) < len(before) {
		t.Errorf("flat output before %d bytes, after %d bytes", len(before), len(after))
	}
}

func TestConvertBadRecordIsDataError(t *testing.T) {
	dir := t.TempDir()
	recs := synth.Taxi(20, 1)
	recs[13] = []byte{0x0a, 0x05}
	writeRecords(t, filepath.Join(dir, "in.tfrecord"), recs, tfrecord.None)
	code, _, errOut := runCLI(t, dir, nil, "convert", "in.tfrecord", "out.arrow")
	if code != exitData || !strings.Contains(errOut, "in.tfrecord: record 13 at offset") || !strings.Contains(errOut, "Unable to parse example.") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.arrow")); !os.IsNotExist(err) {
		t.Errorf("partial output left behind: %v", err)
	}
}

// TestConvertLateColumn: schemaless input whose last record, far beyond
// the records that give convert its provisional schema, adds a column:
// the output (written twice, the first attempt discarded) has it.
func TestConvertLateColumn(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord.gz")
	recs := append(synth.Taxi(9000, 2), exampleRecord(t, map[string]*examplepb.Feature{"zz_late": feature([]int64{7})}))
	writeRecords(t, in, recs, tfrecord.Gzip)
	for _, workers := range []string{"1", "2", "stdin"} {
		out := "out" + workers + ".parquet"
		args := []string{"convert", "--workers", workers, in, out}
		var stdin []byte
		if workers == "stdin" {
			// Standard input can be read only once: a second attempt
			// would read nothing.
			var err error
			if stdin, err = os.ReadFile(in); err != nil {
				t.Fatal(err)
			}
			args = []string{"convert", "--from", "tfrecord", "-", out}
		}
		if code, _, errOut := runCLI(t, dir, stdin, args...); code != 0 {
			t.Fatalf("convert --workers %s: exit %d: %s", workers, code, errOut)
		}
		r, err := tfxio.Open(context.Background(), []string{filepath.Join(dir, out)}, tfxio.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rows, late := int64(0), 0
		for r.Next() {
			rb := r.RecordBatch()
			rows += rb.NumRows()
			idx := rb.Schema().FieldIndices("zz_late")
			if len(idx) == 0 {
				t.Fatalf("--workers %s: output lacks the late column: %v", workers, rb.Schema())
			}
			late += rb.Column(idx[0]).Len() - rb.Column(idx[0]).NullN()
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Release()
		if rows != 9001 || late != 1 {
			t.Errorf("--workers %s: %d rows (want 9001), %d late values (want 1)", workers, rows, late)
		}
		if names, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(names) > 0 {
			t.Errorf("temporary files left: %v", names)
		}
	}
}
