package report

import (
	"net/netip"
	"regexp"
	"sort"
	"strings"
)

// The confidentiality rule.
//
// The J-LIS variant of a common-platform report replaces confidential text
// with Withheld. Builders mark text confidential, in every audit kind and
// variant (the mark is invisible until a document is redacted), by this
// rule:
//
//   - whole fields: each target's system name (audit.Target.System), in the
//     target tables;
//   - in every piece of user-written text (titles, criteria, observations,
//     evidence seen, proposals, captions, file names, comments, plan text,
//     the generated sentences that quote them), only the matched
//     substrings:
//   - the targets' system names and Input.ConfidentialTerms, wherever
//     they occur (exact match, longest first);
//   - IPv4 addresses and prefixes (192.168.10.5, 10.0.0.0/8), checked
//     with net/netip so version numbers such as 1.2.300.4 are left alone;
//   - IPv6 addresses and prefixes (fe80::1, 2001:db8::/32), likewise
//     checked, so clock times such as 10:30:00 are left alone;
//   - host names under internal domains (*.local, .lan, .internal,
//     .intra, .intranet, .corp, .localdomain, .home.arpa, and LGWAN
//     .lg.jp) and UNC host names (\\fs01).
//
// Bare host names without a domain (SGY-FS01) cannot be told from other
// codes; list them in Input.ConfidentialTerms. Runs are split so only the
// matched substrings are marked. Text the model keeps as plain strings
// (headings, figure and table captions, the cover) is marked by
// substituting Withheld at build time in the J-LIS variant, because
// Document.Redact does not reach those fields.
//
// Photos are not text: a screen capture showing an address stays in the
// J-LIS variant as it is.

var (
	ipv4Re = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b`)
	ipv6Re = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?:\.\d{1,3}){3})?(?:/\d{1,3})?`)
	// hostRe's group 1 is the host name; the surrounding characters keep
	// it from starting or ending inside a longer name (an underscore may
	// follow, as in a file name).
	hostRe = regexp.MustCompile(`(?i)(?:^|[^a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:local|localdomain|lan|internal|intra|intranet|corp|home\.arpa|lg\.jp))(?:[^a-z0-9.-]|\.[^a-z0-9]|\.$|$)`)
	uncRe  = regexp.MustCompile(`\\\\[A-Za-z0-9][A-Za-z0-9._$-]*`)
)

// marker finds confidential substrings.
type marker struct {
	terms []string // longest first
}

func newMarker(in Input) marker {
	seen := map[string]bool{}
	var terms []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len([]rune(s)) < 2 || seen[s] {
			return
		}
		seen[s] = true
		terms = append(terms, s)
	}
	for _, t := range in.Audit.Targets {
		add(t.System)
	}
	for _, s := range in.ConfidentialTerms {
		add(s)
	}
	sort.SliceStable(terms, func(i, j int) bool { return len(terms[i]) > len(terms[j]) })
	return marker{terms: terms}
}

// spans returns the merged, sorted byte ranges of s that are confidential.
func (m marker) spans(s string) [][2]int {
	var sp [][2]int
	for _, t := range m.terms {
		for off := 0; ; {
			i := strings.Index(s[off:], t)
			if i < 0 {
				break
			}
			sp = append(sp, [2]int{off + i, off + i + len(t)})
			off += i + len(t)
		}
	}
	for _, loc := range ipv4Re.FindAllStringIndex(s, -1) {
		if validAddr(s[loc[0]:loc[1]]) {
			sp = append(sp, [2]int{loc[0], loc[1]})
		}
	}
	for _, loc := range ipv6Re.FindAllStringIndex(s, -1) {
		v := s[loc[0]:loc[1]]
		if strings.Count(v, ":") >= 2 && strings.ContainsAny(v, "0123456789abcdefABCDEF") && validAddr(v) {
			sp = append(sp, [2]int{loc[0], loc[1]})
		}
	}
	for off := 0; off < len(s); {
		loc := hostRe.FindStringSubmatchIndex(s[off:])
		if loc == nil {
			break
		}
		sp = append(sp, [2]int{off + loc[2], off + loc[3]})
		off += loc[3] // the next name may start right after this one's boundary
	}
	for _, loc := range uncRe.FindAllStringIndex(s, -1) {
		sp = append(sp, [2]int{loc[0], loc[1]})
	}
	if len(sp) < 2 {
		return sp
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i][0] < sp[j][0] })
	out := sp[:1]
	for _, r := range sp[1:] {
		last := &out[len(out)-1]
		if r[0] <= last[1] {
			last[1] = max(last[1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// validAddr reports whether v is an IP address or prefix.
func validAddr(v string) bool {
	if strings.Contains(v, "/") {
		_, err := netip.ParsePrefix(v)
		return err == nil
	}
	_, err := netip.ParseAddr(v)
	return err == nil
}

// runs splits s into runs, marking the confidential substrings.
func (m marker) runs(s string, bold bool) []Run {
	sp := m.spans(s)
	if len(sp) == 0 {
		return []Run{{Text: s, Bold: bold}}
	}
	var out []Run
	pos := 0
	for _, r := range sp {
		if r[0] > pos {
			out = append(out, Run{Text: s[pos:r[0]], Bold: bold})
		}
		out = append(out, Run{Text: s[r[0]:r[1]], Bold: bold, Confidential: true})
		pos = r[1]
	}
	if pos < len(s) {
		out = append(out, Run{Text: s[pos:], Bold: bold})
	}
	return out
}

// withhold replaces the confidential substrings of s with Withheld.
func (m marker) withhold(s string) string {
	sp := m.spans(s)
	if len(sp) == 0 {
		return s
	}
	var b strings.Builder
	pos := 0
	for _, r := range sp {
		b.WriteString(s[pos:r[0]])
		b.WriteString(Withheld)
		pos = r[1]
	}
	b.WriteString(s[pos:])
	return b.String()
}
