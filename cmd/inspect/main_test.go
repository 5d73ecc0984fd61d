package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/tfrecord"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runCLI runs inspect with args in dir and returns its exit code and output.
func runCLI(t *testing.T, dir string, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, bytes.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func feature(v any) *examplepb.Feature {
	switch v := v.(type) {
	case []int64:
		return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
	case []float32:
		return &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: v}}}
	case [][]byte:
		return &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: v}}}
	}
	return &examplepb.Feature{} // kind not set
}

func exampleRecord(t *testing.T, feats map[string]*examplepb.Feature) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: feats}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureRecords are three tf.Examples covering every kind, a kind-unset
// feature, an empty list, special floats and non-UTF-8 bytes.
func fixtureRecords(t *testing.T) [][]byte {
	return [][]byte{
		exampleRecord(t, map[string]*examplepb.Feature{
			"age":   feature([]int64{29}),
			"name":  feature([][]byte{[]byte("ada")}),
			"score": feature([]float32{0.5, -2}),
		}),
		exampleRecord(t, map[string]*examplepb.Feature{
			"age":   feature(nil),
			"name":  feature([][]byte{{0xff, 0xfe}, []byte("<b>\"q\"")}),
			"score": feature([]float32{float32(math.Inf(1)), float32(math.NaN())}),
		}),
		exampleRecord(t, map[string]*examplepb.Feature{
			"age":  feature([]int64{math.MinInt64, math.MaxInt64}),
			"tags": feature([][]byte{}),
		}),
	}
}

func writeRecords(t *testing.T, path string, recs [][]byte, c tfrecord.Compression) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := tfrecord.NewWriter(f, tfrecord.WithWriterCompression(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// fixtureDir writes the fixture as data.tfrecord and data.tfrecord.gz.
func fixtureDir(t *testing.T) string {
	dir := t.TempDir()
	recs := fixtureRecords(t)
	writeRecords(t, filepath.Join(dir, "data.tfrecord"), recs, tfrecord.None)
	writeRecords(t, filepath.Join(dir, "data.tfrecord.gz"), recs, tfrecord.Gzip)
	return dir
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"count", []string{"count", "data.tfrecord", "data.tfrecord.gz"}, 0},
		{"count_json", []string{"count", "--json", "data.tfrecord*"}, 0},
		{"verify", []string{"verify", "data.tfrecord", "data.tfrecord.gz"}, 0},
		{"head_json", []string{"head", "-n", "2", "data.tfrecord.gz"}, 0},
		{"cat_flat", []string{"cat", "--format", "flat", "data.tfrecord"}, 0},
		{"cat_pbtxt", []string{"cat", "data.tfrecord", "--format=pbtxt"}, 0},
		{"head_raw", []string{"head", "-n", "1", "--record-type", "raw", "--format", "flat", "data.tfrecord"}, 0},
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fixtureDir(t)
			code, out, errOut := runCLI(t, dir, nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			t.Chdir(wd)
			golden(t, tt.name, out)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no command", nil, "Usage: inspect COMMAND"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"no files", []string{"count"}, "no input files"},
		{"bad flag", []string{"count", "--bogus", "x"}, "flag provided but not defined: -bogus"},
		{"bad format", []string{"cat", "--format", "xml", "x"}, `unknown format "xml"`},
		{"bad record type", []string{"cat", "--record-type", "csv", "x"}, `unknown record type "csv"`},
		{"negative n", []string{"head", "-n", "-1", "x"}, "-n must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", nil, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, name := range []string{"count", "verify", "cat", "head", "convert"} {
		code, out, _ := runCLI(t, "", nil, "help", name)
		if code != 0 || !strings.Contains(out, "Usage: inspect "+name) || !strings.Contains(out, "Examples:") {
			t.Errorf("help %s: exit %d, output:\n%s", name, code, out)
		}
		code, out, _ = runCLI(t, "", nil, name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: inspect "+name) {
			t.Errorf("%s --help: exit %d, output:\n%s", name, code, out)
		}
	}
}

func TestMissingFileIsDataError(t *testing.T) {
	code, _, errOut := runCLI(t, t.TempDir(), nil, "count", "nope.tfrecord")
	if code != exitData || !strings.Contains(errOut, "nope.tfrecord") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestStdin(t *testing.T) {
	dir := fixtureDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "data.tfrecord.gz"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", data, "count", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := `{"files":[{"path":"-","records":3}],"total":3}` + "\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestVerifyEveryByteFlip flips each byte of a file in turn: verify must
// exit 1 and name the offset of the damaged record.
func TestVerifyEveryByteFlip(t *testing.T) {
	dir := fixtureDir(t)
	orig, err := os.ReadFile(filepath.Join(dir, "data.tfrecord"))
	if err != nil {
		t.Fatal(err)
	}
	// Offsets of the records: each is 16 bytes of framing plus its data.
	var starts []int
	for off := 0; off < len(orig); {
		starts = append(starts, off)
		n := int(uint64(orig[off]) | uint64(orig[off+1])<<8)
		off += 16 + n
	}
	bad := filepath.Join(dir, "bad.tfrecord")
	for i := range orig {
		b := bytes.Clone(orig)
		b[i] ^= 0x40
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "", nil, "verify", "--json", bad)
		if code != exitData {
			t.Fatalf("byte %d flipped: exit %d, want 1; stdout %s stderr %s", i, code, out, errOut)
		}
		var rep struct {
			Files []fileReport `json:"files"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		rec := 0
		for rec+1 < len(starts) && starts[rec+1] <= i {
			rec++
		}
		p := rep.Files[0].Problems
		if len(p) != 1 || p[0].Offset != int64(starts[rec]) || p[0].Record != int64(rec) {
			t.Fatalf("byte %d flipped (record %d at %d): problems %+v", i, rec, starts[rec], p)
		}
	}
}
