package schema

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/textfmt"
	"github.com/gobsl/gobsl/proto/metadatapb"
)

// Load reads a TFMD schema from a file in text or binary format.
func Load(path string) (*metadatapb.Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("schema: %s: %w", path, err)
	}
	return s, nil
}

// Parse parses a TFMD schema in text format or, when the bytes are not
// text, in binary format. Unknown fields are an error in text format, so
// that a misspelt field is not silently ignored.
func Parse(b []byte) (*metadatapb.Schema, error) {
	s := new(metadatapb.Schema)
	if isText(b) {
		if err := prototext.Unmarshal(b, s); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := proto.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("Unable to parse schema.: %w", err)
	}
	return s, nil
}

// isText reports whether b looks like text format rather than binary: valid
// UTF-8 without control characters other than white space.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	return !bytes.ContainsFunc(b, func(r rune) bool {
		return r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v'
	})
}

// Save writes s to path: binary when the name ends in .pb or .bin, else
// text format as TFX writes schema.pbtxt.
func Save(path string, s *metadatapb.Schema) error {
	var b []byte
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pb", ".bin":
		b, err = proto.MarshalOptions{Deterministic: true}.Marshal(s)
	default:
		b, err = Format(s)
	}
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}

// Format returns s in multi-line text format as TFX writes schema.pbtxt,
// the same in every build.
func Format(s *metadatapb.Schema) ([]byte, error) { return textfmt.Format(s) }
