package fileset

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// makeTree creates the files (with parent directories) under dir.
func makeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir,
		"examples/Split-train/data_tfrecord-00000-of-00002.gz",
		"examples/Split-train/data_tfrecord-00001-of-00002.gz",
		"examples/Split-eval/data_tfrecord-00000-of-00001.gz",
		"examples/_SUCCESS",
		"examples/.hidden",
		"examples/.data.gz.tmp-abc",
		"examples/part.tmp",
		"examples/x.index",
		"examples/x.crc",
		"examples/_temporary/0/part-0",
		"examples/.git/HEAD",
		"shards/data-00000-of-00003.gz",
		"shards/data-00001-of-00003.gz",
		"shards/data-00002-of-00003.gz",
		"broken/data-00000-of-00003",
		"broken/data-00002-of-00003",
		"plain/b.tfrecord",
		"plain/a.tfrecord",
		"plain/c.csv",
		"literal/x@2",
		"literal/[odd].tfrecord",
		"empty/_SUCCESS",
		"big/x-000000000000-of-999999999999",
	)
	if err := os.Symlink(filepath.Join(dir, "plain/a.tfrecord"), filepath.Join(dir, "plain/link.tfrecord")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "shards"), filepath.Join(dir, "plain/linkdir")); err != nil {
		t.Fatal(err)
	}
	p := func(s string) string { return filepath.Join(dir, s) }

	tests := []struct {
		name     string
		patterns []string
		want     []string
		wantErr  error // matched with errors.Is; nil: success
	}{
		{"stdin", []string{"-"}, []string{"-"}, nil},
		{"file", []string{p("plain/b.tfrecord")}, []string{p("plain/b.tfrecord")}, nil},
		{"pattern order kept, sorted within",
			[]string{p("plain/*.tfrecord"), p("shards")},
			[]string{p("plain/a.tfrecord"), p("plain/b.tfrecord"), p("plain/link.tfrecord"),
				p("shards/data-00000-of-00003.gz"), p("shards/data-00001-of-00003.gz"), p("shards/data-00002-of-00003.gz")}, nil},
		{"directory with splits, markers skipped", []string{p("examples")},
			[]string{
				p("examples/Split-eval/data_tfrecord-00000-of-00001.gz"),
				p("examples/Split-train/data_tfrecord-00000-of-00002.gz"),
				p("examples/Split-train/data_tfrecord-00001-of-00002.gz"),
			}, nil},
		{"directory links: to files followed, to directories not", []string{p("plain")},
			[]string{p("plain/a.tfrecord"), p("plain/b.tfrecord"), p("plain/c.csv"), p("plain/link.tfrecord")}, nil},
		{"glob matching directories", []string{p("examples/Split-*")},
			[]string{
				p("examples/Split-eval/data_tfrecord-00000-of-00001.gz"),
				p("examples/Split-train/data_tfrecord-00000-of-00002.gz"),
				p("examples/Split-train/data_tfrecord-00001-of-00002.gz"),
			}, nil},
		{"duplicates removed", []string{p("plain/a.tfrecord"), p("plain/*.tfrecord"), p("plain/../plain/a.tfrecord")},
			[]string{p("plain/a.tfrecord"), p("plain/b.tfrecord"), p("plain/link.tfrecord")}, nil},
		{"@N with extension", []string{p("shards/data@3.gz")},
			[]string{p("shards/data-00000-of-00003.gz"), p("shards/data-00001-of-00003.gz"), p("shards/data-00002-of-00003.gz")}, nil},
		{"@N, shard missing", []string{p("broken/data@3")}, nil, ErrMissingShard},
		{"@N, no such shards", []string{p("shards/data@4.gz")}, nil, ErrMissingShard},
		{"@N, absurd N", []string{p("shards/data@999999999999.gz")}, nil, ErrMissingShard},
		{"?????-of-N, absurd N", []string{p("big/x-????????????-of-999999999999")}, nil, ErrMissingShard},
		{"?????-of-N", []string{p("shards/data-?????-of-00003.gz")},
			[]string{p("shards/data-00000-of-00003.gz"), p("shards/data-00001-of-00003.gz"), p("shards/data-00002-of-00003.gz")}, nil},
		{"?????-of-N with a glob suffix", []string{p("shards/data-?????-of-00003*")},
			[]string{p("shards/data-00000-of-00003.gz"), p("shards/data-00001-of-00003.gz"), p("shards/data-00002-of-00003.gz")}, nil},
		{"?????-of-N, shard missing", []string{p("broken/data-?????-of-00003")}, nil, ErrMissingShard},
		{"existing name taken literally", []string{p("literal/x@2"), p("literal/[odd].tfrecord")},
			[]string{p("literal/x@2"), p("literal/[odd].tfrecord")}, nil},
		{"no match", []string{p("plain/*.parquet")}, nil, ErrNoMatch},
		{"no such file", []string{p("nope.tfrecord")}, nil, ErrNoMatch},
		{"directory without data", []string{p("empty")}, nil, ErrNoMatch},
		{"one bad pattern fails all", []string{p("plain/a.tfrecord"), p("nope")}, nil, ErrNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(tt.patterns...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Expand(%q) error = %v, want %v", tt.patterns, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Expand(%q): %v", tt.patterns, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand(%q) (-want +got):\n%s", tt.patterns, diff)
			}
		})
	}
}

func TestExpandErrorText(t *testing.T) {
	dir := t.TempDir()
	makeTree(t, dir, "data-00000-of-00010", "data-00001-of-00010", "data-00002-of-00010")
	tests := []struct {
		name    string
		pattern string
		want    string
	}{
		{"@N", filepath.Join(dir, "data@10"), "fileset: shard 3 of 10 missing: " + filepath.Join(dir, "data-00003-of-00010")},
		{"?????", filepath.Join(dir, "data-?????-of-00010"), "fileset: shard 3 of 10 missing: " + filepath.Join(dir, "data-00003-of-00010")},
		{"no match", filepath.Join(dir, "*.gz"), `fileset: no files match "` + filepath.Join(dir, "*.gz") + `"`},
		{"double star", filepath.Join(dir, "**", "x"), `fileset: pattern "` + filepath.Join(dir, "**", "x") + `": ** is not supported`},
		{"bad glob", filepath.Join(dir, "[x"), `fileset: pattern "` + filepath.Join(dir, "[x") + `": syntax error in pattern`},
		{"empty", "", "fileset: empty pattern"},
		{"zero shards", filepath.Join(dir, "data@0"), `fileset: pattern "` + filepath.Join(dir, "data@0") + `": bad shard count "0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Expand(tt.pattern)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Expand(%q) error =\n%v\nwant\n%s", tt.pattern, err, tt.want)
			}
		})
	}
}

func TestShardName(t *testing.T) {
	tests := []struct {
		prefix        string
		shard, shards int
		ext           string
		want          string
	}{
		{"prefix", 3, 10, "", "prefix-00003-of-00010"},
		{"out/data", 0, 1, ".gz", "out/data-00000-of-00001.gz"},
		{"x", 123456, 200000, ".zst", "x-123456-of-200000.zst"},
	}
	for _, tt := range tests {
		if got := ShardName(tt.prefix, tt.shard, tt.shards, tt.ext); got != tt.want {
			t.Errorf("ShardName(%q, %d, %d, %q) = %q, want %q", tt.prefix, tt.shard, tt.shards, tt.ext, got, tt.want)
		}
	}
}

// TestShardNamesExpand: what ShardName writes, prefix@N reads.
func TestShardNamesExpand(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 12 {
		name := ShardName(filepath.Join(dir, "out"), i, 12, ".gz")
		makeTree(t, "/", name)
		want = append(want, name)
	}
	got, err := Expand(filepath.Join(dir, "out@12.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
