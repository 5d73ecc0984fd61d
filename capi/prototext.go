//go:build cgo

package main

import (
	"google.golang.org/protobuf/proto"

	"github.com/gobsl/gobsl/internal/textfmt"
)

// protoText returns m in text format as TFX writes it, the same for every
// build and the same as the inspect CLI's output.
func protoText(m proto.Message) ([]byte, error) { return textfmt.Format(m) }
