package example_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/tfrecord"
)

func ExampleEncodeOptions_EncodeBatch() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "age", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, // scalar: a one-value int64_list
		{Name: "tags", Type: arrow.LargeListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	rb, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(`[
		{"age": 42, "tags": ["a", "b"]},
		{"age": null, "tags": []}
	]`))
	if err != nil {
		log.Fatal(err)
	}
	defer rb.Release()

	recs, err := example.EncodeOptions{Deterministic: true}.EncodeBatch(rb)
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range recs {
		var ex examplepb.Example
		if err := proto.Unmarshal(rec, &ex); err != nil {
			log.Fatal(err)
		}
		f := ex.GetFeatures().GetFeature()
		fmt.Printf("age: %v (kind set: %v), tags: %q (kind set: %v)\n",
			f["age"].GetInt64List().GetValue(), f["age"].GetKind() != nil,
			f["tags"].GetBytesList().GetValue(), f["tags"].GetKind() != nil)
	}
	// Output:
	// age: [42] (kind set: true), tags: ["a" "b"] (kind set: true)
	// age: [] (kind set: false), tags: [] (kind set: true)
}

func ExampleEncoder_Encode() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Float32), Nullable: true},
	}, nil)
	enc, err := example.EncodeOptions{}.NewEncoder(schema)
	if err != nil {
		log.Fatal(err)
	}
	var recs [][]byte
	for _, rows := range []string{`[{"x": [1]}, {"x": [2, 3]}]`, `[{"x": null}]`} {
		rb, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(rows))
		if err != nil {
			log.Fatal(err)
		}
		// The records live in the Encoder's buffer until the next Encode:
		// reuse recs, and write or copy them before encoding again.
		recs, err = enc.Encode(rb, recs[:0])
		rb.Release()
		if err != nil {
			log.Fatal(err)
		}
		for _, rec := range recs {
			fmt.Printf("%x\n", rec)
		}
	}
	// Output:
	// 0a0f0a0d0a0178120812060a040000803f
	// 0a130a110a0178120c120a0a080000004000004040
	// 0a070a050a01781200
}

func ExampleEncodeAll() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	var batches []arrow.RecordBatch
	for _, rows := range []string{`[{"id": 1}, {"id": 2}]`, `[{"id": 3}]`} {
		rb, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(rows))
		if err != nil {
			log.Fatal(err)
		}
		defer rb.Release()
		batches = append(batches, rb)
	}
	rr, err := array.NewRecordReader(schema, batches)
	if err != nil {
		log.Fatal(err)
	}
	defer rr.Release()

	var file bytes.Buffer
	w, err := tfrecord.NewWriter(&file)
	if err != nil {
		log.Fatal(err)
	}
	n, err := example.EncodeAll(context.Background(), rr, example.EncodeOptions{}, 2, w)
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "records,", file.Len(), "bytes")
	// Output:
	// 3 records, 93 bytes
}
