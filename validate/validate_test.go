package validate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tfrecord"
	"github.com/gobsl/gobsl/tfxio"
)

func parse[M proto.Message](t *testing.T, m M, text string) M {
	t.Helper()
	if err := prototext.Unmarshal([]byte(text), m); err != nil {
		t.Fatalf("bad test proto: %v", err)
	}
	return m
}

// stats1 wraps feature statistics into a dataset of n examples.
func stats1(n int, feats string) string {
	return "datasets { num_examples: " + strconv.Itoa(n) + " " + feats + " }"
}

const (
	intF = `features { path { step: "i" } type: INT num_stats {
		common_stats { num_non_missing: 8 num_missing: 2 min_num_values: 1 max_num_values: 3 tot_num_values: 12 } min: -5 max: 70 } }`
	strF = `features { path { step: "s" } type: STRING string_stats {
		common_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 1 tot_num_values: 10 } unique: 3
		rank_histogram { buckets { label: "a" sample_count: 7 } buckets { label: "b\"q" sample_count: 2 } buckets { label: "c" sample_count: 1 } } } }`
)

func TestStatistics(t *testing.T) {
	tests := []struct {
		name, schema, stats string
		env                 string
		want                []Anomaly
	}{{
		name:   "fits",
		schema: `feature { name: "i" type: INT presence { min_count: 1 } value_count { min: 1 } int_domain { min: -10 max: 100 } }`,
		stats:  stats1(10, intF),
	}, {
		name:   "new column and missing column",
		schema: `feature { name: "gone" type: FLOAT presence { min_count: 1 } } feature { name: "optional" type: FLOAT }`,
		stats:  stats1(10, intF),
		want: []Anomaly{
			{"gone", MissingColumn, "Column dropped", "Column is completely missing"},
			{"i", NewColumn, "New column", "New column (column in data but not in schema)"},
		},
	}, {
		name:   "presence, value counts, int domain",
		schema: `feature { name: "i" type: INT presence { min_fraction: 1 min_count: 9 } value_count { min: 2 max: 2 } int_domain { min: 0 max: 64 } }`,
		stats:  stats1(10, intF),
		want: []Anomaly{
			{"i", LowNumberValues, "Missing values", "Some examples have fewer values than expected."},
			{"i", HighNumberValues, "Superfluous values", "Some examples have more values than expected."},
			{"i", LowNumberPresent, "Column dropped", "The feature was present in fewer examples than expected."},
			{"i", LowFractionPresent, "Column dropped", "The feature was present in fewer examples than expected."},
			{"i", SmallInt, "Out-of-range values", "Unexpectedly small value: -5."},
			{"i", BigInt, "Out-of-range values", "Unexpectedly large value: 70."},
		},
	}, {
		name:   "wrong type stops the checks",
		schema: `feature { name: "i" type: BYTES domain: "d" } string_domain { name: "d" value: "x" }`,
		stats:  stats1(10, intF),
		want:   []Anomaly{{"i", UnexpectedDataType, "Expected data of type: BYTES but got INT", "Expected data of type: BYTES but got INT"}},
	}, {
		name:   "string domain",
		schema: `feature { name: "s" type: BYTES domain: "d" } string_domain { name: "d" value: "a" }`,
		stats:  stats1(10, strF),
		want: []Anomaly{{"s", UnexpectedStringValues, "Unexpected string values",
			`Examples contain values missing from the schema: b\"q (~20%), c (~10%).`}},
	}, {
		name:   "string domain with distribution_constraints",
		schema: `feature { name: "s" type: BYTES string_domain { value: "a" } distribution_constraints { min_domain_mass: 0.6 } }`,
		stats:  stats1(10, strF),
	}, {
		name:   "bool domain",
		schema: `feature { name: "s" type: BYTES bool_domain { true_value: "a" false_value: "b\"q" } }`,
		stats:  stats1(10, strF),
		want:   []Anomaly{{"s", BoolUnexpectedString, "Non-boolean values", `Saw unexpected value "c" instead of {"a", "b"q"}.`}},
	}, {
		name:   "int domain on strings",
		schema: `feature { name: "s" type: BYTES int_domain { } }`,
		stats:  stats1(10, strF),
		want:   []Anomaly{{"s", NotIntString, "Invalid values", `String values that were not ints were found, such as "a".`}},
	}, {
		name:   "float domain, NaN",
		schema: `feature { name: "f" type: FLOAT float_domain { min: 0 max: 1 disallow_nan: true } }`,
		stats: stats1(4, `features { path { step: "f" } type: FLOAT num_stats {
			common_stats { num_non_missing: 4 min_num_values: 1 max_num_values: 1 tot_num_values: 4 } min: -0.5 max: 2.25
			histograms { num_nan: 1 } } }`),
		want: []Anomaly{
			{"f", SmallFloat, "Out-of-range values", "Unexpectedly low values: -0.5<0(upto six significant digits)"},
			{"f", BigFloat, "Out-of-range values", "Unexpectedly high value: 2.25>1(upto six significant digits)"},
			{"f", HasNaN, "Invalid values", "Float feature has NaN values."},
		},
	}, {
		name:   "shape",
		schema: `feature { name: "i" type: INT presence { min_fraction: 1 } shape { dim { size: 2 } } }`,
		stats:  stats1(10, intF),
		want: []Anomaly{
			{"i", LowNumberValues, "Missing values", "Some examples have fewer values than the shape's 2 at nestedness level 0."},
			{"i", HighNumberValues, "Superfluous values", "Some examples have more values than the shape's 2 at nestedness level 0."},
			{"i", LowFractionPresent, "Column dropped", "The feature was present in fewer examples than expected."},
		},
	}, {
		name:   "deprecated features are not checked",
		schema: `feature { name: "i" type: BYTES lifecycle_stage: DEPRECATED presence { min_count: 1 } } feature { name: "x" deprecated: true presence { min_count: 1 } }`,
		stats:  stats1(10, intF),
	}, {
		name: "environments",
		schema: `default_environment: "TRAINING" default_environment: "SERVING"
			feature { name: "i" type: INT not_in_environment: "SERVING" }
			feature { name: "label" type: INT presence { min_count: 1 } not_in_environment: "SERVING" }`,
		stats: stats1(10, intF),
		env:   "SERVING",
		want: []Anomaly{{"i", NewColumn, "Column missing in environment",
			"New column i found in data but not in the environment SERVING in the schema."}},
	}, {
		name: "struct fields",
		schema: `feature { name: "##SEQUENCE##" type: STRUCT struct_domain {
			feature { name: "a" type: INT value_counts { value_count { min: 1 } value_count { max: 1 } } }
			feature { name: "gone" type: INT presence { min_count: 1 } } } }`,
		stats: stats1(10, `features { path { step: "##SEQUENCE##" } type: STRUCT struct_stats { common_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 1 } } }
			features { path { step: "##SEQUENCE##" step: "a" } type: INT num_stats { common_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 2
			  presence_and_valency_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 2 }
			  presence_and_valency_stats { num_non_missing: 12 min_num_values: 0 max_num_values: 3 } } } }
			features { path { step: "##SEQUENCE##" step: "new" } type: FLOAT num_stats { common_stats { num_non_missing: 1 num_missing: 9 } } }`),
		want: []Anomaly{
			{"##SEQUENCE##.a", HighNumberValues, "Superfluous values", "Some examples have more values than expected at nestedness level 1."},
			{"##SEQUENCE##.gone", MissingColumn, "Column dropped", "Column is completely missing"},
			{"##SEQUENCE##.new", NewColumn, "New column", "New column (column in data but not in schema)"},
		},
	}, {
		name:   "dataset constraints",
		schema: `dataset_constraints { min_examples_count: 20 }`,
		stats:  stats1(10, ""),
		want:   []Anomaly{{"", LowNumExamples, "Low num examples in dataset.", "The dataset has 10 examples, which is fewer than expected."}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Options{Environment: tt.env}.Statistics(
				parse(t, &metadatapb.Schema{}, tt.schema), parse(t, &metadatapb.DatasetFeatureStatisticsList{}, tt.stats))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep.Anomalies); diff != "" {
				t.Errorf("anomalies (-want +got):\n%s", diff)
			}
			if rep.OK() != (len(tt.want) == 0) {
				t.Errorf("OK() = %v", rep.OK())
			}
		})
	}
}

func TestStatisticsErrors(t *testing.T) {
	_, err := Options{}.Statistics(&metadatapb.Schema{}, &metadatapb.DatasetFeatureStatisticsList{})
	if !errors.Is(err, ErrDatasets) {
		t.Errorf("error %v, want %v", err, ErrDatasets)
	}
}

func TestReport(t *testing.T) {
	rep := &Report{NumExamples: 3, Anomalies: []Anomaly{
		{"", LowNumExamples, "Low num examples in dataset.", "The dataset has 3 examples, which is fewer than expected."},
		{"company", UnexpectedStringValues, "Unexpected string values", "Examples contain values missing from the schema: x (~33%)."},
	}}
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	wantText := `FEATURE    KIND                                ANOMALY
(dataset)  DATASET_LOW_NUM_EXAMPLES            Low num examples in dataset.: The dataset has 3 examples, which is fewer than expected.
company    ENUM_TYPE_UNEXPECTED_STRING_VALUES  Unexpected string values: Examples contain values missing from the schema: x (~33%).
2 anomalies (3 examples)
`
	if diff := cmp.Diff(wantText, text.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	wantJSON := `{
  "num_examples": 3,
  "anomalies": [
    {
      "feature": "",
      "type": "DATASET_LOW_NUM_EXAMPLES",
      "short_description": "Low num examples in dataset.",
      "description": "The dataset has 3 examples, which is fewer than expected."
    },
    {
      "feature": "company",
      "type": "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
      "short_description": "Unexpected string values",
      "description": "Examples contain values missing from the schema: x (~33%)."
    }
  ]
}
`
	if diff := cmp.Diff(wantJSON, js.String()); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	var none bytes.Buffer
	if err := (&Report{NumExamples: 5}).WriteJSON(&none); err != nil {
		t.Fatal(err)
	}
	if got := none.String(); got != "{\n  \"num_examples\": 5,\n  \"anomalies\": []\n}\n" {
		t.Errorf("empty JSON report: %q", got)
	}
}

func realdata(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA not set")
	}
	return dir
}

func readStats(t *testing.T, path string) *metadatapb.DatasetFeatureStatisticsList {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) == "stats_tfrecord" {
		r, err := tfrecord.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if b, err = r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	return parseBinary(t, b)
}

func parseBinary(t *testing.T, b []byte) *metadatapb.DatasetFeatureStatisticsList {
	t.Helper()
	var l metadatapb.DatasetFeatureStatisticsList
	if err := proto.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

// TestRealDataNoAnomalies validates TFX's statistics against the schemas
// TFX's SchemaGen inferred from them: no anomalies, as TFX's
// ExampleValidator found for iris (its anomalies.pbtxt lists none).
func TestRealDataNoAnomalies(t *testing.T) {
	root := realdata(t)
	iris := filepath.Join(root, "tfx/tfx/examples/iris/iris_native_keras_custom_splits")
	taxi := filepath.Join(root, "tfx/tfx/components/testdata")
	for _, tt := range []struct{ schema, stats string }{
		{filepath.Join(iris, "SchemaGen/schema/5/schema.pbtxt"), filepath.Join(iris, "StatisticsGen/statistics/4/training/stats_tfrecord")},
		{filepath.Join(iris, "SchemaGen/schema/5/schema.pbtxt"), filepath.Join(iris, "StatisticsGen/statistics/4/evaluating/stats_tfrecord")},
		{filepath.Join(taxi, "schema_gen/schema.pbtxt"), filepath.Join(taxi, "statistics_gen/Split-train/FeatureStats.pb")},
		{filepath.Join(taxi, "schema_gen/schema.pbtxt"), filepath.Join(taxi, "statistics_gen/Split-eval/FeatureStats.pb")},
	} {
		t.Run(filepath.Base(filepath.Dir(tt.stats)), func(t *testing.T) {
			s, err := schema.Load(tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Options{}.Statistics(s, readStats(t, tt.stats))
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("anomalies: %v", rep.Anomalies)
			}
		})
	}
}

// TestRealDataTaxiRecords validates today's taxi records against TFX's
// taxi schema. TFX inferred that schema from data that wrote missing cells
// as empty lists (see stats' TestRealDataTaxi), so every feature it marks
// as always present while today's records have it missing somewhere is
// "Column dropped", and only those.
func TestRealDataTaxiRecords(t *testing.T) {
	root := filepath.Join(realdata(t), "tfx/tfx/components/testdata")
	s, err := schema.Load(filepath.Join(root, "schema_gen/schema.pbtxt"))
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := tfxio.Open(context.Background(), []string{filepath.Join(root, "csv_example_gen/Split-eval") + "/"}, tfxio.ReadOptions{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	rep, err := Options{}.Records(context.Background(), s, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range rep.Anomalies {
		got = append(got, a.Feature+" "+string(a.Kind))
	}
	want := []string{
		"company FEATURE_TYPE_LOW_FRACTION_PRESENT",
		"dropoff_census_tract FEATURE_TYPE_LOW_FRACTION_PRESENT",
		"dropoff_community_area FEATURE_TYPE_LOW_FRACTION_PRESENT",
		"dropoff_latitude FEATURE_TYPE_LOW_FRACTION_PRESENT",
		"dropoff_longitude FEATURE_TYPE_LOW_FRACTION_PRESENT",
		// The one record with a pickup_census_tract is in Split-train.
		"pickup_census_tract FEATURE_TYPE_NOT_PRESENT",
		"trip_seconds FEATURE_TYPE_LOW_FRACTION_PRESENT",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("anomalies (-want +got):\n%s", diff)
	}
}

// TestRecords infers a schema from one sample of taxi-like records and
// validates another against it, then a schema that no longer fits.
func TestRecords(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	reader := func(recs [][]byte) array.RecordReader {
		d, err := example.DecodeOptions{Allocator: mem}.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.Decode(recs)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Release()
		r, err := array.NewRecordReader(b.Schema(), []arrow.RecordBatch{b})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	train := reader(synth.Taxi(2000, 1))
	defer train.Release()
	s, err := schema.InferOptions{}.InferRecords(context.Background(), train)
	if err != nil {
		t.Fatal(err)
	}
	eval := reader(synth.Taxi(500, 2))
	defer eval.Release()
	rep, err := Options{}.Records(context.Background(), s, eval)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.NumExamples != 500 {
		t.Errorf("same distribution: %d examples, anomalies %v", rep.NumExamples, rep.Anomalies)
	}

	for _, f := range s.GetFeature() {
		if f.GetName() == "fare" {
			f.ShapeType = &metadatapb.Feature_Shape{Shape: &metadatapb.FixedShape{Dim: []*metadatapb.FixedShape_Dim{{Size: proto.Int64(2)}}}}
		}
	}
	s.StringDomain[0].Value = s.StringDomain[0].Value[1:]
	again := reader(synth.Taxi(500, 2))
	defer again.Release()
	if rep, err = (Options{}).Records(context.Background(), s, again); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range rep.Anomalies {
		kinds = append(kinds, a.Feature+" "+string(a.Kind))
	}
	want := []string{"company ENUM_TYPE_UNEXPECTED_STRING_VALUES", "fare FEATURE_TYPE_LOW_NUMBER_VALUES", "fare FEATURE_TYPE_LOW_FRACTION_PRESENT"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("anomalies (-want +got):\n%s", diff)
	}
}
