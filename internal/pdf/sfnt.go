package pdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
)

// This file reads just enough of the sfnt container (TrueType / OpenType
// fonts and TrueType collections) to pick a face, reject fonts gopdf cannot
// embed, name the face for the user, and turn one face of a .ttc collection
// into a standalone .ttf that gopdf can read.

const (
	sfntTrueType = 0x00010000
	sfntCFF      = 0x4F54544F // 'OTTO': CFF outlines, not supported by gopdf
	sfntTTCF     = 0x74746366 // 'ttcf'
)

var (
	errNotTrueType = errors.New("font has CFF (PostScript) outlines, which gopdf cannot embed; use a TrueType .ttf or .ttc")
	errBadFont     = errors.New("not a TrueType font")
)

type tableRecord struct {
	tag      string
	checksum uint32
	offset   uint32 // from the start of the file (also in a collection)
	length   uint32
}

// faceCount reports how many faces a font file holds: 1 for a .ttf, the
// number of fonts for a .ttc.
func faceCount(data []byte) (int, error) {
	if len(data) < 12 {
		return 0, errBadFont
	}
	if binary.BigEndian.Uint32(data) != sfntTTCF {
		return 1, nil
	}
	n := binary.BigEndian.Uint32(data[8:])
	if n == 0 || n > 1024 || len(data) < 12+4*int(n) {
		return 0, fmt.Errorf("%w: bad collection header", errBadFont)
	}
	return int(n), nil
}

// tableDirectory returns the table records of face index in data, which is
// either a single font (index must be 0) or a collection.
func tableDirectory(data []byte, index int) ([]tableRecord, error) {
	if len(data) < 12 {
		return nil, errBadFont
	}
	dir := 0
	if binary.BigEndian.Uint32(data) == sfntTTCF {
		n, err := faceCount(data)
		if err != nil {
			return nil, err
		}
		if index < 0 || index >= n {
			return nil, fmt.Errorf("%w: collection has %d faces, not %d", errBadFont, n, index+1)
		}
		dir = int(binary.BigEndian.Uint32(data[12+4*index:]))
	} else if index != 0 {
		return nil, fmt.Errorf("%w: face %d of a single font", errBadFont, index)
	}
	if dir+12 > len(data) {
		return nil, fmt.Errorf("%w: table directory out of range", errBadFont)
	}
	switch binary.BigEndian.Uint32(data[dir:]) {
	case sfntTrueType:
	case sfntCFF:
		return nil, errNotTrueType
	default:
		return nil, errBadFont
	}
	num := int(binary.BigEndian.Uint16(data[dir+4:]))
	if dir+12+16*num > len(data) {
		return nil, fmt.Errorf("%w: table directory out of range", errBadFont)
	}
	recs := make([]tableRecord, num)
	for i := range recs {
		p := data[dir+12+16*i:]
		recs[i] = tableRecord{
			tag:      string(p[:4]),
			checksum: binary.BigEndian.Uint32(p[4:]),
			offset:   binary.BigEndian.Uint32(p[8:]),
			length:   binary.BigEndian.Uint32(p[12:]),
		}
		if uint64(recs[i].offset)+uint64(recs[i].length) > uint64(len(data)) {
			return nil, fmt.Errorf("%w: table %q out of range", errBadFont, recs[i].tag)
		}
	}
	have := map[string]bool{}
	for _, r := range recs {
		have[r.tag] = true
	}
	if have["CFF "] || have["CFF2"] {
		return nil, errNotTrueType
	}
	for _, need := range []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "OS/2", "post"} {
		if !have[need] {
			return nil, fmt.Errorf("%w: no %q table", errBadFont, need)
		}
	}
	return recs, nil
}

func tableData(data []byte, recs []tableRecord, tag string) []byte {
	for _, r := range recs {
		if r.tag == tag {
			return data[r.offset : r.offset+r.length]
		}
	}
	return nil
}

// extractFace returns face index of a TrueType collection as a standalone
// TrueType font: the face's tables are copied into a new sfnt with a fresh
// table directory, 4-byte aligned offsets, recomputed table checksums and
// head.checkSumAdjustment. For a single font (index 0) the data is returned
// as it is.
func extractFace(data []byte, index int) ([]byte, error) {
	recs, err := tableDirectory(data, index)
	if err != nil {
		return nil, err
	}
	if binary.BigEndian.Uint32(data) != sfntTTCF {
		return data, nil
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].tag < recs[j].tag })
	num := len(recs)
	size := 12 + 16*num
	for _, r := range recs {
		size += int(r.length+3) &^ 3
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out, sfntTrueType)
	binary.BigEndian.PutUint16(out[4:], uint16(num))
	es := 0
	for 1<<(es+1) <= num {
		es++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16<<es))         // searchRange
	binary.BigEndian.PutUint16(out[8:], uint16(es))             // entrySelector
	binary.BigEndian.PutUint16(out[10:], uint16(16*num-16<<es)) // rangeShift
	off := 12 + 16*num
	headOff := -1
	for i, r := range recs {
		copy(out[off:], data[r.offset:r.offset+r.length])
		if r.tag == "head" {
			if r.length < 12 {
				return nil, fmt.Errorf("%w: short head table", errBadFont)
			}
			binary.BigEndian.PutUint32(out[off+8:], 0) // checkSumAdjustment
			headOff = off
		}
		p := out[12+16*i:]
		copy(p, r.tag)
		binary.BigEndian.PutUint32(p[4:], sfntChecksum(out[off:off+int(r.length)]))
		binary.BigEndian.PutUint32(p[8:], uint32(off))
		binary.BigEndian.PutUint32(p[12:], r.length)
		off += int(r.length+3) &^ 3
	}
	if headOff >= 0 {
		binary.BigEndian.PutUint32(out[headOff+8:], 0xB1B0AFBA-sfntChecksum(out))
	}
	return out, nil
}

// sfntChecksum is the sfnt table checksum: the sum of big-endian uint32s,
// the data zero-padded to a multiple of four.
func sfntChecksum(b []byte) uint32 {
	var sum uint32
	n := len(b) &^ 3
	for i := 0; i < n; i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	if n < len(b) {
		var tail [4]byte
		copy(tail[:], b[n:])
		sum += binary.BigEndian.Uint32(tail[:])
	}
	return sum
}

// faceName returns the face's full name (name ID 4), Japanese if the font
// has one, else English, else the PostScript name.
func faceName(data []byte, recs []tableRecord) string {
	t := tableData(data, recs, "name")
	if len(t) < 6 {
		return ""
	}
	count := int(binary.BigEndian.Uint16(t[2:]))
	strOff := int(binary.BigEndian.Uint16(t[4:]))
	best, bestScore := "", 0
	for i := 0; i < count && 6+12*i+12 <= len(t); i++ {
		p := t[6+12*i:]
		platform := binary.BigEndian.Uint16(p)
		lang := binary.BigEndian.Uint16(p[4:])
		id := binary.BigEndian.Uint16(p[6:])
		length := int(binary.BigEndian.Uint16(p[8:]))
		off := strOff + int(binary.BigEndian.Uint16(p[10:]))
		if platform != 3 || off+length > len(t) || (id != 4 && id != 6) {
			continue
		}
		score := 1
		switch {
		case id == 4 && lang == 0x0411:
			score = 4
		case id == 4 && lang == 0x0409:
			score = 3
		case id == 4:
			score = 2
		}
		if score <= bestScore {
			continue
		}
		raw := t[off : off+length]
		u := make([]uint16, len(raw)/2)
		for j := range u {
			u[j] = binary.BigEndian.Uint16(raw[2*j:])
		}
		best, bestScore = string(bytes.TrimSpace([]byte(string(utf16.Decode(u))))), score
	}
	return best
}

// postScriptName returns the face's PostScript name (name ID 6) reduced to
// characters safe in a PDF name, or "".
func postScriptName(data []byte, recs []tableRecord) string {
	t := tableData(data, recs, "name")
	if len(t) < 6 {
		return ""
	}
	count := int(binary.BigEndian.Uint16(t[2:]))
	strOff := int(binary.BigEndian.Uint16(t[4:]))
	for i := 0; i < count && 6+12*i+12 <= len(t); i++ {
		p := t[6+12*i:]
		platform := binary.BigEndian.Uint16(p)
		id := binary.BigEndian.Uint16(p[6:])
		length := int(binary.BigEndian.Uint16(p[8:]))
		off := strOff + int(binary.BigEndian.Uint16(p[10:]))
		if id != 6 || off+length > len(t) {
			continue
		}
		raw := t[off : off+length]
		var b []byte
		switch platform {
		case 3, 0: // UTF-16BE
			for j := 0; j+1 < len(raw); j += 2 {
				b = append(b, raw[j+1])
				if raw[j] != 0 {
					b = b[:len(b)-1]
				}
			}
		case 1:
			b = raw
		default:
			continue
		}
		var out []byte
		for _, c := range b {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return string(out)
		}
	}
	return ""
}
