#!/usr/bin/env bash
# GUI smoke test: start the real kansa binary under Xvfb against a temp
# store, find its window, take a screenshot, close it with Ctrl+Q and
# expect a clean exit.
set -euo pipefail
bin=${1:-bin/kansa}
shot=${2:-bin/smoke.png}
tmp=$(mktemp -d)
cleanup() {
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# Without a display (or OpenGL) kansa must say so plainly and exit non-zero.
if out=$(DISPLAY=:1999 KANSA_STORE="$tmp/none" "$bin" 2>&1); then
  echo "smoke: kansa started without a display"; exit 1
fi
echo "$out" | grep -q "needs a display with OpenGL" || { echo "smoke: no clear message without a display:"; echo "$out"; exit 1; }
echo "smoke: without a display: clear message, non-zero exit"

# Let Xvfb pick a free display and tell us which (another X server, or a
# stale lock file, may hold any fixed number).
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "smoke: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1; }
display=":$(tr -d '[:space:]' <"$tmp/display")"
xdpyinfo -display "$display" >/dev/null 2>&1 || { echo "smoke: display $display does not answer"; exit 1; }
export DISPLAY=$display

KANSA_STORE="$tmp/store" "$bin" >"$tmp/log" 2>&1 &
app=$!

win=""
for _ in $(seq 100); do
  win=$(xdotool search --name Kansa 2>/dev/null | head -n1 || true)
  [ -n "$win" ] && break
  kill -0 "$app" 2>/dev/null || { echo "smoke: kansa exited before showing a window"; cat "$tmp/log"; exit 1; }
  sleep 0.2
done
[ -n "$win" ] || { echo "smoke: no window named Kansa within 20 s"; cat "$tmp/log"; exit 1; }
echo "smoke: found window $win: $(xdotool getwindowname "$win")"
sleep 1
import -display "$display" -window root "$shot" && echo "smoke: screenshot $shot"

xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool key --clearmodifiers ctrl+q
for _ in $(seq 50); do
  kill -0 "$app" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$app" 2>/dev/null; then
  echo "smoke: kansa did not quit on Ctrl+Q"; cat "$tmp/log"; exit 1
fi
wait "$app" && rc=0 || rc=$?
app=""
[ "$rc" -eq 0 ] || { echo "smoke: kansa exited with $rc"; cat "$tmp/log"; exit 1; }
echo "smoke: ok"
