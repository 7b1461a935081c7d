//go:build !windows

package main

// alert is a no-op outside Windows: the message is on stderr, which a
// terminal or the desktop's log shows.
func alert(title, text string) {}
