package tfxio

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tensors"
)

// tensorRecords are three tf.Examples:
//
//	a: [1 2]  f: [0.5]  s: ["x"]
//	a: []     f: [1.5]  s: ["yy" "z"]
//	a: [3]    f: [2.5]  (no s)
func tensorRecords(t *testing.T) [][]byte {
	ints := func(v ...int64) *examplepb.Feature {
		return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
	}
	floats := func(v ...float32) *examplepb.Feature {
		return &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: v}}}
	}
	strs := func(v ...string) *examplepb.Feature {
		var b [][]byte
		for _, s := range v {
			b = append(b, []byte(s))
		}
		return &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: b}}}
	}
	var recs [][]byte
	for _, fs := range []map[string]*examplepb.Feature{
		{"a": ints(1, 2), "f": floats(0.5), "s": strs("x")},
		{"a": ints(), "f": floats(1.5), "s": strs("yy", "z")},
		{"a": ints(3), "f": floats(2.5)},
	} {
		b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: fs}})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, b)
	}
	return recs
}

// convertTensors converts in to out with tfxio, in batches of two.
func convertTensors(t *testing.T, in, out string, s *metadatapb.Schema) error {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := Open(context.Background(), []string{in}, ReadOptions{Schema: s, BatchSize: 2, Allocator: mem})
	if err != nil {
		return err
	}
	defer r.Release()
	w, err := Create(out, r.Schema(), WriteOptions{Schema: s, Allocator: mem})
	if err != nil {
		return err
	}
	if _, err := Copy(context.Background(), w, r); err != nil {
		w.Abort()
		return err
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists before Close: %v", out, err)
	}
	return w.Close()
}

// numpy reads a tensor file with the NumPy oracle of package tensors, or
// skips.
func numpy(t *testing.T, mode, path string) map[string]any {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("GOBSL_ORACLES") == "1" {
			t.Fatalf("GOBSL_ORACLES=1 but %s cannot import numpy: %v", py, err)
		}
		t.Skipf("no NumPy: %v", err)
	}
	out, err := exec.Command(py, filepath.Join("..", "tensors", "testdata", "oracle.py"), mode, path).Output()
	if err != nil {
		t.Fatalf("oracle.py: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	// The values are what matter here; the npz headers are checked in
	// package tensors.
	for _, v := range got {
		if m, ok := v.(map[string]any); ok {
			delete(m, "header_as_np_save")
		}
	}
	return got
}

func decodeJSON(t *testing.T, m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = x
	}
	return out
}

func TestTensorsOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, tensorRecords(t))
	var s metadatapb.Schema
	if err := prototext.Unmarshal([]byte(`
		feature { name: "a" type: INT }
		feature { name: "f" type: FLOAT shape { dim { size: 1 } } presence { min_fraction: 1 } }
		feature { name: "s" type: BYTES }
		tensor_representation_group { key: "" value { tensor_representation { key: "a_ragged" value { ragged_tensor { feature_path { step: "a" } } } } } }`), &s); err != nil {
		t.Fatal(err)
	}

	// Without a schema every feature is a varlen sparse tensor.
	schemaless := filepath.Join(dir, "schemaless.npz")
	if err := convertTensors(t, in, schemaless, nil); err != nil {
		t.Fatal(err)
	}
	want := decodeJSON(t, map[string]string{
		"a.indices":     `{"dtype":"<i8","shape":[3,2],"values":[[0,0],[0,1],[2,0]]}`,
		"a.values":      `{"dtype":"<i8","shape":[3],"values":[1,2,3]}`,
		"a.dense_shape": `{"dtype":"<i8","shape":[2],"values":[3,2]}`,
		"f.indices":     `{"dtype":"<i8","shape":[3,2],"values":[[0,0],[1,0],[2,0]]}`,
		"f.values":      `{"dtype":"<f4","shape":[3],"values":[0.5,1.5,2.5]}`,
		"f.dense_shape": `{"dtype":"<i8","shape":[2],"values":[3,1]}`,
		"s.indices":     `{"dtype":"<i8","shape":[3,2],"values":[[0,0],[1,0],[1,1]]}`,
		"s.values":      `{"dtype":"|S2","shape":[3],"values":["x","yy","z"]}`,
		"s.dense_shape": `{"dtype":"<i8","shape":[2],"values":[3,2]}`,
	})
	if diff := cmp.Diff(want, numpy(t, "npz", schemaless)); diff != "" {
		t.Errorf("schemaless npz (-want +got):\n%s", diff)
	}

	// With the schema: the explicit ragged tensor reads a (which then has
	// no tensor of its own), f is dense.
	withSchema := filepath.Join(dir, "schema.safetensors")
	if err := convertTensors(t, in, withSchema, &s); err != nil {
		t.Fatal(err)
	}
	want = decodeJSON(t, map[string]string{
		"__metadata__":        `{"s.values.shape":"[3]"}`,
		"a_ragged.values":     `{"dtype":"<i8","shape":[3],"values":[1,2,3]}`,
		"a_ragged.row_splits": `{"dtype":"<i8","shape":[4],"values":[0,2,2,3]}`,
		"f":                   `{"dtype":"<f4","shape":[3,1],"values":[[0.5],[1.5],[2.5]]}`,
		"s.indices":           `{"dtype":"<i8","shape":[3,2],"values":[[0,0],[1,0],[1,1]]}`,
		"s.values.bytes":      `{"dtype":"|u1","shape":[4],"values":[120,121,121,122]}`,
		"s.values.offsets":    `{"dtype":"<i8","shape":[4],"values":[0,1,3,4]}`,
		"s.dense_shape":       `{"dtype":"<i8","shape":[2],"values":[3,2]}`,
	})
	if diff := cmp.Diff(want, numpy(t, "safetensors", withSchema)); diff != "" {
		t.Errorf("safetensors with schema (-want +got):\n%s", diff)
	}
}

func TestTensorsOutputErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, tensorRecords(t))

	// A dense feature that is not in every record fails, and leaves no
	// output behind.
	var s metadatapb.Schema
	prototext.Unmarshal([]byte(`feature { name: "s" type: BYTES shape {} presence { min_fraction: 1 } }`), &s)
	out := filepath.Join(dir, "bad.npz")
	err := convertTensors(t, in, out, &s)
	var te *tensors.TensorError
	if !errors.As(err, &te) || te.Name != "s" || !errors.Is(err, tensors.ErrSizeMismatch) {
		t.Errorf("error %v, want a size mismatch of tensor s", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output left behind: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory, want only the input", len(ents))
	}

	if _, err := Create(filepath.Join(dir, "x.npz"), nil, WriteOptions{Shards: 2}); err == nil {
		t.Error("shards of .npz: no error")
	}
	if f, err := DetectFormat("model.safetensors"); f != Safetensors || err != nil {
		t.Errorf("DetectFormat: %s, %v", f, err)
	}
	if f, err := ParseFormat("NPZ"); f != NPZ || err != nil {
		t.Errorf("ParseFormat: %s, %v", f, err)
	}
}

// An input without records still gives every tensor, with no rows.
func TestTensorsOutputEmpty(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.tfrecord")
	writeTFRecord(t, in, nil)
	var s metadatapb.Schema
	prototext.Unmarshal([]byte(`feature { name: "a" type: INT } feature { name: "f" type: FLOAT shape { dim { size: 2 } } presence { min_fraction: 1 } }`), &s)
	out := filepath.Join(dir, "empty.npz")
	if err := convertTensors(t, in, out, &s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	if diff := cmp.Diff([]string{"a.indices.npy", "a.values.npy", "a.dense_shape.npy", "f.npy"}, names); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	got := numpy(t, "npz", out)
	if diff := cmp.Diff(decodeJSON(t, map[string]string{"x": `{"dtype":"<f4","shape":[0,2],"values":[]}`})["x"], got["f"]); diff != "" {
		t.Errorf("f (-want +got):\n%s", diff)
	}
}
