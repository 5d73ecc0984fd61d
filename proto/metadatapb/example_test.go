package metadatapb_test

import (
	"fmt"

	"google.golang.org/protobuf/encoding/prototext"

	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Parse a text-format schema, as TFX SchemaGen writes it, and resolve a
// domain referenced by name.
func Example() {
	const schemaPbtxt = `
feature {
  name: "fare"
  type: FLOAT
  presence { min_fraction: 1 min_count: 1 }
  shape { dim { size: 1 } }
}
feature {
  name: "payment_type"
  type: BYTES
  domain: "payment_type"
  value_count { min: 1 max: 1 }
}
feature { name: "comment" }
string_domain { name: "payment_type" value: "Cash" value: "Credit Card" }
`
	var s metadatapb.Schema
	if err := prototext.Unmarshal([]byte(schemaPbtxt), &s); err != nil {
		fmt.Println(err)
		return
	}
	domains := make(map[string]*metadatapb.StringDomain)
	for _, d := range s.GetStringDomain() {
		domains[d.GetName()] = d
	}
	for _, f := range s.GetFeature() {
		fmt.Printf("%s: %v", f.GetName(), f.GetType())
		if d, ok := f.GetDomainInfo().(*metadatapb.Feature_Domain); ok {
			fmt.Printf(" %q", domains[d.Domain].GetValue())
		}
		fmt.Println()
	}
	// Output:
	// fare: FLOAT
	// payment_type: BYTES ["Cash" "Credit Card"]
	// comment: TYPE_UNKNOWN
}
