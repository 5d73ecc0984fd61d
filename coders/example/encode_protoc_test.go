package example_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/coders/example"
)

// TestEncodeProtoc decodes encoded records with protoc, an oracle that
// shares no code with this package. It is skipped when protoc is not on
// PATH (Debian: apt-get install protobuf-compiler).
func TestEncodeProtoc(t *testing.T) {
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Skip("protoc is not on PATH")
	}
	root := filepath.Join("..", "..", "proto")
	tests := []struct {
		name   string
		opts   example.EncodeOptions
		fields []arrow.Field
		rows   string
		want   []string
	}{{
		name: "example",
		opts: example.EncodeOptions{Deterministic: true},
		fields: []arrow.Field{field("f", ll(f32)), field("i", ll(i64)), field("b", ll(lbin)),
			field("n", arrow.Null), field("s", str), field("u", lst(arrow.PrimitiveTypes.Uint8))},
		rows: `[
			{"f": [1.5, -0.0, 3e38], "i": [-1, 9223372036854775807, 0], "b": ["eP8=", ""], "s": "hé", "u": [255]},
			{"f": [], "i": null, "b": [], "s": null, "u": []}]`,
		want: []string{`features {
  feature {
    key: "b"
    value {
      bytes_list {
        value: "x\377"
        value: ""
      }
    }
  }
  feature {
    key: "f"
    value {
      float_list {
        value: 1.5
        value: -0
        value: 3e+38
      }
    }
  }
  feature {
    key: "i"
    value {
      int64_list {
        value: -1
        value: 9223372036854775807
        value: 0
      }
    }
  }
  feature {
    key: "n"
    value {
    }
  }
  feature {
    key: "s"
    value {
      bytes_list {
        value: "h\303\251"
      }
    }
  }
  feature {
    key: "u"
    value {
      int64_list {
        value: 255
      }
    }
  }
}
`, `features {
  feature {
    key: "b"
    value {
      bytes_list {
      }
    }
  }
  feature {
    key: "f"
    value {
      float_list {
      }
    }
  }
  feature {
    key: "i"
    value {
    }
  }
  feature {
    key: "n"
    value {
    }
  }
  feature {
    key: "s"
    value {
    }
  }
  feature {
    key: "u"
    value {
      int64_list {
      }
    }
  }
}
`},
	}, {
		name: "sequence example",
		opts: example.EncodeOptions{RecordType: example.SequenceExample},
		fields: []arrow.Field{field("c", ll(i64)),
			field(example.DefaultSequenceColumn, arrow.StructOf(field("q", ll(ll(f32)))))},
		rows: `[{"c": [7], "##SEQUENCE##": {"q": [[0.25], null, []]}}]`,
		want: []string{`context {
  feature {
    key: "c"
    value {
      int64_list {
        value: 7
      }
    }
  }
}
feature_lists {
  feature_list {
    key: "q"
    value {
      feature {
        float_list {
          value: 0.25
        }
      }
      feature {
      }
      feature {
        float_list {
        }
      }
    }
  }
}
`},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := newMem(t)
			defer mem.AssertSize(t, 0)
			rb := jsonBatch(t, mem, tc.fields, tc.rows)
			defer rb.Release()
			recs, err := tc.opts.EncodeBatch(rb)
			if err != nil {
				t.Fatal(err)
			}
			msg := "tensorflow.Example"
			if tc.opts.RecordType == example.SequenceExample {
				msg = "tensorflow.SequenceExample"
			}
			for i, rec := range recs {
				cmd := exec.Command(protoc, "--decode", msg, "-I", root, filepath.Join(root, "tensorflow", "core", "example", "example.proto"))
				cmd.Stdin = bytes.NewReader(rec)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("protoc: %v: %s", err, stderr.String())
				}
				if string(out) != tc.want[i] {
					t.Errorf("record %d: protoc decodes\n%s\nwant\n%s", i, out, tc.want[i])
				}
			}
		})
	}
}
