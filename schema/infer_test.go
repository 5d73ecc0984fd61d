package schema

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

func parseStats(t *testing.T, text string) *metadatapb.DatasetFeatureStatisticsList {
	t.Helper()
	l := &metadatapb.DatasetFeatureStatisticsList{}
	if err := prototext.Unmarshal([]byte(text), l); err != nil {
		t.Fatalf("bad test statistics: %v", err)
	}
	return l
}

func parseSchema(t *testing.T, text string) *metadatapb.Schema {
	t.Helper()
	s := &metadatapb.Schema{}
	if err := prototext.Unmarshal([]byte(text), s); err != nil {
		t.Fatalf("bad test schema: %v", err)
	}
	return s
}

// One-feature statistics of 10 examples.
const (
	required1 = `datasets { num_examples: 10 features { path { step: "f" } type: INT num_stats {
		common_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 1 tot_num_values: 10 } min: 3 max: 9 } } }`
	optionalEmpty = `datasets { num_examples: 10 features { path { step: "f" } type: FLOAT num_stats {
		common_stats { num_non_missing: 7 num_missing: 3 min_num_values: 0 max_num_values: 4 } } } }`
	neverPresent = `datasets { num_examples: 10 features { path { step: "f" } type: STRING string_stats {
		common_stats { num_missing: 10 } } } }`
	strings3 = `datasets { num_examples: 10 features { path { step: "f" } type: STRING string_stats {
		common_stats { num_non_missing: 10 min_num_values: 1 max_num_values: 3 tot_num_values: 15 }
		unique: 3 rank_histogram { buckets { label: "z" sample_count: 9 } buckets { label: "a" sample_count: 5 } buckets { label: "m" sample_count: 1 } } } } }`
	nested = `datasets { num_examples: 10 features { path { step: "f" } type: INT num_stats {
		common_stats { num_non_missing: 10 min_num_values: 2 max_num_values: 2
		  presence_and_valency_stats { num_non_missing: 10 min_num_values: 2 max_num_values: 2 }
		  presence_and_valency_stats { num_non_missing: 20 min_num_values: 3 max_num_values: 3 } } } } }`
)

func stringFeature(labels ...string) string {
	h := ""
	for _, l := range labels {
		h += `buckets { label: "` + l + `" sample_count: 1 } `
	}
	return `datasets { num_examples: 4 features { path { step: "s" } type: STRING string_stats {
		common_stats { num_non_missing: 4 min_num_values: 1 max_num_values: 1 } rank_histogram { ` + h + ` } } } }`
}

func TestInfer(t *testing.T) {
	tests := []struct {
		name  string
		opts  InferOptions
		stats string
		want  string
	}{{
		name:  "required, one value",
		stats: required1,
		want:  `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:  "required, one value, with shapes",
		opts:  InferOptions{InferFeatureShape: true},
		stats: required1,
		want:  `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } shape { dim { size: 1 } } }`,
	}, {
		name:  "optional with empty lists: no value_count, no shape",
		opts:  InferOptions{InferFeatureShape: true},
		stats: optionalEmpty,
		want:  `feature { name: "f" type: FLOAT presence { min_count: 1 } }`,
	}, {
		name:  "never present",
		stats: neverPresent,
		want:  `feature { name: "f" type: BYTES presence { min_count: 0 } }`,
	}, {
		name:  "string domain, sorted",
		stats: strings3,
		want: `feature { name: "f" type: BYTES domain: "f" presence { min_fraction: 1 min_count: 1 } value_count { min: 1 } }
			string_domain { name: "f" value: ["a", "m", "z"] }`,
	}, {
		name:  "string domain too large",
		opts:  InferOptions{MaxStringDomainSize: 2},
		stats: strings3,
		want:  `feature { name: "f" type: BYTES presence { min_fraction: 1 min_count: 1 } value_count { min: 1 } }`,
	}, {
		name:  "no string domains",
		opts:  InferOptions{MaxStringDomainSize: -1},
		stats: strings3,
		want:  `feature { name: "f" type: BYTES presence { min_fraction: 1 min_count: 1 } value_count { min: 1 } }`,
	}, {
		name: "INT in [0, 1]: bool_domain",
		stats: `datasets { num_examples: 2 features { path { step: "b" } type: INT num_stats {
			common_stats { num_non_missing: 2 min_num_values: 1 max_num_values: 1 } min: 0 max: 1 } } }`,
		want: `feature { name: "b" type: INT bool_domain {} presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:  "true/false strings: bool_domain",
		stats: stringFeature("false", "true"),
		want: `feature { name: "s" type: BYTES bool_domain { true_value: "true" false_value: "false" }
			presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:  "integer strings: int_domain",
		stats: stringFeature("12", "-3", "7"),
		want:  `feature { name: "s" type: BYTES int_domain {} presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:  "not UTF-8: no domain",
		stats: stringFeature("a", "__BYTES_VALUE__"),
		want:  `feature { name: "s" type: BYTES presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:  "nested: value_counts",
		stats: nested,
		want: `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 }
			value_counts { value_count { min: 2 max: 2 } value_count { min: 3 max: 3 } } }`,
	}, {
		name:  "nested: shape",
		opts:  InferOptions{InferFeatureShape: true},
		stats: nested,
		want:  `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } shape { dim { size: 2 } dim { size: 3 } } }`,
	}, {
		name: "struct by path: fields in struct_domain, no shapes",
		opts: InferOptions{InferFeatureShape: true},
		stats: `datasets { num_examples: 4
			features { path { step: "##SEQUENCE##" step: "b" } type: FLOAT num_stats { common_stats { num_non_missing: 2 num_missing: 2 min_num_values: 1 max_num_values: 1
			  presence_and_valency_stats { num_non_missing: 2 num_missing: 2 min_num_values: 1 max_num_values: 1 }
			  presence_and_valency_stats { num_non_missing: 2 min_num_values: 2 max_num_values: 2 } } } }
			features { path { step: "##SEQUENCE##" } type: STRUCT struct_stats { common_stats { num_non_missing: 4 min_num_values: 1 max_num_values: 1 } } }
			features { path { step: "##SEQUENCE##" step: "a" } type: INT num_stats { common_stats { num_non_missing: 4 min_num_values: 1 max_num_values: 3
			  presence_and_valency_stats { num_non_missing: 4 min_num_values: 1 max_num_values: 3 }
			  presence_and_valency_stats { num_non_missing: 6 num_missing: 2 max_num_values: 3 } } } } }`,
		want: `feature { name: "##SEQUENCE##" type: STRUCT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 }
			struct_domain {
			  feature { name: "a" type: INT presence { min_fraction: 1 min_count: 1 } value_counts { value_count { min: 1 } value_count { } } }
			  feature { name: "b" type: FLOAT presence { min_count: 1 } value_counts { value_count { min: 1 max: 1 } value_count { min: 2 max: 2 } } }
			} }`,
	}, {
		name: "struct by name",
		stats: `datasets { num_examples: 1
			features { name: "s" type: STRUCT struct_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } } }
			features { name: "s.x" type: INT num_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } } }
			features { name: "sx" type: INT num_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } } } }`,
		want: `feature { name: "s" type: STRUCT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 }
			  struct_domain { feature { name: "x" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } } } }
			feature { name: "sx" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.opts.Infer(parseStats(t, tt.stats))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(parseSchema(t, tt.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("schema (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInferErrors(t *testing.T) {
	tests := []struct {
		name, stats string
		want        error
	}{
		{"no dataset", ``, ErrDatasets},
		{"two datasets", `datasets {} datasets {}`, ErrDatasets},
		{"names and paths", `datasets { features { name: "a" num_stats {} } features { path { step: "b" } num_stats {} } }`, ErrFeatureIDs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := InferOptions{}.Infer(parseStats(t, tt.stats))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if _, err := (InferOptions{}).Update(&metadatapb.Schema{}, parseStats(t, tt.stats)); !errors.Is(err, tt.want) {
				t.Fatalf("Update: error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStringDomainNames(t *testing.T) {
	got, err := InferOptions{}.Infer(parseStats(t, `datasets { num_examples: 1
		features { path { step: "a.b" } type: STRING string_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } rank_histogram { buckets { label: "x" } } } }
		features { path { step: "a" } type: STRUCT struct_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } } }
		features { path { step: "a" step: "b" } type: STRING string_stats { common_stats { num_non_missing: 1 min_num_values: 1 max_num_values: 1 } rank_histogram { buckets { label: "y" } } } } }`))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range got.GetStringDomain() {
		names = append(names, d.GetName())
	}
	// "(a.b)" for the feature named a.b, "a.b" for field b of a.
	if diff := cmp.Diff([]string{"(a.b)", "a.b"}, names); diff != "" {
		t.Errorf("domain names (-want +got):\n%s", diff)
	}
}

func TestUpdate(t *testing.T) {
	tests := []struct {
		name          string
		schema, stats string
		want          string
	}{{
		name:   "fits: unchanged",
		schema: `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
		stats:  required1,
		want:   `feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:   "value_count and presence widened",
		schema: `feature { name: "f" type: FLOAT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 2 } }`,
		stats:  optionalEmpty,
		want:   `feature { name: "f" type: FLOAT presence { min_fraction: 0.7 min_count: 1 } value_count { max: 4 } }`,
	}, {
		name:   "broken shape becomes value_count",
		schema: `feature { name: "f" type: FLOAT presence { min_fraction: 1 min_count: 1 } shape { dim { size: 1 } } }`,
		stats:  optionalEmpty,
		want:   `feature { name: "f" type: FLOAT presence { min_fraction: 0.7 min_count: 1 } }`,
	}, {
		name:   "new string values appended, sorted",
		schema: `feature { name: "f" type: BYTES domain: "f" } string_domain { name: "f" value: ["m", "b"] }`,
		stats:  strings3,
		want:   `feature { name: "f" type: BYTES domain: "f" } string_domain { name: "f" value: ["m", "b", "a", "z"] }`,
	}, {
		name:   "new values within distribution_constraints",
		schema: `feature { name: "f" type: BYTES string_domain { value: ["z"] } distribution_constraints { min_domain_mass: 0.5 } }`,
		stats:  strings3,
		want:   `feature { name: "f" type: BYTES string_domain { value: ["z"] } distribution_constraints { min_domain_mass: 0.5 } }`,
	}, {
		name:   "type changed: deprecated",
		schema: `feature { name: "f" type: BYTES }`,
		stats:  required1,
		want:   `feature { name: "f" type: BYTES lifecycle_stage: DEPRECATED }`,
	}, {
		name: "new feature added, missing required one deprecated",
		schema: `feature { name: "gone" type: INT presence { min_count: 1 } }
			feature { name: "optional" type: INT presence { min_count: 0 } }`,
		stats: required1,
		want: `feature { name: "gone" type: INT presence { min_count: 1 } lifecycle_stage: DEPRECATED }
			feature { name: "optional" type: INT presence { min_count: 0 } }
			feature { name: "f" type: INT presence { min_fraction: 1 min_count: 1 } value_count { min: 1 max: 1 } }`,
	}, {
		name:   "required but in no example: deprecated",
		schema: `feature { name: "f" type: BYTES presence { min_count: 1 } }`,
		stats:  neverPresent,
		want:   `feature { name: "f" type: BYTES presence { min_count: 1 } lifecycle_stage: DEPRECATED }`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := parseSchema(t, tt.schema)
			before := prototext.Format(in)
			got, err := InferOptions{}.Update(in, parseStats(t, tt.stats))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(parseSchema(t, tt.want), got, protocmp.Transform()); diff != "" {
				t.Errorf("schema (-want +got):\n%s", diff)
			}
			if prototext.Format(in) != before {
				t.Error("Update changed its input")
			}
		})
	}
}
