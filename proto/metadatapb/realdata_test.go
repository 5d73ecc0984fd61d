package metadatapb_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// realDataDir returns $GOBSL_REALDATA, a directory of files written by
// TensorFlow, TFX and TFDV, or skips the test when it is unset.
func realDataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA not set")
	}
	return dir
}

// findFiles returns the regular files under dir for which match is true,
// sorted.
func findFiles(t *testing.T, dir string, match func(name string) bool) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && match(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// anomaliesFields are top-level fields of tensorflow.metadata.v0.Anomalies,
// which ExampleValidator writes as anomalies.pbtxt. None is a Schema field.
var anomaliesFields = []string{
	"anomaly_info", "baseline", "anomaly_name_format", "dataset_anomaly_info",
	"drift_skew_info", "data_missing", "dataset_drift_skew_info",
}

// topLevelFields returns the field names at nesting depth 0 of a text-format
// message, skipping strings and comments.
func topLevelFields(b []byte) []string {
	var names []string
	depth := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '#':
			for i < len(b) && b[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < len(b) && b[i] != c {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case c == '{' || c == '<':
			depth++
			i++
		case c == '}' || c == '>':
			depth--
			i++
		case c == '_' || c == '[' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(b) && (b[j] == '_' || b[j] == '.' || b[j] == '/' || b[j] == '[' || b[j] == ']' ||
				'a' <= b[j] && b[j] <= 'z' || 'A' <= b[j] && b[j] <= 'Z' || '0' <= b[j] && b[j] <= '9') {
				j++
			}
			word := string(b[i:j])
			k := j
			for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
				k++
			}
			// A field name is followed by ':' or an opening brace; anything
			// else (an enum value, true, inf) is a value.
			if depth == 0 && k < len(b) && (b[k] == ':' || b[k] == '{' || b[k] == '<') {
				names = append(names, word)
			}
			i = j
		default:
			i++
		}
	}
	return names
}

// isAnomalies reports whether a .pbtxt file is an Anomalies message rather
// than a Schema, judged by its top-level fields.
func isAnomalies(b []byte) bool {
	for _, f := range topLevelFields(b) {
		if slices.Contains(anomaliesFields, f) {
			return true
		}
	}
	return false
}

func TestTopLevelFields(t *testing.T) {
	in := `# comment with baseline {
feature { name: "x{" type: INT }
string_domain < name: 'a\'b' value: "}" >
anomaly_name_format: SERIALIZED_PATH
baseline { feature { name: "y" } }
`
	want := []string{"feature", "string_domain", "anomaly_name_format", "baseline"}
	if diff := cmp.Diff(want, topLevelFields([]byte(in))); diff != "" {
		t.Errorf("topLevelFields mismatch (-want +got):\n%s", diff)
	}
}

// TestRealSchemas parses every *.pbtxt under $GOBSL_REALDATA as a Schema,
// without DiscardUnknown, so a field our protos lack fails the test.
// Anomalies files are recognised by content and skipped.
func TestRealSchemas(t *testing.T) {
	dir := realDataDir(t)
	files := findFiles(t, dir, func(name string) bool { return strings.HasSuffix(name, ".pbtxt") })
	if len(files) == 0 {
		t.Fatalf("no .pbtxt files under %s", dir)
	}
	var parsed int
	var skipped []string
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if isAnomalies(b) {
			skipped = append(skipped, rel)
			t.Logf("skip %s: an Anomalies message (top-level fields %v), not a Schema", rel, topLevelFields(b))
			continue
		}
		t.Run(rel, func(t *testing.T) {
			var s metadatapb.Schema
			if err := (prototext.UnmarshalOptions{}).Unmarshal(b, &s); err != nil {
				t.Fatalf("prototext.Unmarshal: %v", err)
			}
			if len(s.GetFeature())+len(s.GetSparseFeature())+len(s.GetWeightedFeature()) == 0 {
				t.Error("schema declares no features")
			}
			for i, f := range s.GetFeature() {
				if f.GetName() == "" {
					t.Errorf("feature[%d] has no name", i)
				}
			}
			checkSchemaRoundTrip(t, &s)
			parsed++
		})
	}
	t.Logf("parsed %d schema files; skipped %d anomalies files: %v", parsed, len(skipped), skipped)
}

// checkSchemaRoundTrip re-encodes s as text and as binary and checks that
// both decode to an equal message.
func checkSchemaRoundTrip(t *testing.T, s *metadatapb.Schema) {
	t.Helper()
	text, err := prototext.Marshal(s)
	if err != nil {
		t.Fatalf("prototext.Marshal: %v", err)
	}
	var fromText metadatapb.Schema
	if err := prototext.Unmarshal(text, &fromText); err != nil {
		t.Fatalf("prototext.Unmarshal of re-marshalled text: %v", err)
	}
	if !proto.Equal(s, &fromText) {
		t.Errorf("text round trip differs (-want +got):\n%s", cmp.Diff(s, &fromText, protocmp.Transform()))
	}
	bin, err := proto.Marshal(s)
	if err != nil {
		t.Fatalf("proto.Marshal: %v", err)
	}
	var fromBin metadatapb.Schema
	if err := proto.Unmarshal(bin, &fromBin); err != nil {
		t.Fatalf("proto.Unmarshal: %v", err)
	}
	if !proto.Equal(s, &fromBin) {
		t.Errorf("binary round trip differs (-want +got):\n%s", cmp.Diff(s, &fromBin, protocmp.Transform()))
	}
}

// TestRealStatistics decodes every FeatureStats.pb (a bare binary
// DatasetFeatureStatisticsList) and every stats_tfrecord (the same message in
// TFRecord framing) under $GOBSL_REALDATA.
func TestRealStatistics(t *testing.T) {
	dir := realDataDir(t)
	bare := findFiles(t, dir, func(name string) bool { return name == "FeatureStats.pb" })
	framed := findFiles(t, dir, func(name string) bool { return name == "stats_tfrecord" })
	if len(bare) == 0 {
		t.Fatalf("no FeatureStats.pb files under %s", dir)
	}
	for _, path := range bare {
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkStatistics(t, b)
		})
	}
	for _, path := range framed {
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := tfrecords(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				t.Fatal("no records")
			}
			for _, rec := range recs {
				checkStatistics(t, rec)
			}
		})
	}
	t.Logf("decoded %d FeatureStats.pb and %d stats_tfrecord files", len(bare), len(framed))
}

// checkStatistics decodes b as a DatasetFeatureStatisticsList and checks that
// it is plausible and that every field in it is declared by our protos.
func checkStatistics(t *testing.T, b []byte) {
	t.Helper()
	var list metadatapb.DatasetFeatureStatisticsList
	if err := proto.Unmarshal(b, &list); err != nil {
		t.Fatalf("proto.Unmarshal: %v", err)
	}
	if len(list.GetDatasets()) == 0 {
		t.Fatal("no datasets")
	}
	for _, ds := range list.GetDatasets() {
		if ds.GetNumExamples() == 0 {
			t.Errorf("dataset %q: num_examples = 0", ds.GetName())
		}
		if len(ds.GetFeatures()) == 0 {
			t.Errorf("dataset %q: no features", ds.GetName())
		}
		for i, f := range ds.GetFeatures() {
			name := f.GetName()
			if name == "" {
				name = strings.Join(f.GetPath().GetStep(), ".")
			}
			if name == "" {
				t.Errorf("dataset %q: feature[%d] has neither name nor path", ds.GetName(), i)
				continue
			}
			if f.GetStats() == nil {
				t.Errorf("feature %q: no stats", name)
				continue
			}
			if c := commonStats(f); c != nil && c.GetNumNonMissing()+c.GetNumMissing() > ds.GetNumExamples() {
				t.Errorf("feature %q: num_non_missing %d + num_missing %d > num_examples %d",
					name, c.GetNumNonMissing(), c.GetNumMissing(), ds.GetNumExamples())
			}
			if n := f.GetNumStats(); n != nil && (n.GetMin() > n.GetMean() || n.GetMean() > n.GetMax()) {
				t.Errorf("feature %q: mean %v outside [min %v, max %v]", name, n.GetMean(), n.GetMin(), n.GetMax())
			}
		}
	}
	for _, u := range unknownFields(list.ProtoReflect(), "") {
		t.Errorf("field not declared in statistics.proto: %s", u)
	}
}

func commonStats(f *metadatapb.FeatureNameStatistics) *metadatapb.CommonStatistics {
	switch s := f.GetStats().(type) {
	case *metadatapb.FeatureNameStatistics_NumStats:
		return s.NumStats.GetCommonStats()
	case *metadatapb.FeatureNameStatistics_StringStats:
		return s.StringStats.GetCommonStats()
	case *metadatapb.FeatureNameStatistics_BytesStats:
		return s.BytesStats.GetCommonStats()
	case *metadatapb.FeatureNameStatistics_StructStats:
		return s.StructStats.GetCommonStats()
	}
	return nil
}

// unknownFields lists the messages under m that carry unknown fields, as
// "path (message type)".
func unknownFields(m protoreflect.Message, path string) []string {
	var out []string
	if len(m.GetUnknown()) > 0 {
		out = append(out, fmt.Sprintf("%s (%s)", path, m.Descriptor().FullName()))
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := path + "." + string(fd.Name())
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
					out = append(out, unknownFields(v.Message(), fmt.Sprintf("%s[%v]", p, k))...)
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				for i := range v.List().Len() {
					out = append(out, unknownFields(v.List().Get(i).Message(), fmt.Sprintf("%s[%d]", p, i))...)
				}
			}
		case fd.Message() != nil:
			out = append(out, unknownFields(v.Message(), p)...)
		}
		return true
	})
	return out
}

// tfrecords splits a TFRecord file into its records, checking the masked
// CRC-32C of every length and payload. It is a minimal reader for tests;
// the project's tfrecord package is the real one.
func tfrecords(b []byte) ([][]byte, error) {
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	masked := func(p []byte) uint32 {
		c := crc32.Checksum(p, castagnoli)
		return (c>>15 | c<<17) + 0xa282ead8
	}
	var recs [][]byte
	for off := 0; off < len(b); {
		if len(b)-off < 12 {
			return nil, fmt.Errorf("truncated record at %d", off)
		}
		n := binary.LittleEndian.Uint64(b[off:])
		if masked(b[off:off+8]) != binary.LittleEndian.Uint32(b[off+8:]) {
			return nil, fmt.Errorf("corrupted record at %d: length CRC", off)
		}
		start := off + 12
		if n > uint64(len(b)-start) || uint64(len(b)-start)-n < 4 {
			return nil, fmt.Errorf("truncated record at %d", off)
		}
		data := b[start : start+int(n)]
		if masked(data) != binary.LittleEndian.Uint32(b[start+int(n):]) {
			return nil, errors.New("corrupted record at " + fmt.Sprint(off) + ": data CRC")
		}
		recs = append(recs, data)
		off = start + int(n) + 4
	}
	return recs, nil
}

func TestTFRecordsHelper(t *testing.T) {
	// The record "foo" from the wire specification, section 5.
	b := unhex(t, "03 00 00 00 00 00 00 00  b0 99 49 0e  66 6f 6f  61 8a be fe")
	recs, err := tfrecords(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]byte{[]byte("foo")}, recs); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
	if _, err := tfrecords(b[:len(b)-1]); err == nil {
		t.Error("truncated input: got no error")
	}
}

func TestUnknownFieldsHelper(t *testing.T) {
	// datasets { features { num_stats { 99: 1 } } }
	var list metadatapb.DatasetFeatureStatisticsList
	if err := proto.Unmarshal(unhex(t, "0a 07 1a 05 1a 03 98 06 01"), &list); err != nil {
		t.Fatal(err)
	}
	want := []string{".datasets[0].features[0].num_stats (tensorflow.metadata.v0.NumericStatistics)"}
	if diff := cmp.Diff(want, unknownFields(list.ProtoReflect(), "")); diff != "" {
		t.Errorf("unknownFields mismatch (-want +got):\n%s", diff)
	}
}
