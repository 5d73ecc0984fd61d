package example_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
)

// TestEncodeDifferential encodes random batches of every supported type
// with the fast encoder and with proto.Marshal of examplepb messages, and
// compares the records as parsed messages (and as bytes with
// Deterministic), or the errors.
func TestEncodeDifferential(t *testing.T) {
	seeds := 600
	if testing.Short() {
		seeds = 100
	}
	mem := newMem(t)
	defer mem.AssertSize(t, 0)
	for seed := range uint64(seeds) {
		g := &batchGen{
			r:           rand.New(rand.NewPCG(seed, 0x5eed)),
			mem:         mem,
			nullPct:     int(seed % 40),
			elemNullPct: []int{0, 0, 0, 2}[seed%4],
			overflow:    seed%7 == 0,
			badSchema:   seed%5 == 0,
		}
		gen := g.batch()
		if err := checkEncode(gen); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
		gen.rb.Release()
	}
}

// checkEncode compares the fast encoder with the reference on one batch.
func checkEncode(gen generated) error {
	seq := gen.opts.RecordType == example.SequenceExample
	fast, ferr := gen.opts.EncodeBatch(gen.rb)
	ref, rerr := reference.Encode(refOptions(gen.opts), gen.rb)
	if errText(ferr) != errText(rerr) {
		return fmt.Errorf("errors differ:\n fast      %v\n reference %v\n%s", ferr, rerr, describe(gen))
	}
	if ferr != nil {
		return nil
	}
	if len(fast) != len(ref) || len(fast) != int(gen.rb.NumRows()) {
		return fmt.Errorf("%d records, reference %d, rows %d\n%s", len(fast), len(ref), gen.rb.NumRows(), describe(gen))
	}
	for i := range fast {
		if gen.opts.Deterministic && !bytes.Equal(fast[i], ref[i]) {
			return fmt.Errorf("record %d bytes differ:\n fast      %x\n reference %x\n%s", i, fast[i], ref[i], describe(gen))
		}
	}
	fm, err := parseAll(fast, seq)
	if err != nil {
		return fmt.Errorf("fast: %v\n%s", err, describe(gen))
	}
	rm, err := parseAll(ref, seq)
	if err != nil {
		return fmt.Errorf("reference: %v", err)
	}
	// Parsed messages marshal to the same deterministic bytes exactly when
	// they are equal, float bits included; cmp explains a difference.
	det := proto.MarshalOptions{Deterministic: true}
	for i := range fm {
		fb, err1 := det.Marshal(fm[i])
		rb, err2 := det.Marshal(rm[i])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("record %d: marshal: %v, %v", i, err1, err2)
		}
		if !bytes.Equal(fb, rb) {
			diff := cmp.Diff(rm[i], fm[i], protocmp.Transform(), floatBits)
			return fmt.Errorf("record %d differs (-reference +fast):\n%s\n%s", i, diff, describe(gen))
		}
	}

	// An Encoder used again gives the same records.
	enc, err := gen.opts.NewEncoder(gen.rb.Schema())
	if err != nil {
		return err
	}
	for range 2 {
		again, err := enc.Encode(gen.rb, nil)
		if err != nil {
			return fmt.Errorf("Encode again: %v", err)
		}
		if gen.opts.Deterministic {
			if diff := cmp.Diff(fast, again, cmpopts.EquateEmpty()); diff != "" {
				return fmt.Errorf("Encode again differs (-first +again):\n%s", diff)
			}
		}
	}
	return nil
}

func describe(gen generated) string {
	var b strings.Builder
	fmt.Fprintf(&b, "options: %+v\n", gen.opts)
	if gen.opts.Schema != nil {
		fmt.Fprintf(&b, "schema: %s\n", prototext.Format(gen.opts.Schema))
	}
	for i, f := range gen.rb.Schema().Fields() {
		fmt.Fprintf(&b, "  %q %v: %v\n", f.Name, f.Type, gen.rb.Column(i))
	}
	return b.String()
}
