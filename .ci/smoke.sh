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

# Start Xvfb on a display nobody holds (no lock file, no socket), start
# kansa on it and wait for its window. A display that turns out unusable
# (another server, a stale socket) is given up and the next one tried.
start_x() {
  local n
  for n in $(seq "$1" 140); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
    xvfb=$!
    for _ in $(seq 50); do xdpyinfo -display ":$n" >/dev/null 2>&1 && { display=":$n"; return 0; }; sleep 0.1; done
    kill "$xvfb" 2>/dev/null || true
  done
  return 1
}

win=""
next=$((90 + RANDOM % 20))
for attempt in 1 2 3; do
  start_x "$next" || { echo "smoke: no X display could be started"; cat "$tmp/xvfb.log"; exit 1; }
  export DISPLAY=$display
  KANSA_STORE="$tmp/store" "$bin" >"$tmp/log" 2>&1 &
  app=$!
  for _ in $(seq 100); do
    win=$(xdotool search --name Kansa 2>/dev/null | head -n1 || true)
    [ -n "$win" ] && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$win" ] && break
  echo "smoke: attempt $attempt on $display: no window"; cat "$tmp/log"
  kill "$app" 2>/dev/null || true; app=""
  kill "$xvfb" 2>/dev/null || true; xvfb=""
  next=$((${display#:} + 1))
done
[ -n "$win" ] || { echo "smoke: kansa showed no window in 3 attempts"; exit 1; }
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
