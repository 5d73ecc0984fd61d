package validate_test

import (
	"log"
	"os"

	"google.golang.org/protobuf/encoding/prototext"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/validate"
)

func ExampleOptions_Statistics() {
	var s metadatapb.Schema
	var st metadatapb.DatasetFeatureStatisticsList
	if err := prototext.Unmarshal([]byte(`
		feature { name: "payment" type: BYTES domain: "payment" presence { min_fraction: 1 min_count: 1 } }
		feature { name: "fare" type: FLOAT presence { min_count: 1 } }
		string_domain { name: "payment" value: ["Cash", "Card"] }`), &s); err != nil {
		log.Fatal(err)
	}
	if err := prototext.Unmarshal([]byte(`datasets { num_examples: 100
		features { path { step: "payment" } type: STRING string_stats {
		  common_stats { num_non_missing: 98 num_missing: 2 min_num_values: 1 max_num_values: 1 tot_num_values: 98 }
		  rank_histogram { buckets { label: "Cash" sample_count: 60 } buckets { label: "Card" sample_count: 30 } buckets { label: "Coins" sample_count: 8 } } } }
		features { path { step: "tip" } type: FLOAT num_stats { common_stats { num_non_missing: 100 min_num_values: 1 max_num_values: 1 } } } }`), &st); err != nil {
		log.Fatal(err)
	}
	rep, err := validate.Options{}.Statistics(&s, &st)
	if err != nil {
		log.Fatal(err)
	}
	if err := rep.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// FEATURE  KIND                                ANOMALY
	// fare     SCHEMA_MISSING_COLUMN               Column dropped: Column is completely missing
	// payment  FEATURE_TYPE_LOW_FRACTION_PRESENT   Column dropped: The feature was present in fewer examples than expected.
	// payment  ENUM_TYPE_UNEXPECTED_STRING_VALUES  Unexpected string values: Examples contain values missing from the schema: Coins (~8%).
	// tip      SCHEMA_NEW_COLUMN                   New column: New column (column in data but not in schema)
	// 4 anomalies (100 examples)
}
