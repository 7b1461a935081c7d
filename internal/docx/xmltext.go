package docx

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// xmlChar reports whether XML 1.0 allows r in a document:
// #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
func xmlChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// clean drops what cannot appear in a WordprocessingML text node: control
// characters (tab and newline excepted, which runs turn into w:tab and
// w:br), U+FFFE and U+FFFF, and bytes that are not UTF-8. It returns s
// itself when there is nothing to drop.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				ok = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n == 1 {
			continue
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			continue
		}
		if xmlChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escape writes s as XML character data or an attribute value: cleaned,
// with & < > " ' escaped. Tabs and newlines are kept as character
// references so that they survive in attribute values too.
func escape(w *bufio.Writer, s string) {
	s = clean(s)
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		case '\t':
			esc = "&#9;"
		case '\n':
			esc = "&#10;"
		case '\r':
			esc = "&#13;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		last = i + 1
	}
	w.WriteString(s[last:])
}

// escapeString is escape into a string, for the small parts.
func escapeString(s string) string {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	escape(w, s)
	w.Flush()
	return b.String()
}

// emWidth estimates how many ems s takes: one for East-Asian wide
// characters, half for the rest. Good enough to decide whether a cover
// title fits on one line.
func emWidth(s string) float64 {
	var w float64
	for _, r := range s {
		switch {
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana
			w += 0.5
		case r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) ||
			(r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
			(r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
			(r >= 0xFFE0 && r <= 0xFFE6) || r >= 0x20000):
			w++
		default:
			w += 0.5
		}
	}
	return w
}
