package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Template is a built-in or user checksheet: the items an audit starts with.
type Template struct {
	Name        string `json:"name"`
	Kind        Kind   `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Scale       *Scale `json:"scale,omitempty"` // nil: DefaultScale
	Items       []Item `json:"items"`
}

// ParseTemplate decodes and validates a template; unknown fields are refused
// so a typo in a template file is caught rather than silently dropped.
func ParseTemplate(data []byte) (Template, error) {
	var t Template
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Template{}, fmt.Errorf("%w: template: %v", ErrInvalid, err)
	}
	return t, t.Validate()
}

// Validate checks the template's kind, scale and items, and that item
// numbers are unique after normalisation.
func (t Template) Validate() error {
	if t.Name == "" {
		return invalid("template.name", "is empty")
	}
	if !t.Kind.Valid() {
		return invalid("template.kind", "%q is not a known kind", t.Kind)
	}
	if t.Scale != nil {
		if err := t.Scale.Validate(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, it := range t.Items {
		if err := it.Validate(); err != nil {
			return fmt.Errorf("template %s: %w", t.Name, err)
		}
		n := NormalizeNo(it.No)
		if seen[n] {
			return invalid("template.items", "number %s appears twice", n)
		}
		seen[n] = true
	}
	return nil
}

// EffectiveScale is the template's scale, or the default.
func (t Template) EffectiveScale() Scale {
	if t.Scale != nil {
		return *t.Scale
	}
	return DefaultScale()
}
