package pdf

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/signintech/gopdf"
)

// The outline (bookmarks) mirrors the headings, nested by level. gopdf
// v0.33.0 adds every outline item to one flat chain; the items' links
// (Parent, Prev, Next, First, Last) are rewritten here through the exported
// setters. Two things cannot be set through gopdf's API and are patched in
// the output instead (outlineRootFix): the root's /Last, which gopdf points
// at the last item added (a child, when the last heading is not a chapter),
// and its /Count.

// outlineRootID is the object number of gopdf's outline root: Start adds
// the catalog (1), the page tree (2) and the outlines (3) first. The test
// checks it.
const outlineRootID = 3

type onode struct {
	obj      *gopdf.OutlineObj
	level    int
	children []*onode
}

// outlineTree nests the outline items by heading level.
func outlineTree(hs []headingInfo, objs []*gopdf.OutlineObj) []*onode {
	var roots []*onode
	var stack []*onode
	for i, h := range hs {
		if i >= len(objs) {
			break
		}
		n := &onode{obj: objs[i], level: h.level}
		for len(stack) > 0 && stack[len(stack)-1].level >= n.level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, n)
		} else {
			p := stack[len(stack)-1]
			p.children = append(p.children, n)
		}
		stack = append(stack, n)
	}
	return roots
}

func linkOutlines(hs []headingInfo, objs []*gopdf.OutlineObj) {
	var link func(parent int, ns []*onode)
	link = func(parent int, ns []*onode) {
		for i, n := range ns {
			n.obj.SetParent(parent)
			n.obj.SetPrev(-1)
			n.obj.SetNext(-1)
			if i > 0 {
				n.obj.SetPrev(ns[i-1].obj.GetIndex())
			}
			if i+1 < len(ns) {
				n.obj.SetNext(ns[i+1].obj.GetIndex())
			}
			n.obj.SetFirst(-1)
			n.obj.SetLast(-1)
			if len(n.children) > 0 {
				n.obj.SetFirst(n.children[0].obj.GetIndex())
				n.obj.SetLast(n.children[len(n.children)-1].obj.GetIndex())
				link(n.obj.GetIndex(), n.children)
			}
		}
	}
	link(outlineRootID, outlineTree(hs, objs))
}

func lastTopLevel(hs []headingInfo, objs []*gopdf.OutlineObj) int {
	roots := outlineTree(hs, objs)
	if len(roots) == 0 {
		return 0
	}
	return roots[len(roots)-1].obj.GetIndex()
}

func topLevelCount(hs []headingInfo) int {
	return len(outlineTree(hs, make([]*gopdf.OutlineObj, len(hs))))
}

// outlineRootFix passes the PDF through, rewriting /Last and /Count in the
// outline root object (which gopdf writes near the start of the file) in
// place: the new numbers are never longer than the old ones and are padded
// with spaces, so the cross-reference offsets stay valid.
type outlineRootFix struct {
	w         io.Writer
	last, top int
	buf       []byte
	done      bool
}

const outlineFixWindow = 1 << 20

var (
	rootObjStart = []byte(strconv.Itoa(outlineRootID) + " 0 obj\n")
	rootLastRe   = regexp.MustCompile(`/Last (\d+) 0 R`)
	rootCountRe  = regexp.MustCompile(`/Count (\d+)`)
)

func (f *outlineRootFix) Write(p []byte) (int, error) {
	if f.done {
		return f.w.Write(p)
	}
	f.buf = append(f.buf, p...)
	start := bytes.Index(f.buf, append([]byte("\n"), rootObjStart...))
	if start >= 0 {
		end := bytes.Index(f.buf[start:], []byte("endobj"))
		if end >= 0 {
			obj := f.buf[start : start+end]
			if bytes.Contains(obj, []byte("/Type /Outlines")) && f.last > 0 {
				patch(obj, rootLastRe, f.last)
				patch(obj, rootCountRe, f.top)
			}
			return len(p), f.flush()
		}
	}
	if len(f.buf) > outlineFixWindow {
		return len(p), f.flush()
	}
	return len(p), nil
}

// patch replaces the first number matched by re in b with v, in place.
func patch(b []byte, re *regexp.Regexp, v int) {
	m := re.FindSubmatchIndex(b)
	if m == nil {
		return
	}
	old := m[3] - m[2]
	s := strconv.Itoa(v)
	if len(s) > old {
		return
	}
	copy(b[m[2]:m[3]], fmt.Sprintf("%-*s", old, s))
}

func (f *outlineRootFix) flush() error {
	f.done = true
	if len(f.buf) == 0 {
		return nil
	}
	_, err := f.w.Write(f.buf)
	f.buf = nil
	return err
}
