package example_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tfrecord"
)

// Round trips between serialized records and Arrow through the decoder and
// the encoder. The decoder turns an absent feature and a Feature with no
// kind into the same null cell, which the encoder writes as a Feature with
// no kind; so records are compared after dropping kind-less features of
// the context (every other distinction, such as an empty list against a
// missing one, must survive), and with float bits compared exactly.

// normalize returns m without unknown fields, with kind-less context
// features dropped and absent submessages made empty.
func normalize(m proto.Message) proto.Message {
	features := func(f *examplepb.Features) *examplepb.Features {
		out := &examplepb.Features{Feature: map[string]*examplepb.Feature{}}
		for k, v := range f.GetFeature() {
			if v.GetKind() != nil {
				out.Feature[k] = normFeature(v)
			}
		}
		return out
	}
	switch m := m.(type) {
	case *examplepb.Example:
		return &examplepb.Example{Features: features(m.GetFeatures())}
	case *examplepb.SequenceExample:
		out := &examplepb.SequenceExample{
			Context:      features(m.GetContext()),
			FeatureLists: &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{}},
		}
		for k, l := range m.GetFeatureLists().GetFeatureList() {
			nl := &examplepb.FeatureList{}
			for _, f := range l.GetFeature() {
				nl.Feature = append(nl.Feature, normFeature(f))
			}
			out.FeatureLists.FeatureList[k] = nl
		}
		return out
	}
	panic(fmt.Sprintf("normalize %T", m))
}

func normFeature(f *examplepb.Feature) *examplepb.Feature {
	switch k := f.GetKind().(type) {
	case *examplepb.Feature_BytesList:
		return synth.Bytes(k.BytesList.GetValue()...)
	case *examplepb.Feature_FloatList:
		return synth.Float(k.FloatList.GetValue()...)
	case *examplepb.Feature_Int64List:
		return synth.Int64(k.Int64List.GetValue()...)
	}
	return &examplepb.Feature{}
}

// sameRecords compares records as normalized messages, bit-exact, and
// reports the first few differences.
func sameRecords(t *testing.T, want, got [][]byte, seq bool) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		wm, gm := parseOne(t, want[i], seq), parseOne(t, got[i], seq)
		if sameMessage(wm, gm) {
			continue
		}
		t.Errorf("record %d differs (-original +round trip):\n%s", i, cmp.Diff(normalize(wm), normalize(gm), protocmp.Transform(), floatBits))
		if bad++; bad == 3 {
			t.Fatalf("giving up")
		}
	}
}

// sameMessage reports whether a and b are equal after normalize, without
// building the normalized messages.
func sameMessage(a, b proto.Message) bool {
	switch a := a.(type) {
	case *examplepb.Example:
		return sameFeatures(a.GetFeatures(), b.(*examplepb.Example).GetFeatures())
	case *examplepb.SequenceExample:
		b := b.(*examplepb.SequenceExample)
		if !sameFeatures(a.GetContext(), b.GetContext()) {
			return false
		}
		al, bl := a.GetFeatureLists().GetFeatureList(), b.GetFeatureLists().GetFeatureList()
		if len(al) != len(bl) {
			return false
		}
		for k, l := range al {
			m, ok := bl[k]
			if !ok || len(l.GetFeature()) != len(m.GetFeature()) {
				return false
			}
			for j, f := range l.GetFeature() {
				if !sameFeature(f, m.GetFeature()[j]) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// sameFeatures compares the features that have a kind.
func sameFeatures(a, b *examplepb.Features) bool {
	count := func(m map[string]*examplepb.Feature) int {
		n := 0
		for _, f := range m {
			if f.GetKind() != nil {
				n++
			}
		}
		return n
	}
	am, bm := a.GetFeature(), b.GetFeature()
	if count(am) != count(bm) {
		return false
	}
	for k, f := range am {
		if f.GetKind() != nil && !sameFeature(f, bm[k]) {
			return false
		}
	}
	return true
}

func sameFeature(a, b *examplepb.Feature) bool {
	switch k := a.GetKind().(type) {
	case nil:
		return b.GetKind() == nil
	case *examplepb.Feature_BytesList:
		bl, ok := b.GetKind().(*examplepb.Feature_BytesList)
		return ok && slices.EqualFunc(k.BytesList.GetValue(), bl.BytesList.GetValue(), bytes.Equal)
	case *examplepb.Feature_FloatList:
		bl, ok := b.GetKind().(*examplepb.Feature_FloatList)
		return ok && slices.EqualFunc(k.FloatList.GetValue(), bl.FloatList.GetValue(), func(x, y float32) bool {
			return math.Float32bits(x) == math.Float32bits(y)
		})
	case *examplepb.Feature_Int64List:
		bl, ok := b.GetKind().(*examplepb.Feature_Int64List)
		return ok && slices.Equal(k.Int64List.GetValue(), bl.Int64List.GetValue())
	}
	return false
}

func parseOne(t *testing.T, rec []byte, seq bool) proto.Message {
	t.Helper()
	var m proto.Message = &examplepb.Example{}
	if seq {
		m = &examplepb.SequenceExample{}
	}
	if err := proto.Unmarshal(rec, m); err != nil {
		t.Fatalf("record does not parse: %v", err)
	}
	return m
}

func recordType(seq bool) example.RecordType {
	if seq {
		return example.SequenceExample
	}
	return example.Example
}

func taxiSchema() *metadatapb.Schema {
	s := &metadatapb.Schema{}
	types := map[string]metadatapb.FeatureType{"int64": metadatapb.FeatureType_INT, "float": metadatapb.FeatureType_FLOAT, "bytes": metadatapb.FeatureType_BYTES}
	for _, f := range synth.TaxiFeatures {
		s.Feature = append(s.Feature, &metadatapb.Feature{Name: proto.String(f.Name), Type: types[f.Kind].Enum()})
	}
	return s
}

func sequenceSchema() *metadatapb.Schema {
	return mustSchema(`
		feature { name: "user_id" type: INT }
		feature { name: "country" type: BYTES }
		feature { name: "score" type: FLOAT }
		feature {
		  name: "##SEQUENCE##" type: STRUCT
		  struct_domain {
		    feature { name: "clicks" type: INT }
		    feature { name: "dwell" type: FLOAT }
		    feature { name: "query" type: BYTES }
		    feature { name: "aux" type: FLOAT }
		  }
		}`)
}

type roundTripInput struct {
	name   string
	recs   [][]byte
	seq    bool
	schema *metadatapb.Schema
}

func roundTripInputs() []roundTripInput {
	return []roundTripInput{
		{name: "taxi", recs: synth.Taxi(400, 1)},
		{name: "taxi/schema", recs: synth.Taxi(400, 2), schema: taxiSchema()},
		{name: "longlists", recs: synth.LongLists(40, 3)},
		{name: "edge", recs: synth.Edge()},
		{name: "sequence", recs: synth.Sequence(300, 4), seq: true},
		{name: "sequence/schema", recs: synth.Sequence(300, 5), seq: true, schema: sequenceSchema()},
		{name: "edge sequence", recs: synth.EdgeSequence(), seq: true},
	}
}

// TestRoundTripRecords: Example -> Arrow -> Example.
func TestRoundTripRecords(t *testing.T) {
	for _, in := range roundTripInputs() {
		t.Run(in.name, func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			dec, err := example.DecodeOptions{Schema: in.schema, RecordType: recordType(in.seq), Allocator: mem}.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			rb, err := dec.Decode(in.recs)
			if err != nil {
				t.Fatal(err)
			}
			defer rb.Release()
			for _, det := range []bool{false, true} {
				got, err := example.EncodeOptions{RecordType: recordType(in.seq), Deterministic: det}.EncodeBatch(rb)
				if err != nil {
					t.Fatal(err)
				}
				sameRecords(t, in.recs, got, in.seq)
			}
		})
	}
}

// TestRoundTripArrow: Arrow -> Example -> Arrow, for batches the decoder
// made and for random batches of the types it makes.
func TestRoundTripArrow(t *testing.T) {
	// check encodes rb and decodes it again with a fixed Arrow schema and,
	// if rb came from the decoder, as it was decoded (schema may be nil).
	check := func(t *testing.T, mem memory.Allocator, rb arrow.RecordBatch, seq, decoded bool, schema *metadatapb.Schema) {
		t.Helper()
		recs, err := example.EncodeOptions{RecordType: recordType(seq)}.EncodeBatch(rb)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		opts := []example.DecodeOptions{{ArrowSchema: rb.Schema(), RecordType: recordType(seq), Allocator: mem}}
		if decoded {
			opts = append(opts, example.DecodeOptions{Schema: schema, RecordType: recordType(seq), Allocator: mem})
		}
		for _, o := range opts {
			dec, err := o.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			back, err := dec.Decode(recs)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !back.Schema().Equal(rb.Schema()) {
				t.Errorf("schema after the round trip:\n%v\nwant\n%v", back.Schema(), rb.Schema())
			} else if diff := cmp.Diff(canonBatch(rb), canonBatch(back)); diff != "" {
				t.Errorf("batch differs after the round trip (-want +got):\n%s", diff)
			}
			back.Release()
		}
	}
	for _, in := range roundTripInputs() {
		t.Run(in.name, func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			dec, err := example.DecodeOptions{Schema: in.schema, RecordType: recordType(in.seq), Allocator: mem}.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			rb, err := dec.Decode(in.recs)
			if err != nil {
				t.Fatal(err)
			}
			defer rb.Release()
			check(t, mem, rb, in.seq, true, in.schema)
		})
	}
	t.Run("random", func(t *testing.T) {
		mem := newMem(t)
		defer mem.AssertSize(t, 0)
		for seed := range uint64(150) {
			g := &batchGen{r: rand.New(rand.NewPCG(seed, 0xa770)), mem: mem, nullPct: int(seed % 50), decodable: true}
			seq := seed%3 == 0
			rb := g.decodableBatch(seq)
			t.Run(strconv.Itoa(int(seed)), func(t *testing.T) { check(t, mem, rb, seq, false, nil) })
			rb.Release()
		}
	})
}

// decodableBatch returns a random batch of the types and shapes the
// decoder produces: large_list of float32, int64 and large_binary, null
// columns, and for sequence examples a non-null struct column, last, of
// large_list<large_list<T>> or large_list<null> children.
func (g *batchGen) decodableBatch(seq bool) arrow.RecordBatch {
	types := []arrow.DataType{ll(f32), ll(i64), ll(lbin), arrow.Null}
	var fields []arrow.Field
	used := map[string]bool{}
	for range g.r.IntN(5) {
		n := g.name(used)
		if !utf8.ValidString(n) || used[n+"!"] {
			continue
		}
		used[n+"!"] = true
		fields = append(fields, field(n, types[g.r.IntN(len(types))]))
	}
	if seq {
		var children []arrow.Field
		cu := map[string]bool{}
		for range g.r.IntN(4) {
			n := g.name(cu)
			if !utf8.ValidString(n) || cu[n+"!"] {
				continue
			}
			cu[n+"!"] = true
			t := []arrow.DataType{ll(ll(f32)), ll(ll(i64)), ll(ll(lbin)), ll(arrow.Null)}[g.r.IntN(4)]
			children = append(children, field(n, t))
		}
		fields = append(fields, field(example.DefaultSequenceColumn, arrow.StructOf(children...)))
	}
	b := array.NewRecordBuilder(g.mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	g.budget = 20000
	for range g.r.IntN(12) {
		for i, f := range fields {
			p := g.nullPct
			if f.Type.ID() == arrow.STRUCT {
				p = 0 // the decoder's struct column has no nulls
			}
			g.value(b.Field(i), p)
		}
	}
	return b.NewRecordBatch()
}

// canonBatch renders every row of rb with float bits in hex, so that NaN
// payloads and -0 compare exactly.
func canonBatch(rb arrow.RecordBatch) []string {
	rows := make([]string, rb.NumRows())
	for r := range rows {
		var sb strings.Builder
		for i, c := range rb.Columns() {
			fmt.Fprintf(&sb, "%s=%s ", rb.ColumnName(i), canon(c, r))
		}
		rows[r] = sb.String()
	}
	return rows
}

func canon(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	switch a := a.(type) {
	case array.ListLike:
		s, e := a.ValueOffsets(i)
		parts := []string{}
		for j := s; j < e; j++ {
			parts = append(parts, canon(a.ListValues(), int(j)))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *array.Struct:
		parts := []string{}
		for k := range a.NumField() {
			parts = append(parts, a.DataType().(*arrow.StructType).Field(k).Name+":"+canon(a.Field(k), i))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *array.Float32:
		return fmt.Sprintf("f%08x", math.Float32bits(a.Value(i)))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.LargeBinary:
		return strconv.Quote(string(a.Value(i)))
	case *array.Binary:
		return strconv.Quote(string(a.Value(i)))
	}
	return fmt.Sprintf("?%v", a.DataType())
}

// TestRoundTripRealData decodes every tf.Example and tf.SequenceExample
// TFRecord file of the real-data corpus without a schema, encodes the
// batches again and compares each record with the original. It runs only
// when GOBSL_REALDATA names the corpus directory.
func TestRoundTripRealData(t *testing.T) {
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA is not set")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "verify.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []struct {
		Path         string         `json:"path"`
		PayloadKinds map[string]int `json:"payload_kinds"`
	}
	if err := json.Unmarshal(raw, &files); err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, f := range files {
		seq := f.PayloadKinds["SequenceExample"] > 0
		if len(f.PayloadKinds) != 1 || !seq && f.PayloadKinds["Example"] == 0 {
			continue // other payloads, or a mix
		}
		tested++
		t.Run(f.Path, func(t *testing.T) {
			recs := readTFRecord(t, filepath.Join(dir, f.Path))
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			dec, err := example.DecodeOptions{RecordType: recordType(seq), Allocator: mem}.NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			enc := example.EncodeOptions{RecordType: recordType(seq)}
			for lo := 0; lo < len(recs); lo += 2000 {
				batch := recs[lo:min(lo+2000, len(recs))]
				rb, err := dec.Decode(batch)
				if err != nil {
					t.Fatalf("decode records %d-: %v", lo, err)
				}
				got, err := enc.EncodeBatch(rb)
				rb.Release()
				if err != nil {
					t.Fatalf("encode records %d-: %v", lo, err)
				}
				sameRecords(t, batch, got, seq)
			}
		})
	}
	if tested == 0 {
		t.Fatal("no tf.Example files in verify.json")
	}
}

func readTFRecord(t *testing.T, path string) [][]byte {
	t.Helper()
	r, err := tfrecord.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs [][]byte
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, bytes.Clone(rec))
	}
}

// TestSameMessage checks the round-trip comparison itself: it must see
// every difference that normalize keeps.
func TestSameMessage(t *testing.T) {
	ex := func(s string) proto.Message { return textExamples(t, s)[0] }
	seq := func(s string) proto.Message { return textSequences(t, s)[0] }
	tests := []struct {
		name string
		a, b proto.Message
		same bool
	}{
		{"absent equals kind-less",
			ex(`features { feature { key: "a" value { int64_list { value: 1 } } } }`),
			ex(`features { feature { key: "a" value { int64_list { value: 1 } } } feature { key: "b" value {} } }`), true},
		{"no features equals empty features", ex(``), ex(`features {}`), true},
		{"empty list is not kind-less",
			ex(`features { feature { key: "a" value { float_list {} } } }`),
			ex(`features { feature { key: "a" value {} } }`), false},
		{"kinds differ",
			ex(`features { feature { key: "a" value { float_list {} } } }`),
			ex(`features { feature { key: "a" value { int64_list {} } } }`), false},
		{"NaN payloads differ",
			&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{"a": synth.Float(math.Float32frombits(0x7fc00000))}}},
			&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{"a": synth.Float(math.Float32frombits(0x7fc00001))}}}, false},
		{"-0 is not 0",
			ex(`features { feature { key: "a" value { float_list { value: -0 } } } }`),
			ex(`features { feature { key: "a" value { float_list { value: 0 } } } }`), false},
		{"bytes differ",
			ex(`features { feature { key: "a" value { bytes_list { value: ["x", ""] } } } }`),
			ex(`features { feature { key: "a" value { bytes_list { value: ["x"] } } } }`), false},
		{"a feature missing",
			ex(`features { feature { key: "a" value { int64_list {} } } }`), ex(``), false},
		{"no feature_lists equals empty feature_lists", seq(``), seq(`feature_lists {}`), true},
		{"absent feature list is not an empty one",
			seq(`feature_lists { feature_list { key: "s" value {} } }`), seq(`feature_lists {}`), false},
		{"kind-less step is not an empty step",
			seq(`feature_lists { feature_list { key: "s" value { feature {} } } }`),
			seq(`feature_lists { feature_list { key: "s" value { feature { int64_list {} } } } }`), false},
		{"steps differ in number",
			seq(`feature_lists { feature_list { key: "s" value { feature {} } } }`),
			seq(`feature_lists { feature_list { key: "s" value { feature {} feature {} } } }`), false},
		{"context compared like features",
			seq(`context { feature { key: "c" value { int64_list { value: 1 } } } }`),
			seq(`context { feature { key: "c" value { int64_list { value: 2 } } } }`), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sameMessage(tc.a, tc.b); got != tc.same {
				t.Errorf("sameMessage = %v, want %v", got, tc.same)
			}
			if got := sameMessage(tc.b, tc.a); got != tc.same {
				t.Errorf("sameMessage reversed = %v, want %v", got, tc.same)
			}
		})
	}
}
