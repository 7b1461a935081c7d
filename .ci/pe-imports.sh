#!/usr/bin/env bash
# Fails if a Windows executable imports a DLL that is not part of Windows,
# so kansa.exe keeps running from a USB stick without any runtime installed.
set -euo pipefail
exe=$1
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
echo "$(basename "$exe") imports: $(echo $dlls)"
bad=""
for d in $dlls; do
  case "$d" in
    kernel32.dll|user32.dll|gdi32.dll|opengl32.dll|shell32.dll|ole32.dll|oleaut32.dll|advapi32.dll|\
    winmm.dll|ws2_32.dll|ntdll.dll|msvcrt.dll|imm32.dll|dwmapi.dll|shcore.dll|uxtheme.dll|comdlg32.dll|\
    comctl32.dll|setupapi.dll|version.dll|winspool.drv|bcrypt.dll|crypt32.dll|secur32.dll|userenv.dll|\
    iphlpapi.dll|dnsapi.dll|netapi32.dll|powrprof.dll|mswsock.dll|api-ms-win-*) ;;
    *) bad="$bad $d" ;;
  esac
done
[ -z "$bad" ] || { echo "non-system DLLs imported:$bad"; exit 1; }
