module github.com/gobsl/gobsl

go 1.26

require (
	github.com/apache/arrow-go/v18 v18.8.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)
