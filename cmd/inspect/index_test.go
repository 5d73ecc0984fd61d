package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gobsl/gobsl/internal/synth"
	"github.com/gobsl/gobsl/tfrecord"
)

func TestIndexAndSkip(t *testing.T) {
	dir := t.TempDir()
	recs := synth.Taxi(100, 3)
	writeRecords(t, filepath.Join(dir, "d.tfrecord"), recs, tfrecord.None)
	writeRecords(t, filepath.Join(dir, "d.tfrecord.gz"), recs, tfrecord.Gzip)

	// The index is what tfrecord2idx writes: offset and framed length.
	if code, _, errOut := runCLI(t, dir, nil, "index", "d.tfrecord"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	idx, err := os.ReadFile(filepath.Join(dir, "d.tfrecord.index"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(idx), "\n"), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("index has %d lines, want %d", len(lines), len(recs))
	}
	var off int
	for i, l := range lines {
		want := strings.Join([]string{itoa(off), itoa(len(recs[i]) + 16)}, " ")
		if l != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
		off += len(recs[i]) + 16
	}

	// --skip gives the same records with and without the index, compressed
	// or not, across files.
	_, want, _ := runCLI(t, dir, nil, "head", "--format", "flat", "--skip", "97", "-n", "5", "d.tfrecord.gz", "d.tfrecord")
	_, got, _ := runCLI(t, dir, nil, "head", "--format", "flat", "--skip", "97", "-n", "5", "d.tfrecord", "d.tfrecord.gz")
	if got != want || strings.Count(got, "\n") != 5 {
		t.Errorf("with index:\n%s\nwithout:\n%s", got, want)
	}
	_, all, _ := runCLI(t, dir, nil, "cat", "--format", "flat", "d.tfrecord")
	if !strings.HasSuffix(all, strings.Join(strings.SplitAfter(got, "\n")[:3], "")) {
		t.Errorf("skip 97 does not give the last 3 records")
	}
	_, pb, _ := runCLI(t, dir, nil, "head", "--format", "pbtxt", "--skip", "42", "-n", "1", "d.tfrecord")
	if !strings.HasPrefix(pb, "# record 42\n") {
		t.Errorf("record numbers after a seek: %q", pb[:min(len(pb), 30)])
	}
	// A stale index (older than its file) is not trusted.
	old := filepath.Join(dir, "d.tfrecord.index")
	if err := os.WriteFile(old, []byte("0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	past := mustStat(t, filepath.Join(dir, "d.tfrecord")).ModTime().Add(-3600e9)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	_, again, _ := runCLI(t, dir, nil, "head", "--format", "flat", "--skip", "97", "-n", "5", "d.tfrecord")
	if again != strings.Join(strings.SplitAfter(want, "\n")[:3], "") {
		t.Errorf("stale index used: %q", again)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func mustStat(t *testing.T, p string) os.FileInfo {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
