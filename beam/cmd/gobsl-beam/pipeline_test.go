package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/beam/internal/prismtest"
	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/fileset"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/stats"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

func TestMain(m *testing.M) { prismtest.Main(m) }

// run builds the pipeline of c and runs it on Prism.
func run(t *testing.T, c config) {
	t.Helper()
	if c.shards == 0 {
		c.shards = 1
	}
	if c.batchSize == 0 {
		c.batchSize = 1024
	}
	p, s := beam.NewPipelineWithRoot()
	if err := build(s, &c); err != nil {
		t.Fatal(err)
	}
	prismtest.Run(t, p)
}

// canonical returns records as deterministic serializations of the
// parsed tf.Examples, sorted: equal multisets of examples give equal
// slices.
func canonical(t *testing.T, recs [][]byte) [][]byte {
	t.Helper()
	out := make([][]byte, len(recs))
	for i, r := range recs {
		var ex examplepb.Example
		if err := proto.Unmarshal(r, &ex); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&ex)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	slices.SortFunc(out, bytes.Compare)
	return out
}

func readRecords(t *testing.T, pattern string) [][]byte {
	t.Helper()
	names, err := fileset.Expand(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, n := range names {
		r, err := tfrecord.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			out = append(out, bytes.Clone(rec))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// batchRecords reads any format with tfxio and encodes its rows as
// tf.Example records.
func batchRecords(t *testing.T, patterns ...string) [][]byte {
	t.Helper()
	r, err := tfxio.Open(context.Background(), patterns, tfxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out [][]byte
	for r.Next() {
		recs, err := example.EncodeOptions{}.EncodeBatch(r.RecordBatch())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recs...)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func loadStats(t *testing.T, path string) *metadatapb.DatasetFeatureStatisticsList {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l := new(metadatapb.DatasetFeatureStatisticsList)
	if err := proto.Unmarshal(b, l); err != nil {
		t.Fatal(err)
	}
	return l
}

// checkConvert runs the example pipeline on CSV inputs (CSV -> sharded
// TFRecord.gz and statistics, then TFRecord -> Parquet) and compares
// everything with what the single-machine library gives.
func checkConvert(t *testing.T, inputs []string, shards int) {
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "beam", "data.tfrecord.gz")
	run(t, config{inputs: inputs, output: out, shards: shards, stats: filepath.Join(dir, "stats.pb")})

	// The single-machine conversion, as inspect convert does it.
	single := filepath.Join(dir, "single.tfrecord.gz")
	r, err := tfxio.Open(ctx, inputs, tfxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := tfxio.Create(single, r.Schema(), tfxio.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tfxio.Copy(ctx, w, r); err != nil {
		t.Fatal(err)
	}
	r.Release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	shardPattern := filepath.Join(dir, "beam", fmt.Sprintf("data.tfrecord@%d.gz", shards))
	want := canonical(t, readRecords(t, single))
	got := canonical(t, readRecords(t, shardPattern))
	if len(want) == 0 {
		t.Fatal("no records")
	}
	if !slices.EqualFunc(want, got, bytes.Equal) {
		t.Errorf("Beam's %d records differ from the single-machine conversion's %d", len(got), len(want))
	} else {
		t.Logf("%d records equal, as a multiset, to the single-machine conversion", len(got))
	}
	if comp := tfrecord.CompressionFromPath(shardPattern); comp != tfrecord.Gzip {
		t.Errorf("shards compressed with %v", comp)
	}

	// Statistics.
	r, err = tfxio.Open(ctx, inputs, tfxio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantStats, err := stats.Compute(ctx, r, stats.Options{})
	r.Release()
	if err != nil {
		t.Fatal(err)
	}
	gotStats := loadStats(t, filepath.Join(dir, "stats.pb"))
	// Means and deviations merge in another order: float64 rounding.
	roundFloats(wantStats.ProtoReflect())
	roundFloats(gotStats.ProtoReflect())
	if diff := cmp.Diff(wantStats, gotStats, protocmp.Transform()); diff != "" {
		t.Errorf("statistics (-single-machine +Beam):\n%s", diff)
	} else {
		t.Logf("statistics of %d features equal the single-machine statistics", len(gotStats.GetDatasets()[0].GetFeatures()))
	}

	// TFRecord -> Parquet, read back with tfxio.
	pq := filepath.Join(dir, "beam", "data.parquet")
	run(t, config{inputs: []string{shardPattern}, output: pq, shards: 2})
	gotPq := canonical(t, batchRecords(t, filepath.Join(dir, "beam", "data@2.parquet")))
	wantPq := canonical(t, batchRecords(t, single))
	if !slices.EqualFunc(wantPq, gotPq, bytes.Equal) {
		t.Errorf("Parquet rows (%d) differ from the single-machine decode (%d)", len(gotPq), len(wantPq))
	}
}

// roundFloats rounds every double of m to 12 significant digits.
func roundFloats(m protoreflect.Message) {
	round := func(v protoreflect.Value) protoreflect.Value {
		f, _ := strconv.ParseFloat(strconv.FormatFloat(v.Float(), 'g', 12, 64), 64)
		return protoreflect.ValueOfFloat64(f)
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			for i := range v.List().Len() {
				roundFloats(v.List().Get(i).Message())
			}
		case fd.IsList() && fd.Kind() == protoreflect.DoubleKind:
			for i := range v.List().Len() {
				v.List().Set(i, round(v.List().Get(i)))
			}
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
			roundFloats(v.Message())
		case fd.Kind() == protoreflect.DoubleKind:
			m.Set(fd, round(v))
		}
		return true
	})
}

// TestConvertGenerated converts a small generated CSV data set.
func TestConvertGenerated(t *testing.T) {
	dir := t.TempDir()
	var a, b strings.Builder
	a.WriteString("id,name,score,tags,empty\n")
	b.WriteString("id,name,score,tags,empty\n")
	for i := range 300 {
		w := &a
		if i%3 == 0 {
			w = &b
		}
		score := ""
		if i%7 != 0 {
			score = fmt.Sprint(float32(i) / 8)
		}
		fmt.Fprintf(w, "%d,name %d,%s,\"t,%d\",\n", i, i%17, score, i%5)
	}
	in1, in2 := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	if err := os.WriteFile(in1, []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in2, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	checkConvert(t, []string{in1, in2}, 3)
}

// TestConvertTaxi converts TFX's taxi CSV testdata: done when Beam's
// records and statistics equal the single-machine ones.
func TestConvertTaxi(t *testing.T) {
	root := os.Getenv("GOBSL_REALDATA")
	if root == "" {
		t.Skip("GOBSL_REALDATA is not set")
	}
	dir := filepath.Join(root, "tfx/tfx/components/testdata/external/csv")
	checkConvert(t, []string{filepath.Join(dir, "data.csv"), filepath.Join(dir, "data2.csv")}, 4)
}
