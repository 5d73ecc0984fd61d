package main

import (
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/schema"
	"github.com/gobsl/gobsl/tfrecord"
)

// writeSynth writes records to dir/name with tfrecord.Create and returns
// the path.
func writeSynth(t *testing.T, dir, name string, recs [][]byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	w, err := tfrecord.Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// cmdData writes the generated inputs the *_cmd tests share.
func cmdData(t *testing.T) (taxi, seq string) {
	t.Helper()
	dir := t.TempDir()
	return writeSynth(t, dir, "taxi.tfrecord.gz", synth.Taxi(300, 42)),
		writeSynth(t, dir, "seq.tfrecord", synth.Sequence(80, 7))
}

func TestSchemaInferCmd(t *testing.T) {
	taxi, seq := cmdData(t)
	tests := []struct {
		name string
		args []string
	}{
		{"schema_infer", []string{"schema", "infer", "--quiet", taxi}},
		{"schema_infer_value_count", []string{"schema", "infer", "--infer-shape=false", "--max-string-domain-size", "4", taxi}},
		{"schema_infer_sequence", []string{"schema", "infer", "--record-type", "sequence_example", seq}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, tt.name, out)
			if _, err := schema.Parse([]byte(out)); err != nil {
				t.Errorf("output does not parse as a schema: %v", err)
			}
		})
	}
}

func TestSchemaInferCmdOutput(t *testing.T) {
	taxi, _ := cmdData(t)
	dir := t.TempDir()
	_, want, _ := runCLI(t, "", nil, "schema", "infer", taxi)
	for _, name := range []string{"schema.pbtxt", "schema.pb"} {
		out := filepath.Join(dir, name)
		if code, stdout, errOut := runCLI(t, "", nil, "schema", "infer", "-o", out, taxi); code != exitOK || stdout != "" {
			t.Fatalf("%s: exit %d, stdout %q: %s", name, code, stdout, errOut)
		}
		s, err := schema.Load(out)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := schema.Parse([]byte(want))
		if err != nil {
			t.Fatal(err)
		}
		if got, w := protoTextString(t, s), protoTextString(t, ws); got != w {
			t.Errorf("%s differs from standard output", name)
		}
		if code, _, errOut := runCLI(t, "", nil, "schema", "infer", "-o", out, taxi); code != exitData || !strings.Contains(errOut, "exists") {
			t.Errorf("%s again without --force: exit %d: %s", name, code, errOut)
		}
	}
}

func protoTextString(t *testing.T, m proto.Message) string {
	t.Helper()
	b, err := protoText(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSchemaCmdUsage(t *testing.T) {
	taxi, _ := cmdData(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"schema"}, "missing subcommand"},
		{"unknown subcommand", []string{"schema", "guess", taxi}, `unknown schema subcommand "guess"`},
		{"no input", []string{"schema", "infer"}, "no input files"},
		{"bad record type", []string{"schema", "infer", "--record-type", "raw", taxi}, "--record-type must be"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", nil, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// TestCmdHelp checks that each new command's help has examples.
func TestCmdHelp(t *testing.T) {
	for _, name := range []string{"schema", "stats", "validate"} {
		code, out, _ := runCLI(t, "", nil, name, "--help")
		if code != exitOK || !strings.Contains(out, "Examples:\n  inspect "+name) {
			t.Errorf("%s --help: exit %d:\n%s", name, code, out)
		}
	}
}

func TestProtoTextStable(t *testing.T) {
	// The spacing prototext varies by build is normalised: "name: value",
	// "name {".
	s, err := schema.Parse([]byte(`feature { name: "a:b" type: INT presence { min_count: 1 } int_domain {} }`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := protoText(s)
	if err != nil {
		t.Fatal(err)
	}
	want := "feature {\n  name: \"a:b\"\n  presence {\n    min_count: 1\n  }\n  type: INT\n  int_domain {\n  }\n}\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}

// TestSchemaShowCmd: the TFMD schema of TFRecord data is the one 'schema
// infer' gives for the first --sample records; Parquet and Arrow files
// show their Arrow schema, and --arrow the columns a convert would write.
func TestSchemaShowCmd(t *testing.T) {
	dir := t.TempDir()
	recs := synth.Taxi(300, 42)
	all := writeSynth(t, dir, "all.tfrecord", recs)
	first := writeSynth(t, dir, "first.tfrecord", recs[:50])

	code, shown, errOut := runCLI(t, "", nil, "schema", "show", "--sample", "50", all)
	if code != exitOK {
		t.Fatalf("schema show: exit %d: %s", code, errOut)
	}
	_, inferred, _ := runCLI(t, "", nil, "schema", "infer", first)
	if shown != inferred || !strings.Contains(shown, "feature {") {
		t.Errorf("schema show --sample 50:\n%s\nwant schema infer of the first 50 records:\n%s", shown, inferred)
	}
	_, whole, _ := runCLI(t, "", nil, "schema", "show", "--sample", "0", all)
	_, inferredAll, _ := runCLI(t, "", nil, "schema", "infer", all)
	if whole != inferredAll {
		t.Errorf("schema show --sample 0 differs from schema infer of all records")
	}

	pq := filepath.Join(dir, "taxi.parquet")
	if code, _, errOut := runCLI(t, "", nil, "convert", "--quiet", all, pq); code != exitOK {
		t.Fatalf("convert: exit %d: %s", code, errOut)
	}
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"parquet", []string{"schema", "show", pq}, []string{"fields: 18", "fare: type=large_list<element: float32, nullable>", "PARQUET:field_id"}},
		{"arrow of tfrecord", []string{"schema", "show", "--arrow", all}, []string{"fields: 18", "fare: type=large_list<item: float32, nullable>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	if code, _, errOut := runCLI(t, "", nil, "schema", "show"); code != exitUsage || !strings.Contains(errOut, "no input files") {
		t.Errorf("schema show with no input: exit %d, %s", code, errOut)
	}
}
