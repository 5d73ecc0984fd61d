package csv_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gobsl/gobsl/coders/csv"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func ExampleNewReader() {
	const data = `fare,company,trip_miles,tips
5.85,Taxi Affiliation Services,0,
16.65,,6.9,1.5
`
	r, err := csv.NewReader(strings.NewReader(data), nil, csv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for _, f := range r.Schema().Fields() {
		fmt.Printf("%s: %s\n", f.Name, f.Type)
	}
	for r.Next() {
		rb := r.RecordBatch()
		for i, col := range rb.Columns() {
			fmt.Println(rb.ColumnName(i), col)
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// fare: large_list<item: float32, nullable>
	// company: large_list<item: large_binary, nullable>
	// trip_miles: large_list<item: float32, nullable>
	// tips: large_list<item: float32, nullable>
	// fare [[5.85] [16.65]]
	// company [["Taxi Affiliation Services"] (null)]
	// trip_miles [[0] [6.9]]
	// tips [(null) [1.5]]
}

func ExampleInfer() {
	const data = "a,b,c,d,e\n 1,0x10,nan,,1_000\n+5,true,.5,,9223372036854775808\n"
	schema, err := csv.Infer(strings.NewReader(data), csv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range schema.Fields() {
		fmt.Printf("%s: %s\n", f.Name, f.Type)
	}
	// Output:
	// a: large_list<item: int64, nullable>
	// b: large_list<item: large_binary, nullable>
	// c: large_list<item: float32, nullable>
	// d: null
	// e: large_list<item: large_binary, nullable>
}

func ExampleOptions_multivalent() {
	const data = "id,tags,scores\n1,a|b,1|2.5\n2,,3\n"
	r, err := csv.NewReader(strings.NewReader(data), nil, csv.Options{
		MultivalentColumns: []string{"tags", "scores"},
		SecondaryDelimiter: '|',
		RawRecordColumn:    "raw",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
		rb := r.RecordBatch()
		for i, col := range rb.Columns() {
			fmt.Println(rb.ColumnName(i), col)
		}
	}
	// Output:
	// id [[1] [2]]
	// tags [["a" "b"] (null)]
	// scores [[1 2.5] [3]]
	// raw [["1,a|b,1|2.5"] ["2,,3"]]
}

func ExampleParseError() {
	name, typ := "fare", metadatapb.FeatureType_FLOAT
	schema := &metadatapb.Schema{Feature: []*metadatapb.Feature{{Name: &name, Type: &typ}}}
	const data = "fare,company\n5.85,A\n\"1.5x\",B\n"
	r, err := csv.NewReader(strings.NewReader(data), nil, csv.Options{Schema: schema})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
	}
	err = r.Err()
	fmt.Println(err)
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Line, pe.Column, pe.Name, errors.Is(err, csv.ErrValue))
	}
	// Output:
	// csv: line 3, column "fare": cannot parse "1.5x" as FLOAT
	// 3 1 fare true
}
