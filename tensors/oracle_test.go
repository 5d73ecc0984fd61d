package tensors

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/go-cmp/cmp"
)

// NumPy is the oracle: testdata/oracle.py np.loads our .npz files and
// np.frombuffers the arrays of our .safetensors files, and the arrays must
// be what the source data of the batches says — written out by hand below,
// not computed by the converter.

// python returns the interpreter with NumPy, or skips (fails when
// GOBSL_ORACLES=1 promises the oracles are installed).
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	err := exec.Command(py, "-c", "import numpy").Run()
	if err != nil {
		if os.Getenv("GOBSL_ORACLES") == "1" {
			t.Fatalf("GOBSL_ORACLES=1 but %s cannot import numpy (apt-get install python3-numpy): %v", py, err)
		}
		t.Skipf("no NumPy (apt-get install python3-numpy): %v", err)
	}
	return py
}

func runOracle(t *testing.T, mode, path string) map[string]any {
	t.Helper()
	cmd := exec.Command(python(t), filepath.Join("testdata", "oracle.py"), mode, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle.py %s: %v\n%s", mode, err, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// The source data: two batches of one schema.
var (
	oracleCols = []col{
		{"d", largeInt64s, "[[1,2],[3,4]]|[[5,6],[7,8],[9,10]]"},
		{"f", arrow.PrimitiveTypes.Float32, "[0.5,1.5]|[2.5,null,4.5]"},
		{"h", arrow.LargeListOf(arrow.FixedWidthTypes.Float16), "[[0.5],[1]]|[[2],[-3],[65504]]"},
		{"u8", arrow.ListOf(arrow.PrimitiveTypes.Uint8), "[[1],[2]]|[[3],[4],[255]]"},
		{"s", arrow.LargeListOf(arrow.BinaryTypes.LargeBinary), `[["a"],["bc"]]|[["def"],[""],["g\u0000h"]]`},
		{"v", largeInt64s, "[[10],[]]|[null,[11,12,13],[14]]"},
		{"vb", arrow.LargeListOf(arrow.BinaryTypes.String), `[["x","yy"],null]|[[],["zzz"],[]]`},
		{"ix", arrow.ListOf(arrow.PrimitiveTypes.Int32), "[[0],[]]|[[2,1],[],[0]]"},
		{"sv", arrow.ListOf(arrow.PrimitiveTypes.Float64), "[[1.5],[]]|[[2.5,3.5],[],[4.5]]"},
		{"r", arrow.LargeListOf(largeInt64s), "[[[1],[2,3]],[]]|[[[4]],null,[[],[5]]]"},
		{"rb", arrow.ListOf(arrow.BinaryTypes.String), `[["p"],["q","r"]]|[[],["s"],null]`},
		{"ru", listInt64s, "[[1,2,3,4],[]]|[[5,6],[],[7,8]]"},
	}
	oracleReps = map[string]string{
		"d":  `dense_tensor { column_name: "d" shape { dim { size: 2 } } }`,
		"f":  `dense_tensor { column_name: "f" shape {} default_value { float_value: -1 } }`,
		"h":  `dense_tensor { column_name: "h" shape { dim { size: 1 } } }`,
		"u8": `dense_tensor { column_name: "u8" shape {} }`,
		"s":  `dense_tensor { column_name: "s" shape {} }`,
		"v":  `varlen_sparse_tensor { column_name: "v" }`,
		"vb": `varlen_sparse_tensor { column_name: "vb" }`,
		"sp": `sparse_tensor { index_column_names: "ix" value_column_name: "sv" dense_shape { dim { size: 3 } } }`,
		"r":  `ragged_tensor { feature_path { step: "r" } row_partition_dtype: INT32 }`,
		"rb": `ragged_tensor { feature_path { step: "rb" } }`,
		"ru": `ragged_tensor { feature_path { step: "ru" } partition { uniform_row_length: 2 } }`,
	}
	// The arrays of the five rows, concatenated.
	oracleNPZ = map[string]string{
		"d":              `{"dtype":"<i8","shape":[5,2],"values":[[1,2],[3,4],[5,6],[7,8],[9,10]]}`,
		"f":              `{"dtype":"<f4","shape":[5],"values":[0.5,1.5,2.5,-1,4.5]}`,
		"h":              `{"dtype":"<f2","shape":[5,1],"values":[[0.5],[1],[2],[-3],[65504]]}`,
		"u8":             `{"dtype":"|u1","shape":[5],"values":[1,2,3,4,255]}`,
		"s":              `{"dtype":"|S3","shape":[5],"values":["a","bc","def","","g\u0000h"]}`,
		"v.indices":      `{"dtype":"<i8","shape":[5,2],"values":[[0,0],[3,0],[3,1],[3,2],[4,0]]}`,
		"v.values":       `{"dtype":"<i8","shape":[5],"values":[10,11,12,13,14]}`,
		"v.dense_shape":  `{"dtype":"<i8","shape":[2],"values":[5,3]}`,
		"vb.indices":     `{"dtype":"<i8","shape":[3,2],"values":[[0,0],[0,1],[3,0]]}`,
		"vb.values":      `{"dtype":"|S3","shape":[3],"values":["x","yy","zzz"]}`,
		"vb.dense_shape": `{"dtype":"<i8","shape":[2],"values":[5,2]}`,
		"sp.indices":     `{"dtype":"<i8","shape":[4,2],"values":[[0,0],[2,2],[2,1],[4,0]]}`,
		"sp.values":      `{"dtype":"<f8","shape":[4],"values":[1.5,2.5,3.5,4.5]}`,
		"sp.dense_shape": `{"dtype":"<i8","shape":[2],"values":[5,3]}`,
		"r.values":       `{"dtype":"<i8","shape":[5],"values":[1,2,3,4,5]}`,
		"r.row_splits":   `{"dtype":"<i4","shape":[6],"values":[0,2,2,3,3,5]}`,
		"r.row_splits1":  `{"dtype":"<i4","shape":[6],"values":[0,1,3,4,4,5]}`,
		"rb.values":      `{"dtype":"|S1","shape":[4],"values":["p","q","r","s"]}`,
		"rb.row_splits":  `{"dtype":"<i8","shape":[6],"values":[0,1,3,3,4,4]}`,
		"ru.values":      `{"dtype":"<i8","shape":[4,2],"values":[[1,2],[3,4],[5,6],[7,8]]}`,
		"ru.row_splits":  `{"dtype":"<i8","shape":[6],"values":[0,2,2,3,3,4]}`,
	}
	// Safetensors has no bytes: bytes arrays are NAME.bytes and NAME.offsets.
	oracleBytes = map[string]string{
		"s.bytes":           `{"dtype":"|u1","shape":[9],"values":[97,98,99,100,101,102,103,0,104]}`,
		"s.offsets":         `{"dtype":"<i8","shape":[6],"values":[0,1,3,6,6,9]}`,
		"vb.values.bytes":   `{"dtype":"|u1","shape":[6],"values":[120,121,121,122,122,122]}`,
		"vb.values.offsets": `{"dtype":"<i8","shape":[4],"values":[0,1,3,6]}`,
		"rb.values.bytes":   `{"dtype":"|u1","shape":[4],"values":[112,113,114,115]}`,
		"rb.values.offsets": `{"dtype":"<i8","shape":[5],"values":[0,1,2,3,4]}`,
	}
	oracleMeta = `{"rb.values.shape":"[4]","s.shape":"[5]","vb.values.shape":"[3]"}`
)

// writeOracleFiles converts the two batches and writes out.npz and
// out.safetensors.
func writeOracleFiles(t *testing.T) (npzPath, stPath string) {
	mem := newMem()
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	c := NewConcat(ConcatOptions{TempDir: dir})
	defer c.Close()
	var a *Adapter
	for b := range 2 {
		cols := make([]col, len(oracleCols))
		for i, oc := range oracleCols {
			cols[i] = col{oc.name, oc.typ, strings.Split(oc.json, "|")[b]}
		}
		rb := batch(t, mem, cols...)
		defer rb.Release()
		if a == nil {
			var err error
			if a, err = NewAdapter(reps(t, oracleReps), rb.Schema()); err != nil {
				t.Fatal(err)
			}
		}
		ts, err := a.Convert(rb)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Append(ts); err != nil {
			t.Fatal(err)
		}
	}
	if c.NumRows() != 5 {
		t.Errorf("NumRows %d, want 5", c.NumRows())
	}
	npzPath, stPath = filepath.Join(dir, "out.npz"), filepath.Join(dir, "out.safetensors")
	for _, w := range []struct {
		path  string
		write func(*os.File) error
	}{
		{npzPath, func(f *os.File) error { return c.WriteNPZ(f, NPZOptions{}) }},
		{stPath, func(f *os.File) error { return c.WriteSafetensors(f) }},
	} {
		f, err := os.Create(w.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.write(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The spool was removed as soon as it was made.
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("temp dir holds %d files, want the 2 outputs", len(ents))
	}
	return npzPath, stPath
}

func decodeAll(t *testing.T, m map[string]string) map[string]any {
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

func TestNumPyReadsNPZ(t *testing.T) {
	python(t)
	npzPath, _ := writeOracleFiles(t)
	got := runOracle(t, "npz", npzPath)
	want := decodeAll(t, oracleNPZ)
	for _, v := range want {
		v.(map[string]any)["header_as_np_save"] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("np.load (-want +got):\n%s", diff)
	}
}

func TestNumPyReadsSafetensors(t *testing.T) {
	python(t)
	_, stPath := writeOracleFiles(t)
	got := runOracle(t, "safetensors", stPath)
	want := decodeAll(t, oracleNPZ)
	for _, k := range []string{"s", "vb.values", "rb.values"} {
		delete(want, k)
	}
	for k, v := range decodeAll(t, oracleBytes) {
		want[k] = v
	}
	var meta any
	json.Unmarshal([]byte(oracleMeta), &meta)
	want["__metadata__"] = meta
	// frombuffer of a little-endian safetensors I8/U8 says "|i1"/"|u1".
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("np.frombuffer (-want +got):\n%s", diff)
	}
}
