package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
)

// TestTextMatchesProtoc compares "inspect cat --format pbtxt" with what
// protoc --decode prints for the same records: an independent oracle for
// the text format, escapes and float formatting.
func TestTextMatchesProtoc(t *testing.T) {
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Skip("protoc is not installed (Debian package protobuf-compiler)")
	}
	protoDir, err := filepath.Abs(filepath.Join("..", "..", "proto"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, recordType, message string
		recs                      [][]byte
	}{
		{"fixture", "example", "tensorflow.Example", fixtureRecords(t)},
		{"taxi", "example", "tensorflow.Example", synth.Taxi(40, 7)},
		{"edge", "example", "tensorflow.Example", synth.Edge()},
		{"longlists", "example", "tensorflow.Example", synth.LongLists(3, 7)},
		{"sequence", "sequence_example", "tensorflow.SequenceExample", synth.Sequence(20, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.tfrecord")
			writeRecords(t, path, tt.recs, tfrecord.None)
			code, out, errOut := runCLI(t, "", nil, "cat", "--format", "pbtxt", "--record-type", tt.recordType, path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			compared := 0
			for i, rec := range tt.recs {
				m, _, err := parseRecord(rec, typeAuto)
				if err != nil || m == nil || hasUnknown(m.ProtoReflect()) {
					continue // protoc prints unknown fields by number; we leave them out
				}
				compared++
				// protoc prints map entries as they stand on the wire, a
				// repeated key twice; give it the canonical encoding of what
				// the record means (the last entry of a key wins).
				canon, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(protoc, "-I", protoDir, "--decode", tt.message, "tensorflow/core/example/example.proto")
				cmd.Stdin = bytes.NewReader(canon)
				want, err := cmd.Output()
				if err != nil {
					t.Fatalf("protoc --decode record %d: %v", i, err)
				}
				header := fmt.Sprintf("# record %d\n", i)
				start := strings.Index(out, header)
				if start < 0 {
					t.Fatalf("no %q in output", header)
				}
				got := out[start+len(header):]
				if end := strings.Index(got, "\n# record "); end >= 0 {
					got = got[:end+1]
				}
				got = strings.TrimSuffix(got, "\n") // the blank line between records
				if got != string(want) {
					t.Errorf("record %d: ours\n%s\nprotoc\n%s", i, got, want)
				}
			}
			if compared < len(tt.recs)/2 {
				t.Errorf("compared only %d of %d records", compared, len(tt.recs))
			}
		})
	}
}
