#!/usr/bin/env bash
# Desktop smoke test: start the real `wails build` binary under Xvfb on a
# temporary database, wait until the frontend has called a bound Go method,
# screenshot the screen, check the picture is not blank, stop the app.
set -euo pipefail
bin=${1:?usage: smoke-desktop.sh path/to/banlist}
artifacts=${BANLIST_ARTIFACTS:-test-artifacts}
mkdir -p "$artifacts"
tmp=$(mktemp -d)
app_pid="" xvfb_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A free X display number.
n=99
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
export DISPLAY=":$n"

start=$(date +%s%N)
"$bin" --db "$tmp/banlist.db" >"$tmp/app.log" 2>&1 &
app_pid=$!

ok=""
for _ in $(seq 600); do
  if grep -q 'first bound call' "$tmp/app.log"; then ok=1; break; fi
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ok" ]; then
  echo "desktop smoke: FAIL — the frontend never called a bound method within 60 s. App log:"
  cat "$tmp/app.log"
  exit 1
fi
ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2 # let the first data render
import -display "$DISPLAY" -window root "$artifacts/desktop.png"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
app_pid=""

# A blank (single-colour) screen has zero spread; a rendered report has many colours.
colours=$(convert "$artifacts/desktop.png" -format '%k' info:)
spread=$(convert "$artifacts/desktop.png" -colorspace Gray -format '%[fx:standard_deviation]' info:)
grep 'first bound call' "$tmp/app.log"
if [ "$colours" -lt 50 ] || awk "BEGIN{exit !($spread < 0.02)}"; then
  echo "desktop smoke: FAIL — screenshot looks blank (colours=$colours, spread=$spread)"
  exit 1
fi
echo "desktop smoke: first bound call after ${ms} ms; screenshot $artifacts/desktop.png (colours=$colours, spread=$spread)"
