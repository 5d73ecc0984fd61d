//go:build !linux

package prismtest

import (
	"errors"
	"syscall"
)

func isolated() (*syscall.SysProcAttr, error) {
	return nil, errors.New("network namespaces are Linux only")
}

func loopbackUp() error { return errors.New("network namespaces are Linux only") }
