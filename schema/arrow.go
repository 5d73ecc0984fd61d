package schema

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/coders/example"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// ArrowOptions configures [ToArrow]. The zero value maps a schema for
// tf.Example records to tfx-bsl's types: large_list<int64>,
// large_list<float32> and large_list<large_binary>.
type ArrowOptions struct {
	// RecordType is example.Example (default) or example.SequenceExample,
	// for which the STRUCT feature named SequenceColumn becomes the last
	// column: a struct of large_list<large_list<T>> fields, one per
	// struct_domain feature.
	RecordType example.RecordType

	// SequenceColumn names the sequence struct column; default
	// "##SEQUENCE##".
	SequenceColumn string

	// ListType and BytesType choose list<T> and binary, utf8 or
	// large_utf8 instead of tfx-bsl's large types.
	ListType  example.ListType
	BytesType example.BytesType
}

// ErrArrowType: an Arrow field has a type that no TFMD feature type
// describes (maps, unions, dictionaries, temporal and decimal types).
var ErrArrowType = errors.New("no TFMD type for Arrow type")

// ToArrow returns the Arrow schema of the record batches that decoding
// records with schema s gives, exactly as [example.DecodeOptions] with
// that Schema decodes them (the two share the mapping): features in
// schema order, the first of a name winning; INT, FLOAT and BYTES as lists
// of int64, float32 and binary; every field nullable, without metadata. A
// feature of another type (STRUCT outside the sequence column,
// TYPE_UNKNOWN) fails with tfx-bsl's "Bad field type for feature".
func ToArrow(s *metadatapb.Schema, o ArrowOptions) (*arrow.Schema, error) {
	d, err := example.DecodeOptions{
		Schema:         s,
		RecordType:     o.RecordType,
		SequenceColumn: o.SequenceColumn,
		ListType:       o.ListType,
		BytesType:      o.BytesType,
	}.NewDecoder()
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return d.ArrowSchema()
}

// FromArrow returns a schema with a feature per field of an Arrow schema,
// typed by the field's values: lists (of any depth) or plain columns of
// integers or bool are INT, of floats FLOAT, of binaries or strings BYTES;
// a null column (what schemaless decoding gives a feature that never had
// a value) is BYTES, as TFDV types a feature without values; a struct is
// STRUCT with its fields in struct_domain. Presence and value counts are
// left unset: an Arrow schema does not tell them ([InferOptions.Infer]
// does, from statistics).
func FromArrow(as *arrow.Schema) (*metadatapb.Schema, error) {
	s := &metadatapb.Schema{}
	seen := map[string]bool{}
	for _, f := range as.Fields() {
		if seen[f.Name] {
			return nil, fmt.Errorf("schema: Arrow schema has two fields named %q", f.Name)
		}
		seen[f.Name] = true
		feat, err := featureFromArrow(f.Name, f.Type)
		if err != nil {
			return nil, err
		}
		s.Feature = append(s.Feature, feat)
	}
	return s, nil
}

func featureFromArrow(name string, t arrow.DataType) (*metadatapb.Feature, error) {
	for {
		lt, ok := t.(arrow.ListLikeType)
		if !ok || t.ID() == arrow.MAP {
			break
		}
		t = lt.Elem()
	}
	feat := &metadatapb.Feature{Name: proto.String(name)}
	var typ metadatapb.FeatureType
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.BOOL:
		typ = metadatapb.FeatureType_INT
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		typ = metadatapb.FeatureType_FLOAT
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING,
		arrow.BINARY_VIEW, arrow.STRING_VIEW, arrow.FIXED_SIZE_BINARY, arrow.NULL:
		typ = metadatapb.FeatureType_BYTES
	case arrow.STRUCT:
		typ = metadatapb.FeatureType_STRUCT
		sd := &metadatapb.StructDomain{}
		for _, c := range t.(*arrow.StructType).Fields() {
			cf, err := featureFromArrow(c.Name, c.Type)
			if err != nil {
				return nil, fmt.Errorf("%w (in struct %q)", err, name)
			}
			sd.Feature = append(sd.Feature, cf)
		}
		feat.DomainInfo = &metadatapb.Feature_StructDomain{StructDomain: sd}
	default:
		return nil, fmt.Errorf("schema: field %q: %w %s", name, ErrArrowType, t)
	}
	feat.Type = typ.Enum()
	return feat, nil
}
