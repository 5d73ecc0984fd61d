package tfxio

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// tfmdFromArrow builds the TFMD schema whose decoding gives s (test
// helper: list<int64> INT, list<float32> FLOAT, list<binary> BYTES, struct
// STRUCT).
func tfmdFromArrow(t *testing.T, s *arrow.Schema) *metadatapb.Schema {
	t.Helper()
	var feature func(f arrow.Field, depth int) *metadatapb.Feature
	feature = func(f arrow.Field, depth int) *metadatapb.Feature {
		ft := &metadatapb.Feature{Name: proto.String(f.Name)}
		typ := f.Type
		if st, ok := typ.(*arrow.StructType); ok {
			ft.Type = metadatapb.FeatureType_STRUCT.Enum()
			sd := &metadatapb.StructDomain{}
			for _, c := range st.Fields() {
				if c.Type.(*arrow.LargeListType).Elem().ID() == arrow.NULL {
					continue
				}
				sd.Feature = append(sd.Feature, feature(c, 2))
			}
			ft.DomainInfo = &metadatapb.Feature_StructDomain{StructDomain: sd}
			return ft
		}
		for range depth {
			typ = typ.(*arrow.LargeListType).Elem()
		}
		switch typ.ID() {
		case arrow.INT64:
			ft.Type = metadatapb.FeatureType_INT.Enum()
		case arrow.FLOAT32:
			ft.Type = metadatapb.FeatureType_FLOAT.Enum()
		default:
			ft.Type = metadatapb.FeatureType_BYTES.Enum()
		}
		return ft
	}
	out := &metadatapb.Schema{}
	for _, f := range s.Fields() {
		if f.Type.ID() == arrow.NULL {
			continue // never typed: a TFMD schema cannot name it
		}
		out.Feature = append(out.Feature, feature(f, 1))
	}
	return out
}

// TestJSONLRoundTrip: TFRecord -> JSON lines -> TFRecord keeps every record,
// with a schema where JSON loses types (2.0 reads as an integer).
func TestJSONLRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rt   example.RecordType
		recs [][]byte
	}{
		{"taxi", example.Example, synth.Taxi(800, 11)},
		{"edge", example.Example, synth.Edge()},
		{"longlists", example.Example, synth.LongLists(10, 12)},
		{"sequence", example.SequenceExample, synth.Sequence(200, 13)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			in := filepath.Join(dir, "in.tfrecord")
			writeTFRecord(t, in, tt.recs)
			mid := filepath.Join(dir, "mid.jsonl")
			if _, err := convert(t, mem, []string{in}, mid, ReadOptions{RecordType: tt.rt}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			r, err := Open(context.Background(), []string{in}, ReadOptions{RecordType: tt.rt, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			schema := tfmdFromArrow(t, r.Schema())
			r.Release()
			back := filepath.Join(dir, "back.tfrecord")
			ro := ReadOptions{RecordType: tt.rt, Schema: schema}
			if _, err := convert(t, mem, []string{mid}, back, ro, WriteOptions{RecordType: tt.rt}); err != nil {
				t.Fatal(err)
			}
			sameMeaning(t, tt.rt, tt.recs, readTFRecord(t, back), lossy{nanPayloads: true, untypedLists: true})
		})
	}
}

func TestJSONLInferred(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	lines := `{"a": 1, "b": [1.5, "NaN"], "c": "x", "d": null, "e": [[1], [2, 3]], "##SEQUENCE##": {"s": [[1.5], null, []]}}

{"a": [2, 3], "b": 2, "c": {"base64": "/w=="}, "##SEQUENCE##": {"s": [], "t": [null]}}
`
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(context.Background(), []string{in}, ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	want := "schema:\n  fields: 6\n" +
		"    - a: type=large_list<item: int64, nullable>, nullable\n" +
		"    - b: type=large_list<item: float32, nullable>, nullable\n" +
		"    - c: type=large_list<item: large_binary, nullable>, nullable\n" +
		"    - d: type=null, nullable\n" +
		"    - e: type=large_list<item: large_list<item: int64, nullable>, nullable>, nullable\n" +
		"    - ##SEQUENCE##: type=struct<s: large_list<item: large_list<item: float32, nullable>, nullable> nullable, t: large_list<item: null, nullable> nullable>, nullable"
	if got := r.Schema().String(); got != want {
		t.Errorf("schema\n%s\nwant\n%s", got, want)
	}
	var rows int64
	for r.Next() {
		rows += r.RecordBatch().NumRows()
	}
	if err := r.Err(); err != nil || rows != 2 {
		t.Errorf("rows %d, err %v", rows, err)
	}
}

func TestJSONLErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"not an object", "{\"a\": 1}\n[1]\n", "line 2"},
		{"mixed", "{\"a\": 1}\n{\"a\": \"x\"}\n", `line 2, column "a": mixes numbers and strings`},
		{"bad json", "{\"a\": 1}\n\n{\"a\": }\n", "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			in := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(in, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Open(context.Background(), []string{in}, ReadOptions{Allocator: mem})
			if err == nil {
				for r.Next() {
				}
				err = r.Err()
				r.Release()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "in.jsonl") {
				t.Errorf("err = %v, want one naming the file and %q", err, tt.want)
			}
		})
	}
}
