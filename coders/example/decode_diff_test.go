package example_test

import (
	"testing"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/internal/synth"
)

func TestDifferentialSynth(t *testing.T) {
	ex := example.DecodeOptions{}
	seq := example.DecodeOptions{RecordType: example.SequenceExample}
	for _, tc := range []struct {
		name string
		o    example.DecodeOptions
		recs [][]byte
	}{
		{"taxi", ex, synth.Taxi(300, 1)},
		{"longlists", ex, synth.LongLists(30, 2)},
		{"edge", ex, synth.Edge()},
		{"sequence", seq, synth.Sequence(200, 3)},
		{"edgesequence", seq, synth.EdgeSequence()},
		{"taxi/list+binary", example.DecodeOptions{ListType: example.List, BytesType: example.Binary}, synth.Taxi(100, 4)},
		{"sequence/list+string", example.DecodeOptions{RecordType: example.SequenceExample, ListType: example.List, BytesType: example.LargeString}, synth.Sequence(100, 5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			decDifferential(t, tc.o, tc.recs)
		})
	}
}
