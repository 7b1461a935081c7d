package main

import (
	"syscall"
	"unsafe"
)

// alert shows a message box: kansa.exe is built as a GUI program
// (-H=windowsgui), so nothing written to stderr is ever seen.
func alert(title, text string) {
	t, err1 := syscall.UTF16PtrFromString(title)
	m, err2 := syscall.UTF16PtrFromString(text)
	if err1 != nil || err2 != nil {
		return
	}
	const mbIconError = 0x10
	proc := syscall.NewLazyDLL("user32.dll").NewProc("MessageBoxW")
	proc.Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)), mbIconError)
}
