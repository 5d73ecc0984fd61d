package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvertCSV(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.csv":   "fare,company,tags\n5.85,Taxi,x|y\n\n16.65,,z\n",
		"b.csv":   "fare,company,tags\n1,Flash Cab,\n",
		"c.txt":   "1\tp\n\n2\tq\n",
		"bad.csv": "fare,company\n1.5,a\n\"2\n3\",b\n",
		"d.csv":   "a,b\n1,\n2,x\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // the flat records of the output (cat --format flat), or stderr's text
	}{
		{
			name: "two files, inferred types",
			args: []string{"convert", "--deterministic", "a.csv", "b.csv", "out1.tfrecord"},
			out: `{"company":["Taxi"],"fare":[5.85],"tags":["x|y"]}
{"company":null,"fare":[16.65],"tags":["z"]}
{"company":["Flash Cab"],"fare":[1],"tags":null}
`,
		},
		{
			name: "multivalent columns, raw records, blank lines kept",
			args: []string{"convert", "--deterministic", "--multivalent-columns", "tags", "--secondary-delimiter", "|",
				"--raw-record-column", "raw", "--skip-blank-lines=false", "a.csv", "out2.tfrecord"},
			out: `{"company":["Taxi"],"fare":[5.85],"raw":["5.85,Taxi,x|y"],"tags":["x","y"]}
{"company":null,"fare":null,"raw":[""],"tags":null}
{"company":null,"fare":[16.65],"raw":["16.65,,z"],"tags":["z"]}
`,
		},
		{
			name: "column names, tab delimiter, named format",
			args: []string{"convert", "--deterministic", "--from", "csv", "--column-names", "n,s", "--delimiter", `\t`, "c.txt", "out3.tfrecord"},
			out: `{"n":[1],"s":["p"]}
{"n":[2],"s":["q"]}
`,
		},
		{
			name: "types from the first rows",
			args: []string{"convert", "--infer-rows", "1", "d.csv", "out4.tfrecord"},
			code: exitData,
			out:  `d.csv: csv: line 3, column "b": cannot parse "x" as null`,
		},
		{
			name: "a bad cell names file, line and column",
			args: []string{"convert", "--schema", "schema.pbtxt", "bad.csv", "out5.tfrecord"},
			code: exitData,
			out:  `bad.csv: csv: line 3, column "fare": cannot parse "2\n3" as FLOAT`,
		},
		{
			name: "a delimiter of two characters",
			args: []string{"convert", "--delimiter", "ab", "a.csv", "out6.tfrecord"},
			code: exitUsage,
			out:  `--delimiter must be one character (or \t or tab), not "ab"`,
		},
		{
			name: "a delimiter that is a quote",
			args: []string{"convert", "--delimiter", `"`, "a.csv", "out7.tfrecord"},
			code: exitUsage,
			out:  `--delimiter must be an ASCII character other than '"', '\r' and '\n', not "\""`,
		},
	}
	if err := os.WriteFile(filepath.Join(dir, "schema.pbtxt"), []byte(`feature { name: "fare" type: FLOAT }`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, dir, nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if code != exitOK {
				if !strings.Contains(errOut, tt.out) {
					t.Errorf("stderr %q, want it to contain %q", errOut, tt.out)
				}
				return
			}
			output := tt.args[len(tt.args)-1]
			code, out, errOut := runCLI(t, dir, nil, "cat", "--format", "flat", output)
			if code != exitOK || out != tt.out {
				t.Errorf("cat %s: exit %d, stderr %q\n got:\n%s\nwant:\n%s", output, code, errOut, out, tt.out)
			}
		})
	}
}
