package example

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gobsl/gobsl/internal/mempool"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// decPlan is the checked, immutable part of a Decoder, shared by clones.
type decPlan struct {
	recType   RecordType
	seqName   string
	listType  ListType
	bytesType BytesType

	// Fixed schema (TFMD or Arrow); schema is nil without one.
	schema    *arrow.Schema
	ctx       []decSpec // context columns, in schema order
	seq       []decSpec // feature-list columns, in struct order
	ctxField  []int     // schema field index of each ctx column
	structPos int       // schema field index of the struct column, or -1
}

// decSpec is a fixed column: its name, kind (KindUnset for a null column)
// and full Arrow type (for a feature list, the struct child's type).
type decSpec struct {
	name  string
	kind  Kind
	dtype arrow.DataType
}

func newDecPlan(o DecodeOptions) (*decPlan, error) {
	p := &decPlan{
		recType:   o.RecordType,
		seqName:   o.SequenceColumn,
		listType:  o.ListType,
		bytesType: o.BytesType,
		structPos: -1,
	}
	if p.seqName == "" {
		p.seqName = DefaultSequenceColumn
	}
	switch {
	case o.RecordType != Example && o.RecordType != SequenceExample:
		return nil, fmt.Errorf("example: unknown RecordType %v", o.RecordType)
	case o.ListType != LargeList && o.ListType != List:
		return nil, fmt.Errorf("example: unknown ListType %d", o.ListType)
	case o.BytesType < LargeBinary || o.BytesType > LargeString:
		return nil, fmt.Errorf("example: unknown BytesType %d", o.BytesType)
	}
	switch {
	case o.Schema != nil:
		if err := p.fromTFMD(o.Schema); err != nil {
			return nil, err
		}
	case o.ArrowSchema != nil:
		if err := p.fromArrow(o.ArrowSchema); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// decListOf returns list<t> or large_list<t>.
func decListOf(lt ListType, t arrow.DataType) arrow.DataType {
	if lt == List {
		return arrow.ListOf(t)
	}
	return arrow.LargeListOf(t)
}

// decColumnType is the type a column of the given kind gets without a
// fixed Arrow schema.
func (p *decPlan) decColumnType(k Kind, seq bool) arrow.DataType {
	var v arrow.DataType
	switch k {
	case KindUnset:
		if seq {
			return decListOf(p.listType, arrow.Null)
		}
		return arrow.Null
	case KindInt64:
		v = arrow.PrimitiveTypes.Int64
	case KindFloat:
		v = arrow.PrimitiveTypes.Float32
	case KindBytes:
		switch p.bytesType {
		case Binary:
			v = arrow.BinaryTypes.Binary
		case String:
			v = arrow.BinaryTypes.String
		case LargeString:
			v = arrow.BinaryTypes.LargeString
		default:
			v = arrow.BinaryTypes.LargeBinary
		}
	}
	v = decListOf(p.listType, v)
	if seq {
		v = decListOf(p.listType, v)
	}
	return v
}

func decKindOfTFMD(f *metadatapb.Feature) (Kind, error) {
	switch f.GetType() {
	case metadatapb.FeatureType_INT:
		return KindInt64, nil
	case metadatapb.FeatureType_FLOAT:
		return KindFloat, nil
	case metadatapb.FeatureType_BYTES:
		return KindBytes, nil
	}
	return 0, fmt.Errorf("example: Bad field type for feature: %s with type: %d", f.GetName(), int32(f.GetType()))
}

func (p *decPlan) fromTFMD(s *metadatapb.Schema) error {
	seen := map[string]bool{}
	seqSeen := map[string]bool{}
	var fields []arrow.Field
	for _, f := range s.GetFeature() {
		if p.recType == SequenceExample && f.GetName() == p.seqName {
			if f.GetType() != metadatapb.FeatureType_STRUCT {
				return fmt.Errorf("example: Found a feature in the schema with the sequence_feature_column_name (i.e., %s) that is not a struct. The sequence_feature_column_name should be used only for the top-level struct feature with a struct domain that contains each sequence feature as a child.", p.seqName)
			}
			for _, c := range f.GetStructDomain().GetFeature() {
				if seqSeen[c.GetName()] {
					continue
				}
				k, err := decKindOfTFMD(c)
				if err != nil {
					return err
				}
				seqSeen[c.GetName()] = true
				p.seq = append(p.seq, decSpec{c.GetName(), k, p.decColumnType(k, true)})
			}
			continue
		}
		if seen[f.GetName()] {
			continue
		}
		k, err := decKindOfTFMD(f)
		if err != nil {
			return err
		}
		seen[f.GetName()] = true
		sp := decSpec{f.GetName(), k, p.decColumnType(k, false)}
		p.ctxField = append(p.ctxField, len(fields))
		p.ctx = append(p.ctx, sp)
		fields = append(fields, arrow.Field{Name: sp.name, Type: sp.dtype, Nullable: true})
	}
	if len(p.seq) > 0 {
		children := make([]arrow.Field, len(p.seq))
		for i, sp := range p.seq {
			children[i] = arrow.Field{Name: sp.name, Type: sp.dtype, Nullable: true}
		}
		p.structPos = len(fields)
		fields = append(fields, arrow.Field{Name: p.seqName, Type: arrow.StructOf(children...), Nullable: true})
	}
	p.schema = arrow.NewSchema(fields, nil)
	return nil
}

// decKindOfValues returns the kind of a list's value type.
func decKindOfValues(t arrow.DataType) (Kind, bool) {
	switch t.ID() {
	case arrow.INT64:
		return KindInt64, true
	case arrow.FLOAT32:
		return KindFloat, true
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING:
		return KindBytes, true
	}
	return 0, false
}

func decListElem(t arrow.DataType) (arrow.DataType, bool) {
	switch t := t.(type) {
	case *arrow.ListType:
		return t.Elem(), true
	case *arrow.LargeListType:
		return t.Elem(), true
	}
	return nil, false
}

// decKindOfArrow checks a fixed column type and returns its kind.
func decKindOfArrow(t arrow.DataType, seq bool) (Kind, bool) {
	if !seq && t.ID() == arrow.NULL {
		return KindUnset, true
	}
	e, ok := decListElem(t)
	if !ok {
		return 0, false
	}
	if seq {
		if e.ID() == arrow.NULL {
			return KindUnset, true
		}
		if e, ok = decListElem(e); !ok {
			return 0, false
		}
	}
	return decKindOfValues(e)
}

func (p *decPlan) fromArrow(s *arrow.Schema) error {
	seen := map[string]bool{}
	for i, f := range s.Fields() {
		if seen[f.Name] {
			return fmt.Errorf("example: ArrowSchema has two fields named %q", f.Name)
		}
		seen[f.Name] = true
		if p.recType == SequenceExample && f.Name == p.seqName {
			st, ok := f.Type.(*arrow.StructType)
			if !ok {
				return fmt.Errorf("example: ArrowSchema field %q (the sequence column) has type %v, want a struct", f.Name, f.Type)
			}
			cseen := map[string]bool{}
			for _, c := range st.Fields() {
				if cseen[c.Name] {
					return fmt.Errorf("example: ArrowSchema struct %q has two fields named %q", f.Name, c.Name)
				}
				cseen[c.Name] = true
				k, ok := decKindOfArrow(c.Type, true)
				if !ok {
					return fmt.Errorf("example: ArrowSchema field %q.%q has unsupported type %v: want a list of lists of int64, float32, binary or string, or a list of null", f.Name, c.Name, c.Type)
				}
				p.seq = append(p.seq, decSpec{c.Name, k, c.Type})
			}
			p.structPos = i
			continue
		}
		k, ok := decKindOfArrow(f.Type, false)
		if !ok {
			return fmt.Errorf("example: ArrowSchema field %q has unsupported type %v: want a list of int64, float32, binary or string, or null", f.Name, f.Type)
		}
		p.ctxField = append(p.ctxField, i)
		p.ctx = append(p.ctx, decSpec{f.Name, k, f.Type})
	}
	p.schema = s
	return nil
}

func (p *decPlan) newDecoder(o DecodeOptions) *Decoder {
	d := &Decoder{opts: o, mem: o.Allocator, plan: p, store: true}
	if d.mem == nil {
		d.mem = mempool.Default()
	}
	d.pool, _ = d.mem.(*mempool.Allocator) // the default, or a BatchReader's own
	d.ctx.init(p, false, d.pool)
	d.seq.init(p, true, d.pool)
	return d
}
