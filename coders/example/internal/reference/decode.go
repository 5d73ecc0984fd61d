package reference

import (
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/proto/examplepb"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// DecodeOptions mirrors example.DecodeOptions (this package cannot import
// coders/example: the package's own tests would form a cycle).
type DecodeOptions struct {
	Schema         *metadatapb.Schema
	ArrowSchema    *arrow.Schema
	Sequence       bool   // decode tf.SequenceExample
	SequenceColumn string // default "##SEQUENCE##"
	List           bool   // list<> instead of large_list<>
	// Bytes is the type of bytes values: nil (large_binary), or binary,
	// large_binary, utf8 or large_utf8.
	Bytes     arrow.DataType
	Allocator memory.Allocator
}

// DecodeError mirrors example.RecordError, with the same message.
type DecodeError struct {
	Index int
	Err   error
}

func (e *DecodeError) Error() string { return fmt.Sprintf("example: record %d: %v", e.Index, e.Err) }
func (e *DecodeError) Unwrap() error { return e.Err }

// Kind names as tfx-bsl prints them.
const (
	decUnset = "kind-not-set"
	decBytes = "bytes_list"
	decFloat = "float_list"
	decInt64 = "int64_list"
)

func decKind(f *examplepb.Feature) string {
	switch f.GetKind().(type) {
	case *examplepb.Feature_BytesList:
		return decBytes
	case *examplepb.Feature_FloatList:
		return decFloat
	case *examplepb.Feature_Int64List:
		return decInt64
	}
	return decUnset
}

// decCol is a column: its kind ("" while untyped without a schema) and,
// with a fixed schema, its type.
type decCol struct {
	name  string
	kind  string
	fixed bool
	dtype arrow.DataType
}

type decPlan struct {
	o         DecodeOptions
	seqName   string
	fixed     bool
	ctx, seq  []*decCol
	byCtx     map[string]*decCol
	bySeq     map[string]*decCol
	schema    *arrow.Schema
	structPos int
}

func (p *decPlan) listOf(t arrow.DataType) arrow.DataType {
	if p.o.List {
		return arrow.ListOf(t)
	}
	return arrow.LargeListOf(t)
}

// typeOf is the type of a column of the given kind without a fixed schema.
func (p *decPlan) typeOf(kind string, seq bool) arrow.DataType {
	var v arrow.DataType
	switch kind {
	case decInt64:
		v = arrow.PrimitiveTypes.Int64
	case decFloat:
		v = arrow.PrimitiveTypes.Float32
	case decBytes:
		v = p.o.Bytes
		if v == nil {
			v = arrow.BinaryTypes.LargeBinary
		}
	default:
		if seq {
			return p.listOf(arrow.Null)
		}
		return arrow.Null
	}
	if seq {
		return p.listOf(p.listOf(v))
	}
	return p.listOf(v)
}

func tfmdKind(f *metadatapb.Feature) (string, error) {
	switch f.GetType() {
	case metadatapb.FeatureType_INT:
		return decInt64, nil
	case metadatapb.FeatureType_FLOAT:
		return decFloat, nil
	case metadatapb.FeatureType_BYTES:
		return decBytes, nil
	}
	return "", fmt.Errorf("example: Bad field type for feature: %s with type: %d", f.GetName(), int32(f.GetType()))
}

func arrowKind(t arrow.DataType, seq bool) (string, bool) {
	elem := func(t arrow.DataType) (arrow.DataType, bool) {
		switch t := t.(type) {
		case *arrow.ListType:
			return t.Elem(), true
		case *arrow.LargeListType:
			return t.Elem(), true
		}
		return nil, false
	}
	if !seq && t.ID() == arrow.NULL {
		return decUnset, true
	}
	e, ok := elem(t)
	if !ok {
		return "", false
	}
	if seq {
		if e.ID() == arrow.NULL {
			return decUnset, true
		}
		if e, ok = elem(e); !ok {
			return "", false
		}
	}
	switch e.ID() {
	case arrow.INT64:
		return decInt64, true
	case arrow.FLOAT32:
		return decFloat, true
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING:
		return decBytes, true
	}
	return "", false
}

func newDecPlan(o DecodeOptions) (*decPlan, error) {
	p := &decPlan{o: o, seqName: o.SequenceColumn, byCtx: map[string]*decCol{}, bySeq: map[string]*decCol{}, structPos: -1}
	if p.seqName == "" {
		p.seqName = "##SEQUENCE##"
	}
	switch {
	case o.Schema != nil:
		p.fixed = true
		var fields []arrow.Field
		for _, f := range o.Schema.GetFeature() {
			if o.Sequence && f.GetName() == p.seqName {
				if f.GetType() != metadatapb.FeatureType_STRUCT {
					return nil, fmt.Errorf("example: Found a feature in the schema with the sequence_feature_column_name (i.e., %s) that is not a struct. The sequence_feature_column_name should be used only for the top-level struct feature with a struct domain that contains each sequence feature as a child.", p.seqName)
				}
				for _, cf := range f.GetStructDomain().GetFeature() {
					if p.bySeq[cf.GetName()] != nil {
						continue
					}
					k, err := tfmdKind(cf)
					if err != nil {
						return nil, err
					}
					c := &decCol{name: cf.GetName(), kind: k, fixed: true, dtype: p.typeOf(k, true)}
					p.bySeq[c.name] = c
					p.seq = append(p.seq, c)
				}
				continue
			}
			if p.byCtx[f.GetName()] != nil {
				continue
			}
			k, err := tfmdKind(f)
			if err != nil {
				return nil, err
			}
			c := &decCol{name: f.GetName(), kind: k, fixed: true, dtype: p.typeOf(k, false)}
			p.byCtx[c.name] = c
			p.ctx = append(p.ctx, c)
			fields = append(fields, arrow.Field{Name: c.name, Type: c.dtype, Nullable: true})
		}
		if len(p.seq) > 0 {
			var children []arrow.Field
			for _, c := range p.seq {
				children = append(children, arrow.Field{Name: c.name, Type: c.dtype, Nullable: true})
			}
			p.structPos = len(fields)
			fields = append(fields, arrow.Field{Name: p.seqName, Type: arrow.StructOf(children...), Nullable: true})
		}
		p.schema = arrow.NewSchema(fields, nil)
	case o.ArrowSchema != nil:
		p.fixed = true
		p.schema = o.ArrowSchema
		names := map[string]bool{}
		for i, f := range o.ArrowSchema.Fields() {
			if names[f.Name] {
				return nil, fmt.Errorf("example: ArrowSchema has two fields named %q", f.Name)
			}
			names[f.Name] = true
			if o.Sequence && f.Name == p.seqName {
				st, ok := f.Type.(*arrow.StructType)
				if !ok {
					return nil, fmt.Errorf("example: ArrowSchema field %q (the sequence column) has type %v, want a struct", f.Name, f.Type)
				}
				for _, cf := range st.Fields() {
					if p.bySeq[cf.Name] != nil {
						return nil, fmt.Errorf("example: ArrowSchema struct %q has two fields named %q", f.Name, cf.Name)
					}
					k, ok := arrowKind(cf.Type, true)
					if !ok {
						return nil, fmt.Errorf("example: ArrowSchema field %q.%q has unsupported type %v: want a list of lists of int64, float32, binary or string, or a list of null", f.Name, cf.Name, cf.Type)
					}
					c := &decCol{name: cf.Name, kind: k, fixed: true, dtype: cf.Type}
					p.bySeq[c.name] = c
					p.seq = append(p.seq, c)
				}
				p.structPos = i
				continue
			}
			k, ok := arrowKind(f.Type, false)
			if !ok {
				return nil, fmt.Errorf("example: ArrowSchema field %q has unsupported type %v: want a list of int64, float32, binary or string, or null", f.Name, f.Type)
			}
			c := &decCol{name: f.Name, kind: k, fixed: true, dtype: f.Type}
			p.byCtx[c.name] = c
			p.ctx = append(p.ctx, c)
		}
	}
	return p, nil
}

// decRecord is one parsed record, in SequenceExample shape.
type decRecord struct {
	ctx      map[string]*examplepb.Feature
	lists    map[string]*examplepb.FeatureList
	hasLists bool
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isUTF8Type(t arrow.DataType) bool {
	for {
		switch tt := t.(type) {
		case *arrow.ListType:
			t = tt.Elem()
		case *arrow.LargeListType:
			t = tt.Elem()
		default:
			return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
		}
	}
}

// check types the record's features and returns the first error: context
// features by name, then feature lists by name; for each, a wrong kind
// before invalid UTF-8.
func (p *decPlan) check(r *decRecord) error {
	utf8Col := func(c *decCol) bool {
		if c.fixed {
			return isUTF8Type(c.dtype)
		}
		return p.o.Bytes != nil && (p.o.Bytes.ID() == arrow.STRING || p.o.Bytes.ID() == arrow.LARGE_STRING)
	}
	badUTF8 := func(f *examplepb.Feature) bool {
		for _, v := range f.GetBytesList().GetValue() {
			if !utf8.Valid(v) {
				return true
			}
		}
		return false
	}
	for _, name := range sortedKeys(r.ctx) {
		c := p.byCtx[name]
		if c == nil {
			if p.fixed {
				continue
			}
			c = &decCol{name: name}
			p.byCtx[name] = c
			p.ctx = append(p.ctx, c)
		}
		f := r.ctx[name]
		k := decKind(f)
		if k == decUnset {
			continue
		}
		if c.kind == "" {
			c.kind = k
		} else if c.kind != k {
			return fmt.Errorf("Feature had wrong type, expected %s, found %s for feature %q", c.kind, k, name)
		}
		if utf8Col(c) && badUTF8(f) {
			return fmt.Errorf("invalid UTF-8 in bytes_list of feature %q", name)
		}
	}
	for _, name := range sortedKeys(r.lists) {
		c := p.bySeq[name]
		if c == nil {
			if p.fixed {
				continue
			}
			c = &decCol{name: name}
			p.bySeq[name] = c
			p.seq = append(p.seq, c)
		}
		steps := r.lists[name].GetFeature()
		for _, f := range steps {
			k := decKind(f)
			if k == decUnset {
				continue
			}
			if c.kind == "" {
				c.kind = k
			} else if c.kind != k {
				return fmt.Errorf("Feature had wrong type, expected %s, found %s for sequence feature %q", c.kind, k, name)
			}
		}
		if utf8Col(c) {
			for _, f := range steps {
				if decKind(f) == c.kind && badUTF8(f) {
					return fmt.Errorf("invalid UTF-8 in bytes_list of sequence feature %q", name)
				}
			}
		}
	}
	return nil
}

// Decode decodes records as example.DecodeOptions.NewDecoder().Decode
// does, by unmarshalling each record into examplepb messages and building
// the columns with Arrow builders.
func Decode(o DecodeOptions, records [][]byte) (arrow.RecordBatch, error) {
	p, err := newDecPlan(o)
	if err != nil {
		return nil, err
	}
	mem := o.Allocator
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	recs := make([]*decRecord, len(records))
	for i, b := range records {
		r := &decRecord{}
		if o.Sequence {
			var m examplepb.SequenceExample
			if err := proto.Unmarshal(b, &m); err != nil {
				return nil, &DecodeError{i, errors.New("Unable to parse sequence example.")}
			}
			r.ctx = m.GetContext().GetFeature()
			r.lists = m.GetFeatureLists().GetFeatureList()
			r.hasLists = m.FeatureLists != nil
		} else {
			var m examplepb.Example
			if err := proto.Unmarshal(b, &m); err != nil {
				return nil, &DecodeError{i, errors.New("Unable to parse example.")}
			}
			r.ctx = m.GetFeatures().GetFeature()
		}
		if err := p.check(r); err != nil {
			return nil, &DecodeError{i, err}
		}
		recs[i] = r
	}

	n := len(recs)
	var (
		fields []arrow.Field
		cols   []arrow.Array
	)
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	build := func(c *decCol, t arrow.DataType, seq bool) arrow.Array {
		if t.ID() == arrow.NULL {
			return array.NewNull(n)
		}
		b := array.NewBuilder(mem, t)
		defer b.Release()
		for _, r := range recs {
			if seq {
				appendList(b.(array.ListLikeBuilder), r.lists[c.name])
			} else {
				appendFeature(b.(array.ListLikeBuilder), r.ctx[c.name])
			}
		}
		return b.NewArray()
	}
	buildStruct := func(seq []*decCol, t *arrow.StructType) arrow.Array {
		children := make([]arrow.ArrayData, len(seq))
		for i, c := range seq {
			a := build(c, t.Field(i).Type, true)
			children[i] = a.Data()
			defer a.Release()
		}
		data := array.NewData(t, n, []*memory.Buffer{nil}, children, 0, 0)
		defer data.Release()
		return array.MakeFromData(data)
	}
	var schema *arrow.Schema
	if p.fixed {
		schema = p.schema
		cols = make([]arrow.Array, 0, len(schema.Fields()))
		ci := 0
		for i, f := range schema.Fields() {
			if i == p.structPos {
				cols = append(cols, buildStruct(p.seq, f.Type.(*arrow.StructType)))
				continue
			}
			cols = append(cols, build(p.ctx[ci], f.Type, false))
			ci++
		}
	} else {
		sort.Slice(p.ctx, func(i, j int) bool { return p.ctx[i].name < p.ctx[j].name })
		for _, c := range p.ctx {
			t := p.typeOf(c.kind, false)
			fields = append(fields, arrow.Field{Name: c.name, Type: t, Nullable: true})
			cols = append(cols, build(c, t, false))
		}
		hasLists := false
		for _, r := range recs {
			hasLists = hasLists || r.hasLists
		}
		if hasLists {
			sort.Slice(p.seq, func(i, j int) bool { return p.seq[i].name < p.seq[j].name })
			var children []arrow.Field
			for _, c := range p.seq {
				children = append(children, arrow.Field{Name: c.name, Type: p.typeOf(c.kind, true), Nullable: true})
			}
			st := arrow.StructOf(children...)
			fields = append(fields, arrow.Field{Name: p.seqName, Type: st, Nullable: true})
			cols = append(cols, buildStruct(p.seq, st))
		}
		schema = arrow.NewSchema(fields, nil)
	}
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

// appendFeature appends one cell: null for an absent or kind-less Feature,
// else the list of its values.
func appendFeature(b array.ListLikeBuilder, f *examplepb.Feature) {
	if f == nil || f.GetKind() == nil {
		b.AppendNull()
		return
	}
	b.Append(true)
	appendValues(b.ValueBuilder(), f)
}

// appendList appends a feature-list cell: null when absent, else a list
// of steps, each null when kind-less.
func appendList(b array.ListLikeBuilder, l *examplepb.FeatureList) {
	if l == nil {
		b.AppendNull()
		return
	}
	b.Append(true)
	for _, f := range l.GetFeature() {
		switch vb := b.ValueBuilder().(type) {
		case *array.NullBuilder:
			vb.AppendNull()
		case array.ListLikeBuilder:
			appendFeature(vb, f)
		}
	}
}

func appendValues(vb array.Builder, f *examplepb.Feature) {
	switch vb := vb.(type) {
	case *array.Int64Builder:
		for _, v := range f.GetInt64List().GetValue() {
			vb.Append(v)
		}
	case *array.Float32Builder:
		for _, v := range f.GetFloatList().GetValue() {
			vb.Append(v)
		}
	case *array.BinaryBuilder:
		for _, v := range f.GetBytesList().GetValue() {
			vb.Append(v)
		}
	case *array.StringBuilder:
		for _, v := range f.GetBytesList().GetValue() {
			vb.Append(string(v))
		}
	case *array.LargeStringBuilder:
		for _, v := range f.GetBytesList().GetValue() {
			vb.Append(string(v))
		}
	default:
		panic(fmt.Sprintf("reference: unexpected value builder %T", vb))
	}
}
