// Package textfmt writes protobuf messages in text format the way TFX
// writes schema.pbtxt (field: value, message { ... }, two-space indent), and
// the same in every build: prototext varies its spacing from build to build
// on purpose, so the spacing after each field name is normalised.
package textfmt

import (
	"bytes"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

// Format returns m in multi-line text format, stable across builds.
func Format(m proto.Message) ([]byte, error) {
	b, err := prototext.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		body := bytes.TrimLeft(line, " ")
		indent := line[:len(line)-len(body)]
		i := 0
		for i < len(body) && (body[i] == '_' || body[i] == '.' || body[i] == '[' || body[i] == ']' || body[i] == '/' ||
			'a' <= body[i]|0x20 && body[i]|0x20 <= 'z' || '0' <= body[i] && body[i] <= '9') {
			i++
		}
		if i == 0 || i >= len(body) || body[i] != ':' {
			out.Write(line) // "}" and anything unexpected: as is
			continue
		}
		val := bytes.TrimLeft(body[i+1:], " ")
		out.Write(indent)
		out.Write(body[:i])
		switch string(bytes.TrimRight(val, "\n")) {
		case "{":
			out.WriteString(" {\n")
		case "{}": // an empty message, on two lines as TFX writes it
			out.WriteString(" {\n")
			out.Write(indent)
			out.WriteString("}\n")
		default:
			out.WriteString(": ")
			out.Write(val)
		}
	}
	return out.Bytes(), nil
}
