package example_test

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// The fuzz targets decode a batch of two records with the fast decoder
// and the proto.Unmarshal reference and require the same error or equal
// batches (floats compared by bits). mode picks the options: schemaless,
// a small TFMD schema, utf8 values, or a fixed Arrow schema.

func decFuzzExampleOptions(mode uint8) example.DecodeOptions {
	switch mode % 4 {
	case 1:
		return example.DecodeOptions{Schema: &metadatapb.Schema{Feature: []*metadatapb.Feature{
			decFeat("i", tINT), decFeat("f", tFLOAT), decFeat("b", tBYTES),
			decFeat("fare", tFLOAT), decFeat("company", tBYTES), decFeat("trip_start_hour", tINT),
		}}, ListType: example.ListType(mode / 4 % 2)}
	case 2:
		return example.DecodeOptions{BytesType: example.String}
	case 3:
		return example.DecodeOptions{ArrowSchema: arrow.NewSchema([]arrow.Field{
			{Name: "u", Type: arrow.Null, Nullable: true},
			{Name: "i", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
			{Name: "b", Type: arrow.LargeListOf(arrow.BinaryTypes.String), Nullable: true},
			{Name: "fare", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Float32), Nullable: true},
		}, nil)}
	}
	return example.DecodeOptions{ListType: example.ListType(mode / 4 % 2)}
}

func decFuzzSequenceOptions(mode uint8) example.DecodeOptions {
	o := example.DecodeOptions{RecordType: example.SequenceExample, ListType: example.ListType(mode / 4 % 2)}
	switch mode % 4 {
	case 1:
		o.Schema = &metadatapb.Schema{Feature: []*metadatapb.Feature{
			decFeat("c", tINT), decFeat("country", tBYTES),
			decStructFeat(example.DefaultSequenceColumn, decFeat("s", tINT), decFeat("t", tFLOAT), decFeat("w", tBYTES), decFeat("clicks", tINT), decFeat("query", tBYTES)),
			decFeat("user_id", tINT),
		}}
	case 2:
		o.BytesType = example.LargeString
	case 3:
		o.ArrowSchema = arrow.NewSchema([]arrow.Field{
			{Name: "c", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
			{Name: example.DefaultSequenceColumn, Type: arrow.StructOf(
				arrow.Field{Name: "n", Type: arrow.LargeListOf(arrow.Null), Nullable: true},
				arrow.Field{Name: "s", Type: arrow.ListOf(arrow.LargeListOf(arrow.PrimitiveTypes.Int64)), Nullable: true},
				arrow.Field{Name: "w", Type: arrow.LargeListOf(arrow.ListOf(arrow.BinaryTypes.Binary)), Nullable: true},
			), Nullable: true},
		}, nil)
	}
	return o
}

func decFuzzSeeds(f *testing.F, recs [][]byte) {
	for i, r := range recs {
		f.Add(r, recs[(i+1)%len(recs)], uint8(i))
	}
}

func FuzzDecodeExample(f *testing.F) {
	decFuzzSeeds(f, synth.Edge())
	decFuzzSeeds(f, synth.Taxi(8, 41))
	decFuzzSeeds(f, synth.LongLists(2, 42))
	f.Add([]byte{0x0a, 0x05}, []byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, a, b []byte, mode uint8) {
		decDifferential(t, decFuzzExampleOptions(mode), [][]byte{a, b})
	})
}

func FuzzDecodeSequenceExample(f *testing.F) {
	decFuzzSeeds(f, synth.EdgeSequence())
	decFuzzSeeds(f, synth.Sequence(8, 43))
	f.Add([]byte{0x12, 0x03, 0x0a}, []byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, a, b []byte, mode uint8) {
		decDifferential(t, decFuzzSequenceOptions(mode), [][]byte{a, b})
	})
}
