package schema_test

import (
	"fmt"
	"log"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/stats"
)

func ExampleInferOptions_Infer() {
	var recs [][]byte
	for i, city := range []string{"Oslo", "Rome", "Oslo", "Lima"} {
		feats := map[string]*examplepb.Feature{"city": synth.Strings(city), "age": synth.Int64(int64(20 + i))}
		if i == 3 {
			feats["tags"] = synth.Strings("a", "b")
		}
		b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: feats}})
		if err != nil {
			log.Fatal(err)
		}
		recs = append(recs, b)
	}
	dec, err := example.DecodeOptions{}.NewDecoder()
	if err != nil {
		log.Fatal(err)
	}
	batch, err := dec.Decode(recs)
	if err != nil {
		log.Fatal(err)
	}
	defer batch.Release()
	acc := stats.NewAccumulator(stats.Options{})
	if err := acc.Add(batch); err != nil {
		log.Fatal(err)
	}

	s, err := schema.InferOptions{InferFeatureShape: true}.Infer(acc.Result())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range s.GetFeature() {
		fmt.Printf("%s %v presence=%v/%v value_count=%v shape=%v domain=%q\n", f.GetName(), f.GetType(),
			f.GetPresence().GetMinCount(), f.GetPresence().GetMinFraction(),
			[]int64{f.GetValueCount().GetMin(), f.GetValueCount().GetMax()}, len(f.GetShape().GetDim()), f.GetDomain())
	}
	for _, d := range s.GetStringDomain() {
		fmt.Println(d.GetName(), d.GetValue())
	}

	trs, err := schema.InferTensorRepresentations(s)
	if err != nil {
		log.Fatal(err)
	}
	names := make([]string, 0, len(trs))
	for n := range trs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		switch tr := trs[n]; {
		case tr.GetDenseTensor() != nil:
			fmt.Println(n, "dense", tr.GetDenseTensor().GetShape().GetDim()[0].GetSize())
		case tr.GetVarlenSparseTensor() != nil:
			fmt.Println(n, "varlen sparse")
		}
	}
	// Output:
	// age INT presence=1/1 value_count=[0 0] shape=1 domain=""
	// city BYTES presence=1/1 value_count=[0 0] shape=1 domain="city"
	// tags BYTES presence=1/0 value_count=[2 2] shape=0 domain="tags"
	// city [Lima Oslo Rome]
	// tags [a b]
	// age dense 1
	// city dense 1
	// tags varlen sparse
}
