package example_test

import (
	"fmt"
	"log"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

func decMarshal(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func decInt64Feature(v ...int64) *examplepb.Feature {
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: v}}}
}

func decBytesFeature(v ...string) *examplepb.Feature {
	l := &examplepb.BytesList{}
	for _, s := range v {
		l.Value = append(l.Value, []byte(s))
	}
	return &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: l}}
}

// decRecords returns two serialized tf.Examples: the second lacks "hour" and
// has "company" without a kind.
func decRecords() [][]byte {
	return [][]byte{
		decMarshal(&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
			"hour":    decInt64Feature(7),
			"company": decBytesFeature("Flash Cab"),
		}}}),
		decMarshal(&examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
			"company": {},
			"tips":    decInt64Feature(),
		}}}),
	}
}

// Without a schema, columns are the names seen, sorted, typed by the
// first kind seen.
func ExampleDecoder_Decode() {
	dec, err := example.DecodeOptions{}.NewDecoder()
	if err != nil {
		log.Fatal(err)
	}
	rb, err := dec.Decode(decRecords())
	if err != nil {
		log.Fatal(err)
	}
	defer rb.Release()
	for i, f := range rb.Schema().Fields() {
		fmt.Printf("%s %v: %v\n", f.Name, f.Type, rb.Column(i))
	}
	// Output:
	// company large_list<item: large_binary, nullable>: [["Flash Cab"] (null)]
	// hour large_list<item: int64, nullable>: [[7] (null)]
	// tips large_list<item: int64, nullable>: [(null) []]
}

// With a TFMD schema the columns follow it; other features are ignored.
func ExampleDecodeOptions_NewDecoder() {
	schema := &metadatapb.Schema{Feature: []*metadatapb.Feature{
		{Name: proto.String("hour"), Type: metadatapb.FeatureType_INT.Enum()},
		{Name: proto.String("fare"), Type: metadatapb.FeatureType_FLOAT.Enum()},
	}}
	dec, err := example.DecodeOptions{Schema: schema, ListType: example.List}.NewDecoder()
	if err != nil {
		log.Fatal(err)
	}
	s, err := dec.ArrowSchema()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Field(0).Type, s.Field(1).Type)
	rb, err := dec.Decode(decRecords())
	if err != nil {
		log.Fatal(err)
	}
	defer rb.Release()
	fmt.Println(rb.Column(0), rb.Column(1))
	// Output:
	// list<item: int64, nullable> list<item: float32, nullable>
	// [[7] (null)] [(null) (null)]
}

// A Scanner collects one schema for batches decoded separately.
func ExampleScanner() {
	recs := decRecords()
	sc, err := example.NewScanner(example.DecodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		if err := sc.Scan([][]byte{r}); err != nil {
			log.Fatal(err)
		}
	}
	dec, err := example.DecodeOptions{ArrowSchema: sc.ArrowSchema()}.NewDecoder()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		rb, err := dec.Decode([][]byte{r})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rb.NumCols(), rb.Column(2))
		rb.Release()
	}
	// Output:
	// 3 [(null)]
	// 3 [[]]
}

// A BatchReader decodes batches in parallel and returns them in order.
func ExampleNewBatchReader() {
	var recs [][]byte
	for range 5 {
		recs = append(recs, decRecords()...)
	}
	schema := &metadatapb.Schema{Feature: []*metadatapb.Feature{
		{Name: proto.String("hour"), Type: metadatapb.FeatureType_INT.Enum()},
	}}
	r, err := example.NewBatchReader(example.NewSliceSource(recs), example.DecodeOptions{Schema: schema}, example.ReaderOptions{BatchSize: 4, Workers: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
		fmt.Println(r.RecordBatch().Column(0))
	}
	if err := r.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [[7] (null) [7] (null)]
	// [[7] (null) [7] (null)]
	// [[7] (null)]
}
