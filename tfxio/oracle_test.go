package tfxio

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
)

// Independent readers check our Parquet and Arrow IPC output: DuckDB
// (npm @duckdb/node-api) and Apache Arrow JS (npm apache-arrow), installed
// into oracles/ by scripts/test.sh. Expectations come from the source
// records parsed with the generated protos, not from our Arrow data.

// oracle returns the node script for name, or skips (fails when
// GOBSL_ORACLES=1 promises that the oracles are installed).
func oracle(t *testing.T, name string) (node, script string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "oracles"))
	if err != nil {
		t.Fatal(err)
	}
	node, err = exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules"))
	}
	if err != nil {
		if os.Getenv("GOBSL_ORACLES") == "1" {
			t.Fatalf("GOBSL_ORACLES=1 but the oracles are not installed: %v", err)
		}
		t.Skipf("oracles not installed (npm ci --prefix oracles): %v", err)
	}
	return node, filepath.Join(dir, name)
}

type oracleOutput struct {
	Columns []struct{ Name, Type string }
	Rows    []map[string]any
}

func runOracle(t *testing.T, node, script, path string) oracleOutput {
	t.Helper()
	cmd := exec.Command(node, script, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(script), path, err, stderr.String())
	}
	var o oracleOutput
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		t.Fatal(err)
	}
	return o
}

// expectedRows parses tf.Examples into name -> values (nil for missing).
func expectedRows(t *testing.T, recs [][]byte) (rows []map[string]*examplepb.Feature, kinds map[string]string) {
	kinds = map[string]string{}
	for _, r := range recs {
		var ex examplepb.Example
		if err := proto.Unmarshal(r, &ex); err != nil {
			t.Fatal(err)
		}
		feats := ex.GetFeatures().GetFeature()
		for name, f := range feats {
			switch f.GetKind().(type) {
			case *examplepb.Feature_Int64List:
				kinds[name] = "int"
			case *examplepb.Feature_FloatList:
				kinds[name] = "float"
			case *examplepb.Feature_BytesList:
				kinds[name] = "bytes"
			}
		}
		rows = append(rows, feats)
	}
	return rows, kinds
}

// checkValues compares one oracle cell with the source feature.
func checkValues(f *examplepb.Feature, got any, bytesAs func([]byte) any) error {
	if f.GetKind() == nil {
		if got != nil {
			return fmt.Errorf("got %v, want null", got)
		}
		return nil
	}
	list, ok := got.([]any)
	if !ok {
		return fmt.Errorf("got %v, want a list", got)
	}
	var want []any
	switch k := f.GetKind().(type) {
	case *examplepb.Feature_Int64List:
		for _, v := range k.Int64List.Value {
			want = append(want, strconv.FormatInt(v, 10))
		}
	case *examplepb.Feature_FloatList:
		for _, v := range k.FloatList.Value {
			want = append(want, v)
		}
	case *examplepb.Feature_BytesList:
		for _, v := range k.BytesList.Value {
			want = append(want, bytesAs(v))
		}
	}
	if len(list) != len(want) {
		return fmt.Errorf("got %d values %v, want %d %v", len(list), list, len(want), want)
	}
	for i := range list {
		if w, isFloat := want[i].(float32); isFloat {
			if err := sameFloat(w, list[i]); err != nil {
				return fmt.Errorf("value %d: %v", i, err)
			}
			continue
		}
		if fmt.Sprint(list[i]) != fmt.Sprint(want[i]) {
			return fmt.Errorf("value %d: got %v, want %v", i, list[i], want[i])
		}
	}
	return nil
}

func sameFloat(want float32, got any) error {
	switch g := got.(type) {
	case json.Number:
		f, err := g.Float64()
		if err != nil || math.Float32bits(float32(f)) != math.Float32bits(want) && !(want == 0 && f == 0) {
			return fmt.Errorf("got %v, want %v", g, want)
		}
		return nil
	case string:
		w := float64(want)
		if g == "NaN" && math.IsNaN(w) || g == "Infinity" && math.IsInf(w, 1) || g == "-Infinity" && math.IsInf(w, -1) {
			return nil
		}
	}
	return fmt.Errorf("got %v, want %v", got, want)
}

func TestOracles(t *testing.T) {
	recs := synth.Taxi(1500, 21)
	rows, kinds := expectedRows(t, recs)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord.gz")
	writeTFRecord(t, in, recs)
	tests := []struct {
		name, out, script string
		types             map[string]string
		bytesAs           func([]byte) any
	}{
		{
			name: "duckdb/parquet", out: "out.parquet", script: "duckdb.mjs",
			types:   map[string]string{"int": "BIGINT[]", "float": "FLOAT[]", "bytes": "BLOB[]"},
			bytesAs: func(b []byte) any { return duckBlob(b) },
		},
		{
			name: "arrowjs/file", out: "out.arrow", script: "arrowjs.mjs",
			types:   map[string]string{"int": "LargeList<Int64>", "float": "LargeList<Float32>", "bytes": "LargeList<LargeBinary>"},
			bytesAs: func(b []byte) any { return map[string]any{"base64": base64.StdEncoding.EncodeToString(b)} },
		},
		{
			name: "arrowjs/stream", out: "out.arrows", script: "arrowjs.mjs",
			types:   map[string]string{"int": "LargeList<Int64>", "float": "LargeList<Float32>", "bytes": "LargeList<LargeBinary>"},
			bytesAs: func(b []byte) any { return map[string]any{"base64": base64.StdEncoding.EncodeToString(b)} },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, script := oracle(t, tt.script)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			out := filepath.Join(dir, tt.out)
			if _, err := convert(t, mem, []string{in}, out, ReadOptions{BatchSize: 500}, WriteOptions{Force: true}); err != nil {
				t.Fatal(err)
			}
			got := runOracle(t, node, script, out)
			if len(got.Columns) != len(kinds) {
				t.Errorf("%d columns, want %d", len(got.Columns), len(kinds))
			}
			for _, c := range got.Columns {
				if want := tt.types[kinds[c.Name]]; c.Type != want {
					t.Errorf("column %s has type %s, want %s", c.Name, c.Type, want)
				}
			}
			if len(got.Rows) != len(rows) {
				t.Fatalf("%d rows, want %d", len(got.Rows), len(rows))
			}
			bad := 0
			for i, want := range rows {
				for name := range kinds {
					if err := checkValues(want[name], got.Rows[i][name], tt.bytesAs); err != nil {
						t.Errorf("row %d column %s: %v", i, name, err)
						if bad++; bad > 10 {
							t.FailNow()
						}
					}
				}
			}
		})
	}
}

// duckBlob is how DuckDB's JSON conversion shows a BLOB: printable ASCII
// as is, other bytes as \xHH.
func duckBlob(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, `\x%02X`, c)
		}
	}
	return s.String()
}
