package tfrecord

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// salvageAll reads r in salvage mode to its end, collecting records and
// errors. It fails the test if the loop does not end.
func salvageAll(t testing.TB, r *Reader) (recs [][]byte, errs []*Error) {
	t.Helper()
	recs = [][]byte{}
	for range 1 << 20 {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, asError(t, err))
			continue
		}
		recs = append(recs, bytes.Clone(rec))
	}
	t.Fatal("salvage loop did not end")
	return nil, nil
}

func TestSalvage(t *testing.T) {
	recs := [][]byte{[]byte("first record"), []byte("second record, the damaged one"), []byte("third record")}
	in := refFrame(recs...)
	starts := recordStarts(recs)
	mid := starts[1]
	midSize := int64(starts[2] - starts[1])
	with := func(b []byte, f func([]byte) []byte) []byte { return f(bytes.Clone(b)) }
	junk := []byte("junk!!!")

	tests := []struct {
		name        string
		in          []byte
		opts        []ReaderOption
		want        []string
		wantErrs    []*Error
		bytes, regs int64
	}{
		{
			name: "data damaged",
			in:   with(in, func(b []byte) []byte { b[mid+20] ^= 1; return b }),
			want: []string{"first record", "third record"},
			wantErrs: []*Error{
				{Record: 1, Offset: int64(mid), Reason: DataCRCMismatch},
			},
			bytes: midSize, regs: 1,
		},
		{
			name: "length damaged",
			in:   with(in, func(b []byte) []byte { b[mid+2] ^= 0x40; return b }),
			want: []string{"first record", "third record"},
			wantErrs: []*Error{
				{Record: 1, Offset: int64(mid), Reason: LengthCRCMismatch},
			},
			bytes: midSize, regs: 1,
		},
		{
			name: "length 2^62 with a valid CRC",
			in:   with(in, func(b []byte) []byte { copy(b[mid:], header(1<<62)); return b }),
			want: []string{"first record", "third record"},
			wantErrs: []*Error{
				{Record: 1, Offset: int64(mid), Reason: TooLarge, Want: 1 << 62, Got: DefaultMaxRecordSize},
			},
			bytes: midSize, regs: 1,
		},
		{
			name: "junk between records",
			in:   bytes.Join([][]byte{in[:mid], junk, in[mid:]}, nil),
			want: []string{"first record", "second record, the damaged one", "third record"},
			wantErrs: []*Error{
				{Record: 1, Offset: int64(mid), Reason: LengthCRCMismatch},
			},
			bytes: int64(len(junk)), regs: 1,
		},
		{
			name: "junk at the start",
			in:   append(bytes.Repeat(junk, 3), in...),
			want: []string{"first record", "second record, the damaged one", "third record"},
			wantErrs: []*Error{
				{Record: 0, Offset: 0, Reason: LengthCRCMismatch},
			},
			bytes: 3 * int64(len(junk)), regs: 1,
		},
		{
			name: "junk at the end",
			in:   append(bytes.Clone(in), bytes.Repeat(junk, 3)...),
			want: []string{"first record", "second record, the damaged one", "third record"},
			wantErrs: []*Error{
				{Record: 3, Offset: int64(len(in)), Reason: LengthCRCMismatch},
			},
			bytes: 3 * int64(len(junk)), regs: 1,
		},
		{
			name: "short junk at the end",
			in:   append(bytes.Clone(in), junk[:3]...),
			want: []string{"first record", "second record, the damaged one", "third record"},
			wantErrs: []*Error{
				{Record: 3, Offset: int64(len(in)), Reason: TruncatedHeader, Want: 12, Got: 3, Err: io.ErrUnexpectedEOF},
			},
			bytes: 3, regs: 1,
		},
		{
			name: "middle record cut short",
			in:   bytes.Join([][]byte{in[:mid+15], in[starts[2]:]}, nil),
			want: []string{"first record", "third record"},
			wantErrs: []*Error{
				// The stream ends before the claimed length: the bytes
				// after the header are rescanned, and the third record
				// is found in them.
				{Record: 1, Offset: int64(mid), Reason: TruncatedData, Want: int64(len(recs[1]) + 4), Got: int64(3 + starts[3] - starts[2]), Err: io.ErrUnexpectedEOF},
			},
			bytes: 15, regs: 1,
		},
		{
			name: "last record truncated",
			in:   in[:starts[2]+14],
			want: []string{"first record", "second record, the damaged one"},
			wantErrs: []*Error{
				{Record: 2, Offset: int64(starts[2]), Reason: TruncatedData, Want: int64(len(recs[2]) + 4), Got: 2, Err: io.ErrUnexpectedEOF},
			},
			bytes: 14, regs: 1,
		},
		{
			name: "two damaged records",
			in: with(refFrame(recs[0], recs[1], recs[2], recs[0]), func(b []byte) []byte {
				b[0] ^= 1
				b[starts[2]+13] ^= 1
				return b
			}),
			want: []string{"second record, the damaged one", "first record"},
			wantErrs: []*Error{
				{Record: 0, Offset: 0, Reason: LengthCRCMismatch},
				{Record: 1, Offset: int64(starts[2]), Reason: DataCRCMismatch},
			},
			bytes: int64(starts[1] + starts[3] - starts[2]), regs: 2,
		},
		{
			name: "no damage",
			in:   in,
			want: []string{"first record", "second record, the damaged one", "third record"},
		},
		{
			name: "empty",
			in:   nil,
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.in), append([]ReaderOption{WithSalvage(true), WithCompression(None)}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			got, errs := salvageAll(t, r)
			if diff := cmp.Diff(tt.want, toStrings(got)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if len(errs) != len(tt.wantErrs) {
				t.Fatalf("errors %v, want %d", errs, len(tt.wantErrs))
			}
			for i := range errs {
				if diff := diffError(tt.wantErrs[i], errs[i]); diff != "" {
					t.Errorf("error %d (-want +got):\n%s", i, diff)
				}
			}
			if b, n := r.Salvaged(); b != tt.bytes || n != tt.regs {
				t.Errorf("Salvaged() = %d bytes, %d regions; want %d, %d", b, n, tt.bytes, tt.regs)
			}
		})
	}
}

// TestSalvageEveryByte damages each byte in turn: salvage mode returns
// every other record, and one error at the damaged record.
func TestSalvageEveryByte(t *testing.T) {
	recs := sampleRecords(6)[1:6]
	in := refFrame(recs...)
	starts := recordStarts(recs)
	for i := range in {
		damaged := bytes.Clone(in)
		damaged[i] ^= 0x10
		k := 0
		for starts[k+1] <= i {
			k++
		}
		r, err := NewReader(bytes.NewReader(damaged), WithSalvage(true), smallBuffer)
		if err != nil {
			t.Fatal(err)
		}
		got, errs := salvageAll(t, r)
		want := append(append([][]byte{}, recs[:k]...), recs[k+1:]...)
		if !equalRecords(want, got) {
			t.Fatalf("byte %d: records %s, want all but record %d", i, describe(got), k)
		}
		if len(errs) != 1 || errs[0].Offset != int64(starts[k]) {
			t.Fatalf("byte %d: errors %v, want one at %d", i, errs, starts[k])
		}
		if b, n := r.Salvaged(); b != int64(starts[k+1]-starts[k]) || n != 1 {
			t.Fatalf("byte %d: Salvaged() = %d, %d; want %d, 1", i, b, n, starts[k+1]-starts[k])
		}
	}
}

// TestSalvageCutEveryLength: cut streams end after one truncation error.
func TestSalvageCutEveryLength(t *testing.T) {
	recs := sampleRecords(4)
	in := refFrame(recs...)
	starts := recordStarts(recs)
	for cut := range len(in) {
		r, err := NewReader(bytes.NewReader(in[:cut]), WithSalvage(true), smallBuffer)
		if err != nil {
			t.Fatal(err)
		}
		got, errs := salvageAll(t, r)
		k := 0
		for starts[k+1] <= cut {
			k++
		}
		if !equalRecords(recs[:k], got) {
			t.Fatalf("cut %d: records %s, want %d", cut, describe(got), k)
		}
		wantErrs := 1
		if cut == starts[k] {
			wantErrs = 0
		}
		if len(errs) != wantErrs || wantErrs == 1 && !errors.Is(errs[0], ErrTruncated) {
			t.Fatalf("cut %d: errors %v, want %d truncation", cut, errs, wantErrs)
		}
		if b, _ := r.Salvaged(); b != int64(cut-starts[k]) {
			t.Fatalf("cut %d: Salvaged() = %d bytes, want %d", cut, b, cut-starts[k])
		}
	}
}

// TestSalvageAcrossBuffer: the resync scan crosses buffer refills.
func TestSalvageAcrossBuffer(t *testing.T) {
	junk := bytes.Repeat([]byte{0xa5}, 3*defaultBufferSize+7)
	recs := [][]byte{[]byte("before"), bytes.Repeat([]byte("x"), defaultBufferSize), []byte("after")}
	in := bytes.Join([][]byte{refFrame(recs[0]), junk, refFrame(recs[1:]...)}, nil)
	r, err := NewReader(iotestHalf(in), WithSalvage(true))
	if err != nil {
		t.Fatal(err)
	}
	got, errs := salvageAll(t, r)
	if !equalRecords(recs, got) || len(errs) != 1 {
		t.Fatalf("records %s, errors %v", describe(got), errs)
	}
	if b, n := r.Salvaged(); b != int64(len(junk)) || n != 1 {
		t.Errorf("Salvaged() = %d, %d; want %d, 1", b, n, len(junk))
	}
}

// TestSalvageStopsAtBadCompression: a damaged compressed stream cannot be
// resynchronised; its error comes once, then io.EOF.
func TestSalvageStopsAtBadCompression(t *testing.T) {
	recs := sampleRecords(200)
	in := compress(t, Gzip, refFrame(recs...))
	in = append(in[:len(in)/2], bytes.Repeat([]byte{0xff}, 100)...)
	r, err := NewReader(bytes.NewReader(in), WithSalvage(true))
	if err != nil {
		t.Fatal(err)
	}
	got, errs := salvageAll(t, r)
	if len(got) == 0 || !equalRecords(recs[:len(got)], got) {
		t.Errorf("records %s, want a prefix of the original", describe(got))
	}
	if len(errs) == 0 || errs[len(errs)-1].Reason != BadCompression {
		t.Errorf("errors %v, want to end with a bad compressed stream", errs)
	}
	if _, n := r.Salvaged(); n != int64(len(errs)) {
		t.Errorf("Salvaged() regions = %d, want %d", n, len(errs))
	}
}

func TestSalvageReadFailed(t *testing.T) {
	diskErr := errors.New("disk on fire")
	r, err := NewReader(&errAfterReader{refFrame([]byte("foo")), diskErr}, WithSalvage(true))
	if err != nil {
		t.Fatal(err)
	}
	got, errs := salvageAll(t, r)
	if len(got) != 1 || len(errs) != 1 || !errors.Is(errs[0], diskErr) {
		t.Errorf("records %s, errors %v; want foo, then the read error", describe(got), errs)
	}
}
