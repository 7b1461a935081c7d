package change

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// The materialised view stores one Entity per record, and reading an audit
// decodes a thousand of them, so entities have a compact binary form: JSON
// spent most of an audit's load time validating raw values.
//
//	version 1 | id | nfields | { name | nvalues | { device | seq | wall | logical | author | value } } | nearly | { device | seq }
//
// Strings and byte slices are uvarint-length-prefixed; integers are varints.

const entityFormat = 1

// ErrBadEncoding is returned for a record that does not decode.
var ErrBadEncoding = errors.New("bad entity encoding")

// MarshalBinary encodes the entity deterministically (fields sorted).
func (e *Entity) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, entityFormat)
	b = appendString(b, e.ID)
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendString(b, n)
		vals := e.Fields[n].Values
		b = binary.AppendUvarint(b, uint64(len(vals)))
		for _, v := range vals {
			b = appendOpID(b, v.Op)
			b = binary.AppendVarint(b, v.At.Wall)
			b = binary.AppendUvarint(b, uint64(v.At.Logical))
			b = appendString(b, v.Author)
			b = appendBytes(b, v.Value)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(e.Early)))
	for _, id := range e.Early {
		b = appendOpID(b, id)
	}
	return b, nil
}

// UnmarshalBinary decodes a record written by MarshalBinary.
func (e *Entity) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	if v := d.byte(); v != entityFormat {
		return fmt.Errorf("%w: format %d", ErrBadEncoding, v)
	}
	e.ID = d.string()
	n := d.count()
	e.Fields = make(map[string]*Register, n)
	for range n {
		name := d.string()
		k := d.count()
		reg := &Register{Values: make([]Value, 0, k)}
		for range k {
			var v Value
			v.Op = d.opID()
			v.At.Wall = d.varint()
			v.At.Logical = uint32(d.uvarint())
			v.Author = d.string()
			v.Value = d.bytes()
			reg.Values = append(reg.Values, v)
		}
		e.Fields[name] = reg
	}
	e.Early = nil
	for range d.count() {
		e.Early = append(e.Early, d.opID())
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrBadEncoding, len(d.b))
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendOpID(b []byte, id OpID) []byte {
	b = appendString(b, id.Device)
	return binary.AppendUvarint(b, id.Seq)
}

// decoder reads the binary form; the first error sticks and zero values
// are returned after it.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated %s", ErrBadEncoding, what)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("header")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that must fit in the remaining input.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("count")
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) opID() OpID {
	dev := d.string()
	return OpID{Device: dev, Seq: d.uvarint()}
}
