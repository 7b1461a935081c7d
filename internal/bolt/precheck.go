package bolt

import (
	"encoding/binary"
	"hash/fnv"
	"io"
	"os"
)

// bbolt maps the whole file and reads pages beyond a truncated end as
// faults, sometimes while it is still opening, when its file lock can no
// longer be released. So before handing a file to bbolt, read its two meta
// pages ourselves and refuse a file shorter than the newest valid meta says.
//
// Meta page layout (bbolt file format 2, little-endian): a 16-byte page
// header, then magic, version, page size, flags (uint32 each), root bucket
// (pgid, sequence), freelist pgid, high-water pgid, txid, and an FNV-64a
// checksum of the preceding 56 bytes.

const (
	boltMagic   = 0xED0CDAED
	pageHeader  = 16
	metaSumFrom = 56
)

type metaInfo struct {
	pageSize uint32
	freelist uint64
	highPage uint64
	txid     uint64
}

func parseMeta(b []byte) (metaInfo, bool) {
	if len(b) < pageHeader+metaSumFrom+8 {
		return metaInfo{}, false
	}
	m := b[pageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic {
		return metaInfo{}, false
	}
	h := fnv.New64a()
	h.Write(m[:metaSumFrom])
	if h.Sum64() != le.Uint64(m[metaSumFrom:]) {
		return metaInfo{}, false
	}
	return metaInfo{pageSize: le.Uint32(m[8:]), freelist: le.Uint64(m[32:]), highPage: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// precheck returns an ErrDamaged error when the file is plainly truncated.
// Files it cannot make sense of are left to bbolt, which reports them.
func precheck(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // bbolt reports it
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return nil // a new file
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	var best metaInfo
	found := false
	if m, ok := parseMeta(head); ok {
		best, found = m, true
		second := make([]byte, 4096)
		if k, _ := f.ReadAt(second, int64(m.pageSize)); k > 0 {
			if m2, ok := parseMeta(second[:k]); ok && m2.txid > m.txid {
				best = m2
			}
		}
	}
	if !found {
		if fi.Size() < 2*int64(os.Getpagesize()) {
			return damaged("the store file is truncated: %d bytes, too small for a header", fi.Size())
		}
		return nil
	}
	if want := int64(best.highPage) * int64(best.pageSize); fi.Size() < want {
		return damaged("the store file is truncated: %d bytes, but its header says %d", fi.Size(), want)
	}
	if best.freelist >= best.highPage && best.freelist != ^uint64(0) {
		return damaged("the store header points past the end of the file")
	}
	return nil
}
