// Package audit is Kansa's domain: engagements, audits, checksheet items,
// rating scales, results, evidence, hearing records, review notes and
// sign-offs, with their validation rules.
//
// It imports only the standard library. Storage, sync and rendering live in
// adapter packages that depend on this one, never the other way round.
package audit
