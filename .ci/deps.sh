#!/usr/bin/env bash
# Installs the Debian packages Kansa's build and tests need, only those
# missing, so it is quick when everything is there. Used by `make` and CI.
set -euo pipefail

pkgs=(
  gcc pkg-config libgl1-mesa-dev xorg-dev   # Fyne's cgo (OpenGL, X11)
  xvfb x11-utils xdotool imagemagick        # GUI smoke test and screenshots
  fonts-ipaexfont-gothic fonts-ipaexfont-mincho  # Japanese text in the GUI and PDFs
  poppler-utils qpdf                        # pdftotext, pdffonts, pdfimages, qpdf --check for exported PDFs
  libreoffice-calc libreoffice-writer       # exported workbooks and Word files are checked by converting them to PDF
  gcc-mingw-w64-x86-64                      # make windows
  file                                      # check the PE executables
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
