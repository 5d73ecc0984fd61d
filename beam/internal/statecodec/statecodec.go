// Package statecodec encodes the whole state of a Go value, unexported
// fields included, so that a value whose package offers no encoding can
// still cross a Beam shuffle.
//
// It exists for stats.Accumulator, a CombineFn accumulator that must be
// encoded between the partial and final combine but has no exported
// fields and no MarshalBinary. Values are walked by reflection: booleans,
// numbers, strings, slices, arrays, maps, structs and pointers (trees,
// not graphs: shared pointers are copied apart), protocol buffer messages
// (proto.Marshal) and nil interfaces. Anything else (channels, functions,
// non-nil interfaces) is an error, so a change of the encoded type that
// this package cannot follow fails loudly rather than losing state.
//
// Once stats.Accumulator has its own encoding, this package should go.
package statecodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"unsafe"

	"google.golang.org/protobuf/proto"
)

var protoMessage = reflect.TypeFor[proto.Message]()

// Append appends the encoding of *p to dst.
func Append[T any](dst []byte, p *T) ([]byte, error) {
	return appendValue(dst, reflect.ValueOf(p).Elem())
}

// Decode decodes src, as Append encoded it, into *p.
func Decode[T any](src []byte, p *T) error {
	d := decoder{b: src}
	if err := d.value(reflect.ValueOf(p).Elem()); err != nil {
		return err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("statecodec: %d bytes left over", len(d.b))
	}
	return nil
}

// open returns v's field i, readable and settable even when unexported.
func open(v reflect.Value, i int) reflect.Value {
	f := v.Field(i)
	if f.CanSet() {
		return f
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// addressable returns an addressable copy of v when it is not addressable
// (a map key or value).
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(b, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return binary.AppendUvarint(b, v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float())), nil
	case reflect.String:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...), nil
	case reflect.Slice:
		if v.IsNil() {
			return append(b, 0), nil
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return append(b, v.Bytes()...), nil
		}
		fallthrough
	case reflect.Array:
		var err error
		for i := range v.Len() {
			if b, err = appendValue(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return b, nil
	case reflect.Map:
		if v.IsNil() {
			return append(b, 0), nil
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		var err error
		for it := v.MapRange(); it.Next(); {
			if b, err = appendValue(b, addressable(it.Key())); err != nil {
				return nil, err
			}
			if b, err = appendValue(b, addressable(it.Value())); err != nil {
				return nil, err
			}
		}
		return b, nil
	case reflect.Struct:
		var err error
		for i := range v.NumField() {
			if b, err = appendValue(b, open(v, i)); err != nil {
				return nil, fmt.Errorf("%s.%w", v.Type().Field(i).Name, err)
			}
		}
		return b, nil
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, 0), nil
		}
		b = append(b, 1)
		if v.Type().Implements(protoMessage) {
			m, err := proto.MarshalOptions{Deterministic: true}.Marshal(v.Interface().(proto.Message))
			if err != nil {
				return nil, err
			}
			b = binary.AppendUvarint(b, uint64(len(m)))
			return append(b, m...), nil
		}
		return appendValue(b, v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%v: cannot encode a %v", v.Type(), v.Kind())
}

var errShort = errors.New("statecodec: input too short")

type decoder struct{ b []byte }

func (d *decoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errShort
	}
	d.b = d.b[n:]
	return x, nil
}

func (d *decoder) bytes(n uint64) ([]byte, error) {
	if uint64(len(d.b)) < n {
		return nil, errShort
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p, nil
}

// length reads a length written as n+1, 0 standing for nil.
func (d *decoder) length() (n int, isNil bool, err error) {
	x, err := d.uvarint()
	if err != nil || x == 0 {
		return 0, true, err
	}
	if x-1 > uint64(len(d.b)) { // every element takes a byte at least
		return 0, false, errShort
	}
	return int(x - 1), false, nil
}

func (d *decoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		p, err := d.bytes(1)
		if err != nil {
			return err
		}
		v.SetBool(p[0] != 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, n := binary.Varint(d.b)
		if n <= 0 {
			return errShort
		}
		d.b = d.b[n:]
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		v.SetUint(x)
	case reflect.Float32, reflect.Float64:
		p, err := d.bytes(8)
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(p)))
	case reflect.String:
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		p, err := d.bytes(n)
		if err != nil {
			return err
		}
		v.SetString(string(p))
	case reflect.Slice:
		n, isNil, err := d.length()
		if err != nil || isNil {
			return err
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			p, err := d.bytes(uint64(n))
			if err != nil {
				return err
			}
			v.SetBytes(append([]byte{}, p...))
			return nil
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		n, isNil, err := d.length()
		if err != nil || isNil {
			return err
		}
		t := v.Type()
		v.Set(reflect.MakeMapWithSize(t, n))
		for range n {
			k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			if err := d.value(k); err != nil {
				return err
			}
			if err := d.value(e); err != nil {
				return err
			}
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := d.value(open(v, i)); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		p, err := d.bytes(1)
		if err != nil || p[0] == 0 {
			return err
		}
		e := reflect.New(v.Type().Elem())
		if v.Type().Implements(protoMessage) {
			n, err := d.uvarint()
			if err != nil {
				return err
			}
			m, err := d.bytes(n)
			if err != nil {
				return err
			}
			if err := proto.Unmarshal(m, e.Interface().(proto.Message)); err != nil {
				return err
			}
		} else if err := d.value(e.Elem()); err != nil {
			return err
		}
		v.Set(e)
	case reflect.Interface:
		// Only nil interfaces are encoded.
	default:
		return fmt.Errorf("%v: cannot decode a %v", v.Type(), v.Kind())
	}
	return nil
}
