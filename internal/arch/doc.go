// Package arch holds no code: its test enforces the direction of imports
// between Kansa's packages (docs: architecture.md, "Rules of direction").
package arch
