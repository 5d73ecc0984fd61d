package stats_test

import (
	"fmt"
	"log"
	"os"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/stats"
)

func record(feats map[string]*examplepb.Feature) []byte {
	b, err := proto.Marshal(&examplepb.Example{Features: &examplepb.Features{Feature: feats}})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func ExampleAccumulator() {
	dec, err := example.DecodeOptions{}.NewDecoder()
	if err != nil {
		log.Fatal(err)
	}
	// Two batches, summarised apart and merged, as workers would.
	parts := [][][]byte{{
		record(map[string]*examplepb.Feature{"age": synth.Int64(29), "city": synth.Strings("Oslo")}),
		record(map[string]*examplepb.Feature{"age": synth.Int64(41), "city": synth.Strings("Rome")}),
	}, {
		record(map[string]*examplepb.Feature{"age": synth.Int64(0), "city": synth.Strings("Oslo")}),
		record(map[string]*examplepb.Feature{"city": synth.Strings()}),
	}}
	total := stats.NewAccumulator(stats.Options{})
	for _, recs := range parts {
		b, err := dec.Decode(recs)
		if err != nil {
			log.Fatal(err)
		}
		acc := stats.NewAccumulator(stats.Options{})
		err = acc.Add(b)
		b.Release()
		if err != nil {
			log.Fatal(err)
		}
		total.Merge(acc)
	}
	res := total.Result()
	age := res.GetDatasets()[0].GetFeatures()[0].GetNumStats()
	fmt.Printf("age: mean %.4g, std_dev %.4g, median %g, %d zeros\n", age.GetMean(), age.GetStdDev(), age.GetMedian(), age.GetNumZeros())
	if err := stats.WriteTable(os.Stdout, res); err != nil {
		log.Fatal(err)
	}
	// Output:
	// age: mean 23.33, std_dev 17.21, median 29, 1 zeros
	// 4 examples, 2 features
	// FEATURE  TYPE    PRESENT  MISSING  VALUES min/avg/max  SUMMARY
	// age      INT     3        1        1/1/1               mean=23.3333 sd=17.2111 min=0 median=29 max=41 zeros=1
	// city     STRING  4        0        0/0.75/1            unique=2 avg_length=4 top="Oslo"(2)
}
