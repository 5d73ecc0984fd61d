// Package reference holds slow, obviously-correct implementations of the
// tf.Example coders, built on the generated examplepb messages and
// proto.Marshal. Tests check the fast coders against them, and benchmarks
// measure the fast coders against them.
package reference

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// EncodeOptions mirrors example.EncodeOptions (this package cannot import
// coders/example: the package's own tests would form a cycle).
type EncodeOptions struct {
	Schema         *metadatapb.Schema
	Sequence       bool   // encode tf.SequenceExample
	SequenceColumn string // default "##SEQUENCE##"
	Deterministic  bool
}

// RecordError mirrors example.RecordError, with the same message.
type RecordError struct {
	Index int
	Err   error
}

func (e *RecordError) Error() string { return fmt.Sprintf("example: record %d: %v", e.Index, e.Err) }
func (e *RecordError) Unwrap() error { return e.Err }

// Encode encodes every row of rb, building an examplepb message per row
// and marshalling it.
func Encode(o EncodeOptions, rb arrow.RecordBatch) ([][]byte, error) {
	msgs, err := EncodeMessages(o, rb)
	if err != nil {
		return nil, err
	}
	mo := proto.MarshalOptions{Deterministic: o.Deterministic}
	out := make([][]byte, len(msgs))
	for i, m := range msgs {
		if out[i], err = mo.Marshal(m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EncodeMessages returns the message of every row of rb: *examplepb.Example
// or, with Sequence, *examplepb.SequenceExample. Their bytes values alias
// rb's memory: use them before releasing rb, and do not modify them.
func EncodeMessages(o EncodeOptions, rb arrow.RecordBatch) ([]proto.Message, error) {
	enc, err := newEncoder(o, rb.Schema())
	if err != nil {
		return nil, err
	}
	msgs := make([]proto.Message, rb.NumRows())
	for r := range msgs {
		if msgs[r], err = enc.row(rb, r); err != nil {
			return nil, &RecordError{Index: r, Err: err}
		}
	}
	return msgs, nil
}

type ragged struct {
	names []string // values feature, then row length features
	div   []int64
	bad   string
}

type column struct {
	name   string
	typ    arrow.DataType
	seq    bool
	ragged *ragged
}

type encoder struct {
	o    EncodeOptions
	cols []column
}

func newEncoder(o EncodeOptions, s *arrow.Schema) (*encoder, error) {
	if o.SequenceColumn == "" {
		o.SequenceColumn = "##SEQUENCE##"
	}
	rag := map[string]*ragged{}
	groups := o.Schema.GetTensorRepresentationGroup()
	var gkeys []string
	for k := range groups {
		gkeys = append(gkeys, k)
	}
	sort.Strings(gkeys)
	for _, gk := range gkeys {
		for name, tr := range groups[gk].GetTensorRepresentation() {
			rt := tr.GetRaggedTensor()
			if rt == nil {
				continue
			}
			if len(rt.GetFeaturePath().GetStep()) != 1 {
				return nil, errors.New("example: RaggedTensors with nested or empty value column paths are not supported.")
			}
			g := &ragged{names: []string{rt.GetFeaturePath().GetStep()[0]}}
			parts := rt.GetPartition()
			for i, p := range parts {
				if isUniform(p) {
					continue
				}
				div := int64(1)
				for _, q := range parts[i+1:] {
					if !isUniform(q) {
						break
					}
					div *= q.GetUniformRowLength()
				}
				if div <= 0 && g.bad == "" {
					g.bad = fmt.Sprintf("uniform_row_length partitions after row_length partition %q must be positive", p.GetRowLength())
				}
				g.names = append(g.names, p.GetRowLength())
				g.div = append(g.div, div)
			}
			rag[name] = g
		}
	}
	seen := map[string]bool{}
	for _, f := range s.Fields() {
		if seen[f.Name] {
			return nil, errors.New("example: RecordBatch contains duplicate column names: " + f.Name)
		}
		seen[f.Name] = true
	}
	var trs []string
	for n := range rag {
		trs = append(trs, n)
	}
	sort.Strings(trs)
	src := map[string]bool{}
	for _, tr := range trs {
		for _, n := range rag[tr].names {
			if src[n] {
				return nil, fmt.Errorf("example: Source column \"%s\" of ragged feature \"%s\" conflicts with another source column in the same batch.", n, tr)
			}
			src[n] = true
		}
	}

	e := &encoder{o: o}
	writer := map[string]string{}
	for _, f := range s.Fields() {
		c := column{name: f.Name, typ: f.Type}
		if o.Sequence && f.Name == o.SequenceColumn {
			c.seq = true
			if err := checkSequence(f.Name, f.Type); err != nil {
				return nil, err
			}
			e.cols = append(e.cols, c)
			continue
		}
		c.ragged = rag[f.Name]
		if err := checkColumn(c); err != nil {
			return nil, err
		}
		outs := []string{f.Name}
		if c.ragged != nil {
			outs = c.ragged.names
		}
		for _, n := range outs {
			if !utf8.ValidString(n) {
				return nil, fmt.Errorf("example: feature name %q is not valid UTF-8", n)
			}
		}
		for _, n := range outs {
			if w, ok := writer[n]; ok {
				tr := f.Name
				if c.ragged == nil {
					tr = w
				}
				return nil, fmt.Errorf("example: Source column \"%s\" of ragged feature \"%s\" conflicts with another column in the same batch.", n, tr)
			}
			writer[n] = f.Name
		}
		e.cols = append(e.cols, c)
	}
	return e, nil
}

func isUniform(p *metadatapb.TensorRepresentation_RaggedTensor_Partition) bool {
	_, ok := p.GetKind().(*metadatapb.TensorRepresentation_RaggedTensor_Partition_RowLength)
	return !ok
}

// valueType reports whether values of type t can go into a Feature.
func valueType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.NULL, arrow.FLOAT32, arrow.FLOAT64, arrow.FLOAT16, arrow.BOOL,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING, arrow.FIXED_SIZE_BINARY:
		return true
	case arrow.DICTIONARY:
		v := t.(*arrow.DictionaryType).ValueType
		return v.ID() != arrow.NULL && v.ID() != arrow.DICTIONARY && valueType(v)
	}
	return false
}

func isList(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		return true
	}
	return false
}

// isLevel reports whether t can be a nesting level of a ragged column.
func isLevel(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST:
		return true
	}
	return false
}

func elem(t arrow.DataType) arrow.DataType { return t.(arrow.ListLikeType).Elem() }

func kindOf(t arrow.DataType) int {
	if t.ID() == arrow.DICTIONARY {
		t = t.(*arrow.DictionaryType).ValueType
	}
	switch t.ID() {
	case arrow.NULL:
		return 0
	case arrow.FLOAT32, arrow.FLOAT64, arrow.FLOAT16:
		return 2
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING, arrow.FIXED_SIZE_BINARY:
		return 1
	}
	return 3
}

func colErr(name, msg string) error {
	return errors.New("example: Error encoding feature \"" + name + "\": " + msg)
}

func checkColumn(c column) error {
	parts := 0
	if c.ragged != nil {
		if c.ragged.bad != "" {
			return colErr(c.name, c.ragged.bad)
		}
		parts = len(c.ragged.div)
	}
	t := c.typ
	if t.ID() == arrow.NULL {
		return nil
	}
	if valueType(t) {
		if parts > 0 {
			return colErr(c.name, fmt.Sprintf("Expected %d partitions, but got flat values array. You may need to adjust RaggedTensor partitions in the provided schema.", parts))
		}
		return nil
	}
	if !isList(t) {
		return colErr(c.name, "Expected ListArray or LargeListArray")
	}
	depth := 0
	v := elem(t)
	for isLevel(v) {
		if depth == parts {
			return colErr(c.name, fmt.Sprintf("Nested depth of large_list is larger than the number of provided partitions (or no partitions were provided). Expected %d partitions. If the column represents RaggedTensor, then create the encoder with TFMD schema containing RaggedTensor TensorRepresentations with partitions.", parts))
		}
		depth++
		v = elem(v)
	}
	if parts > 0 && depth == 0 {
		return colErr(c.name, fmt.Sprintf("Expected %d partitions, but got flat values array. You may need to adjust RaggedTensor partitions in the provided schema.", parts))
	}
	if depth < parts {
		return colErr(c.name, fmt.Sprintf("Nested depth of large_list is smaller than the number of partitions in the provided TensorRepresentation. Expected to have %d partitions.", parts))
	}
	if !valueType(v) {
		return colErr(c.name, "Bad field type")
	}
	return nil
}

func checkSequence(name string, t arrow.DataType) error {
	if t.ID() == arrow.NULL {
		return nil
	}
	st, ok := t.(*arrow.StructType)
	if !ok {
		return colErr(name, "Expected StructArray of feature lists")
	}
	seen := map[string]bool{}
	for _, f := range st.Fields() {
		if seen[f.Name] {
			return colErr(name, "duplicate sequence feature names: "+f.Name)
		}
		seen[f.Name] = true
		bad := func(msg string) error {
			return errors.New("example: Error encoding sequence feature \"" + f.Name + "\": " + msg)
		}
		if !isList(f.Type) {
			return bad("Expected ListArray or LargeListArray of ListArray or LargeListArray")
		}
		if elem(f.Type).ID() != arrow.NULL { // a list of nulls: steps with no kind
			if !isList(elem(f.Type)) {
				return bad("Expected ListArray or LargeListArray of ListArray or LargeListArray")
			}
			if !valueType(elem(elem(f.Type))) {
				return bad("Bad field type")
			}
		}
		if !utf8.ValidString(f.Name) {
			return fmt.Errorf("example: sequence feature name %q is not valid UTF-8", f.Name)
		}
	}
	return nil
}

func (e *encoder) row(rb arrow.RecordBatch, r int) (proto.Message, error) {
	feats := map[string]*examplepb.Feature{}
	var lists *examplepb.FeatureLists
	ctx := false
	for i, c := range e.cols {
		a := rb.Column(i)
		if c.seq {
			fl, err := featureLists(a, r)
			if err != nil {
				return nil, err
			}
			lists = fl
			continue
		}
		ctx = true
		if err := e.cell(c, a, r, feats); err != nil {
			return nil, errors.New("Error encoding feature \"" + c.name + "\": " + err.Error())
		}
	}
	if !e.o.Sequence {
		return &examplepb.Example{Features: &examplepb.Features{Feature: feats}}, nil
	}
	m := &examplepb.SequenceExample{FeatureLists: lists}
	if ctx {
		m.Context = &examplepb.Features{Feature: feats}
	}
	return m, nil
}

// cell adds the features of column c in row r to feats.
func (e *encoder) cell(c column, a arrow.Array, r int, feats map[string]*examplepb.Feature) error {
	if c.ragged != nil {
		return raggedCell(c, a, r, feats)
	}
	if a.DataType().ID() == arrow.NULL || a.IsNull(r) {
		feats[c.name] = &examplepb.Feature{}
		return nil
	}
	if !isList(a.DataType()) {
		if d, ok := a.(*array.Dictionary); ok {
			k := d.GetValueIndex(r)
			if k >= 0 && k < d.Dictionary().Len() && d.Dictionary().IsNull(k) {
				feats[c.name] = &examplepb.Feature{}
				return nil
			}
		}
		f, err := feature(a, r, r+1)
		feats[c.name] = f
		return err
	}
	l := a.(array.ListLike)
	s, end := l.ValueOffsets(r)
	f, err := feature(l.ListValues(), int(s), int(end))
	feats[c.name] = f
	return err
}

func raggedCell(c column, a arrow.Array, r int, feats map[string]*examplepb.Feature) error {
	g := c.ragged
	if a.DataType().ID() == arrow.NULL || a.IsNull(r) {
		for _, n := range g.names {
			feats[n] = &examplepb.Feature{}
		}
		return nil
	}
	l := a.(array.ListLike)
	s64, e64 := l.ValueOffsets(r)
	s, end := int(s64), int(e64)
	v := l.ListValues()
	for i, div := range g.div {
		lv := v.(array.ListLike)
		lens := []int64{}
		ns, ne := 0, 0
		for j := s; j < end; j++ {
			a, b := lv.ValueOffsets(j)
			lens = append(lens, (b-a)/div)
			if j == s {
				ns = int(a)
			}
			ne = int(b)
		}
		feats[g.names[i+1]] = &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: &examplepb.Int64List{Value: lens}}}
		s, end = ns, ne
		v = lv.ListValues()
	}
	f, err := feature(v, s, end)
	feats[g.names[0]] = f
	return err
}

func featureLists(a arrow.Array, r int) (*examplepb.FeatureLists, error) {
	if a.DataType().ID() == arrow.NULL || a.IsNull(r) {
		return nil, nil
	}
	st := a.(*array.Struct)
	fl := &examplepb.FeatureLists{FeatureList: map[string]*examplepb.FeatureList{}}
	for i, f := range st.DataType().(*arrow.StructType).Fields() {
		ch := st.Field(i).(array.ListLike)
		if ch.IsNull(r) {
			continue
		}
		list := &examplepb.FeatureList{}
		s, e := ch.ValueOffsets(r)
		inner, ok := ch.ListValues().(array.ListLike)
		for j := int(s); j < int(e); j++ {
			if !ok || inner.IsNull(j) {
				list.Feature = append(list.Feature, &examplepb.Feature{})
				continue
			}
			vs, ve := inner.ValueOffsets(j)
			feat, err := feature(inner.ListValues(), int(vs), int(ve))
			if err != nil {
				return nil, errors.New("Error encoding sequence feature \"" + f.Name + "\": " + err.Error())
			}
			list.Feature = append(list.Feature, feat)
		}
		fl.FeatureList[f.Name] = list
	}
	return fl, nil
}

// feature returns the Feature holding values [s, e) of v.
func feature(v arrow.Array, s, e int) (*examplepb.Feature, error) {
	switch kindOf(v.DataType()) {
	case 0:
		if e > s {
			return nil, errors.New("list element is null; tf.Example lists cannot hold nulls")
		}
		return &examplepb.Feature{}, nil
	case 1:
		l := &examplepb.BytesList{}
		for i := s; i < e; i++ {
			b, err := bytesValue(v, i)
			if err != nil {
				return nil, err
			}
			l.Value = append(l.Value, b)
		}
		return &examplepb.Feature{Kind: &examplepb.Feature_BytesList{BytesList: l}}, nil
	case 2:
		l := &examplepb.FloatList{}
		for i := s; i < e; i++ {
			f, err := floatValue(v, i)
			if err != nil {
				return nil, err
			}
			l.Value = append(l.Value, f)
		}
		return &examplepb.Feature{Kind: &examplepb.Feature_FloatList{FloatList: l}}, nil
	}
	l := &examplepb.Int64List{}
	for i := s; i < e; i++ {
		n, err := intValue(v, i)
		if err != nil {
			return nil, err
		}
		l.Value = append(l.Value, n)
	}
	return &examplepb.Feature{Kind: &examplepb.Feature_Int64List{Int64List: l}}, nil
}

// deref resolves a dictionary element to its dictionary and index.
func deref(v arrow.Array, i int) (arrow.Array, int, error) {
	if v.IsNull(i) {
		return nil, 0, errors.New("list element is null; tf.Example lists cannot hold nulls")
	}
	d, ok := v.(*array.Dictionary)
	if !ok {
		return v, i, nil
	}
	k := d.GetValueIndex(i)
	if k < 0 || k >= d.Dictionary().Len() {
		return nil, 0, fmt.Errorf("dictionary index %d out of range [0, %d)", k, d.Dictionary().Len())
	}
	if d.Dictionary().IsNull(k) {
		return nil, 0, errors.New("list element is null; tf.Example lists cannot hold nulls")
	}
	return d.Dictionary(), k, nil
}

func bytesValue(v arrow.Array, i int) ([]byte, error) {
	v, i, err := deref(v, i)
	if err != nil {
		return nil, err
	}
	// The values alias the batch's memory, as a careful proto.Marshal
	// encoder would (no copy per value).
	switch v := v.(type) {
	case *array.Binary:
		return v.Value(i), nil
	case *array.LargeBinary:
		return v.Value(i), nil
	case *array.String:
		return unsafe.Slice(unsafe.StringData(v.Value(i)), len(v.Value(i))), nil
	case *array.LargeString:
		return unsafe.Slice(unsafe.StringData(v.Value(i)), len(v.Value(i))), nil
	case *array.FixedSizeBinary:
		return v.Value(i), nil
	}
	return nil, fmt.Errorf("reference: bytes from %s", v.DataType())
}

func floatValue(v arrow.Array, i int) (float32, error) {
	v, i, err := deref(v, i)
	if err != nil {
		return 0, err
	}
	switch v := v.(type) {
	case *array.Float32:
		return v.Value(i), nil
	case *array.Float64:
		return float32(v.Value(i)), nil
	case *array.Float16:
		return halfToFloat(v.Value(i).Uint16()), nil
	}
	return 0, fmt.Errorf("reference: float from %s", v.DataType())
}

func intValue(v arrow.Array, i int) (int64, error) {
	v, i, err := deref(v, i)
	if err != nil {
		return 0, err
	}
	switch v := v.(type) {
	case *array.Boolean:
		if v.Value(i) {
			return 1, nil
		}
		return 0, nil
	case *array.Int8:
		return int64(v.Value(i)), nil
	case *array.Int16:
		return int64(v.Value(i)), nil
	case *array.Int32:
		return int64(v.Value(i)), nil
	case *array.Int64:
		return v.Value(i), nil
	case *array.Uint8:
		return int64(v.Value(i)), nil
	case *array.Uint16:
		return int64(v.Value(i)), nil
	case *array.Uint32:
		return int64(v.Value(i)), nil
	case *array.Uint64:
		if n := v.Value(i); n > math.MaxInt64 {
			return 0, fmt.Errorf("uint64 value %d does not fit in int64_list", n)
		}
		return int64(v.Value(i)), nil
	}
	return 0, fmt.Errorf("reference: int from %s", v.DataType())
}

// halfToFloat converts IEEE 754 binary16 bits to a float32, exactly.
func halfToFloat(h uint16) float32 {
	neg := h&0x8000 != 0
	exp := int(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	var f float32
	switch exp {
	case 0x1f:
		if frac == 0 {
			f = float32(math.Inf(1))
		} else {
			f = math.Float32frombits(0x7f800000 | frac<<13)
		}
	case 0:
		f = float32(math.Ldexp(float64(frac), -24))
	default:
		f = float32(math.Ldexp(float64(frac|0x400), exp-25))
	}
	if neg {
		f = math.Float32frombits(math.Float32bits(f) | 1<<31)
	}
	return f
}
