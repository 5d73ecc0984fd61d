package examplepb_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/gobsl/gobsl/proto/examplepb"
)

// protoc runs protoc with our .proto sources on its include path, feeding it
// stdin, and returns its standard output. It skips the test when protoc is
// not installed (Debian: apt-get install protobuf-compiler).
func protoc(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("protoc")
	if err != nil {
		t.Skip("protoc not on PATH")
	}
	root, err := filepath.Abs("..") // the buf module root, proto/
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"-I", root}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("protoc %v: %v\n%s", args, err, stderr.Bytes())
	}
	return out
}

// TestProtocOracle encodes an Example with our Go types and checks what
// protoc --decode tensorflow.Example prints, then encodes that text with
// protoc --encode and checks that our Go types decode it back.
func TestProtocOracle(t *testing.T) {
	const file = "tensorflow/core/example/example.proto"
	ex := &examplepb.Example{Features: &examplepb.Features{Feature: map[string]*examplepb.Feature{
		"age":   {Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: []int64{42, -1}}}},
		"empty": {Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{}}},
		"fare":  {Kind: &examplepb.Feature_FloatList{FloatList: &examplepb.FloatList{Value: []float32{1.5}}}},
		"name":  {Kind: &examplepb.Feature_BytesList{BytesList: &examplepb.BytesList{Value: [][]byte{[]byte("x\x00y")}}}},
		"unset": {},
	}}}
	want := `features {
  feature {
    key: "age"
    value {
      int64_list {
        value: 42
        value: -1
      }
    }
  }
  feature {
    key: "empty"
    value {
      int64_list {
      }
    }
  }
  feature {
    key: "fare"
    value {
      float_list {
        value: 1.5
      }
    }
  }
  feature {
    key: "name"
    value {
      bytes_list {
        value: "x\000y"
      }
    }
  }
  feature {
    key: "unset"
    value {
    }
  }
}
`
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	got := protoc(t, b, "--decode", "tensorflow.Example", file)
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("protoc --decode mismatch (-want +got):\n%s", diff)
	}

	enc := protoc(t, []byte(want), "--encode", "tensorflow.Example", file)
	var back examplepb.Example
	if err := proto.Unmarshal(enc, &back); err != nil {
		t.Fatalf("Unmarshal of protoc --encode output: %v", err)
	}
	if diff := cmp.Diff(ex, &back, protocmp.Transform()); diff != "" {
		t.Errorf("protoc --encode then Unmarshal mismatch (-want +got):\n%s", diff)
	}
}
