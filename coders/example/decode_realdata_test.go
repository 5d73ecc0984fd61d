package example_test

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/gzip"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/coders/example/internal/reference"
)

// decVerifyEntry is one file of realdata's verify.json.
type decVerifyEntry struct {
	Path            string            `json:"path"`
	Compression     string            `json:"compression"`
	Records         int               `json:"records"`
	PayloadKinds    map[string]int    `json:"payload_kinds"`
	AllFeatures     map[string]string `json:"all_features"`
	AllFeatureLists map[string]string `json:"all_feature_lists"`
}

var decCastagnoli = crc32.MakeTable(crc32.Castagnoli)

func decMaskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, decCastagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

// decReadTFRecords reads the payloads of a TFRecord file, checking the
// framing CRCs.
func decReadTFRecords(path, compression string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if compression == "GZIP" {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	var recs [][]byte
	var hdr [12]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err == io.EOF {
			return recs, nil
		} else if err != nil {
			return nil, err
		}
		if decMaskedCRC(hdr[:8]) != binary.LittleEndian.Uint32(hdr[8:]) {
			return nil, fmt.Errorf("record %d: length CRC mismatch", len(recs))
		}
		n := binary.LittleEndian.Uint64(hdr[:8])
		if n > 1<<30 {
			return nil, fmt.Errorf("record %d: length %d", len(recs), n)
		}
		data := make([]byte, n+4)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, err
		}
		if decMaskedCRC(data[:n]) != binary.LittleEndian.Uint32(data[n:]) {
			return nil, fmt.Errorf("record %d: data CRC mismatch", len(recs))
		}
		recs = append(recs, data[:n:n])
	}
}

// decKindName maps an Arrow column type to verify.json's kind names.
func decKindName(t arrow.DataType) string {
	for {
		switch tt := t.(type) {
		case *arrow.LargeListType:
			t = tt.Elem()
			continue
		case *arrow.ListType:
			t = tt.Elem()
			continue
		}
		break
	}
	switch t.ID() {
	case arrow.INT64:
		return "int64"
	case arrow.FLOAT32:
		return "float"
	case arrow.LARGE_BINARY:
		return "bytes"
	}
	return "empty"
}

// decTypedKind reduces verify.json's "empty/int64" to the column's kind.
func decTypedKind(s string) string {
	for _, k := range strings.Split(s, "/") {
		if k != "empty" {
			return k
		}
	}
	return "empty"
}

// With GOBSL_REALDATA set to the realdata directory, decode every TFRecord
// file listed in verify.json with both decoders and require equal results;
// for the files of Examples or SequenceExamples, check the columns against
// the union of features verify.json lists.
func TestDecodeRealData(t *testing.T) {
	dir := os.Getenv("GOBSL_REALDATA")
	if dir == "" {
		t.Skip("GOBSL_REALDATA not set")
	}
	js, err := os.ReadFile(filepath.Join(dir, "verify.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []decVerifyEntry
	if err := json.Unmarshal(js, &entries); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.Compression != "NONE" && e.Compression != "GZIP" {
			continue
		}
		t.Run(e.Path, func(t *testing.T) {
			recs, err := decReadTFRecords(filepath.Join(dir, e.Path), e.Compression)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != e.Records {
				t.Fatalf("read %d records, verify.json says %d", len(recs), e.Records)
			}
			pure := len(e.PayloadKinds) == 1
			for _, rt := range []example.RecordType{example.Example, example.SequenceExample} {
				want := rt == example.Example && pure && e.PayloadKinds["Example"] > 0 ||
					rt == example.SequenceExample && pure && e.PayloadKinds["SequenceExample"] > 0
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				o := example.DecodeOptions{RecordType: rt, Allocator: mem}
				ref, rerr := reference.Decode(decRefOptions(o), recs)
				got, gerr := decDecodeFast(o, recs)
				if decErrText(rerr) != decErrText(gerr) {
					t.Fatalf("%v: errors differ:\nreference: %v\nfast:      %v", rt, rerr, gerr)
				}
				if gerr != nil {
					if want {
						t.Fatalf("%v: %v", rt, gerr)
					}
					mem.AssertSize(t, 0)
					continue
				}
				if d := decDiffBatches(ref, got); d != "" {
					t.Fatalf("%v: batches differ: %s", rt, d)
				}
				decCheckLayout(t, got)
				if want {
					checked++
					decCheckKinds(t, got, e, example.DefaultSequenceColumn)
				}
				ref.Release()
				got.Release()
				mem.AssertSize(t, 0)
			}
		})
	}
	t.Logf("checked the columns of %d files", checked)
	if checked < 80 {
		t.Errorf("checked the columns of %d files, want at least 80", checked)
	}
}

func decCheckKinds(t *testing.T, rb arrow.RecordBatch, e decVerifyEntry, seqName string) {
	t.Helper()
	got := map[string]string{}
	gotLists := map[string]string{}
	for _, f := range rb.Schema().Fields() {
		if st, ok := f.Type.(*arrow.StructType); ok && f.Name == seqName {
			for _, c := range st.Fields() {
				gotLists[c.Name] = decKindName(c.Type)
			}
			continue
		}
		got[f.Name] = decKindName(f.Type)
	}
	want := map[string]string{}
	for k, v := range e.AllFeatures {
		want[k] = decTypedKind(v)
	}
	wantLists := map[string]string{}
	for k, v := range e.AllFeatureLists {
		wantLists[k] = decTypedKind(v)
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Errorf("features:\nwant %v\ngot  %v", want, got)
	}
	if fmt.Sprint(wantLists) != fmt.Sprint(gotLists) {
		t.Errorf("feature lists:\nwant %v\ngot  %v", wantLists, gotLists)
	}
}
