//go:build tools

// Package tools pins buf, the code generator driver. protoc-gen-go is built
// from the root module so that it always matches the protobuf runtime that
// the generated code links against.
package tools

import _ "github.com/bufbuild/buf/cmd/buf"
