package tensors_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/metadatapb"
	"github.com/gobsl/gobsl/tensors"
)

// exampleBatch is one column "x" of three rows: [1 2], [], [3].
func exampleBatch() arrow.RecordBatch {
	b := array.NewLargeListBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Int64)
	defer b.Release()
	vb := b.ValueBuilder().(*array.Int64Builder)
	b.Append(true)
	vb.AppendValues([]int64{1, 2}, nil)
	b.Append(true)
	b.Append(true)
	vb.Append(3)
	x := b.NewArray()
	defer x.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: x.DataType(), Nullable: true}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{x}, 3)
}

func ExampleAdapter_Convert() {
	rb := exampleBatch()
	defer rb.Release()
	reps := map[string]*metadatapb.TensorRepresentation{
		"ragged": {Kind: &metadatapb.TensorRepresentation_RaggedTensor_{RaggedTensor: &metadatapb.TensorRepresentation_RaggedTensor{
			FeaturePath: &metadatapb.Path{Step: []string{"x"}},
		}}},
		"sparse": {Kind: &metadatapb.TensorRepresentation_VarlenSparseTensor{VarlenSparseTensor: &metadatapb.TensorRepresentation_VarLenSparseTensor{
			ColumnName: proto.String("x"),
		}}},
	}
	a, err := tensors.NewAdapter(reps, rb.Schema())
	if err != nil {
		log.Fatal(err)
	}
	ts, err := a.Convert(rb) // valid as long as rb is
	if err != nil {
		log.Fatal(err)
	}
	r := ts["ragged"].(*tensors.Ragged)
	fmt.Println("ragged values", r.Values.Data, "row splits", r.RowSplits[0].Data)
	s := ts["sparse"].(*tensors.Sparse)
	fmt.Println("sparse indices", s.Indices, "values", s.Values.Data, "dense shape", s.DenseShape)
	fmt.Println(a.Specs()["ragged"])
	// Output:
	// ragged values [1 2 3] row splits [0 2 2 3]
	// sparse indices [0 0 0 1 2 0] values [1 2 3] dense shape [3 2]
	// RaggedTensorSpec(TensorShape((None, None)), dtype=tf.int64, ragged_rank=1, row_splits_dtype=tf.int64)
}

func ExampleWriteNPZ() {
	rb := exampleBatch()
	defer rb.Release()
	// Without a TFMD schema, a list column is a varlen sparse tensor.
	reps, err := tensors.RepresentationsFromArrow(rb.Schema())
	if err != nil {
		log.Fatal(err)
	}
	a, err := tensors.NewAdapter(reps, rb.Schema())
	if err != nil {
		log.Fatal(err)
	}
	ts, err := a.Convert(rb)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tensors.WriteNPZ(&buf, ts, tensors.NPZOptions{}); err != nil {
		log.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range z.File {
		fmt.Println(f.Name)
	}
	// Output:
	// x.indices.npy
	// x.values.npy
	// x.dense_shape.npy
}
