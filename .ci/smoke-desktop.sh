#!/usr/bin/env bash
# Desktop smoke test: start the real `wails build` binary under Xvfb on a
# temporary database, wait until the frontend has called a bound Go method,
# check that the first thing the window painted was the loading screen (not
# a blank window, then the app), screenshot the screen, check the picture is
# not blank, stop the app.
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
BANLIST_LOG=debug BANLIST_SETTINGS="$tmp/settings.json" "$bin" --db "$tmp/banlist.db" >"$tmp/app.log" 2>&1 &
app_pid=$!

# Frames of the screen from launch (xwd is quick), until a second after the
# frontend's first call into Go: what the window shows while it starts.
mkdir "$tmp/frames"
ok="" frame=0 until_ms=60000
while :; do
  t=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$t" -gt "$until_ms" ] && break
  frame=$((frame + 1))
  xwd -root -silent >"$tmp/frames/$(printf %04d $frame)-$t.xwd" 2>/dev/null || true
  if [ -z "$ok" ] && grep -q 'first bound call' "$tmp/app.log"; then ok=1 ms=$t until_ms=$((t + 1000)); fi
  kill -0 "$app_pid" 2>/dev/null || break
done
if [ -z "$ok" ]; then
  echo "desktop smoke: FAIL — the frontend never called a bound method within 60 s. App log:"
  cat "$tmp/app.log"
  exit 1
fi

# The window must never sit blank: the first thing it paints is the loading
# screen of index.html (its bar is #18a058, a colour the app itself does not
# use), which stays until the report's first page is in. A frame of at most
# three flat colours is the empty screen (black) or the window not yet painted
# (white, and while GTK maps it, sometimes a strip of its grey background).
mapped="" painted="" first=""
for f in "$tmp"/frames/*.xwd; do
  k=$(convert "xwd:$f" -format '%k' info: 2>/dev/null) || continue
  t=$(basename "$f" .xwd); t=${t#*-}
  if [ "$k" -le 3 ]; then
    [ -z "$mapped" ] && [ "$(convert "xwd:$f" -format '%[fx:mean>0]' info:)" = 1 ] && mapped=$t
    continue
  fi
  painted=$t first=$f
  break
done
if [ -z "$first" ]; then
  echo "desktop smoke: FAIL — no frame with anything painted in the window ($(ls "$tmp/frames" | wc -l) frames)"
  exit 1
fi
convert "xwd:$first" "$artifacts/desktop-first-paint.png"
# Captured first: `| grep -q` under pipefail fails with 141 when grep exits early.
colours_first=$(convert "xwd:$first" -format %c histogram:info:-)
if ! grep -qi '#18A058' <<<"$colours_first"; then
  echo "desktop smoke: FAIL — the first painted frame (${painted} ms after launch) is not the loading screen: $artifacts/desktop-first-paint.png"
  exit 1
fi
echo "desktop smoke: window white from ${mapped:-?} ms, loading screen painted at ${painted} ms after launch ($artifacts/desktop-first-paint.png)"
sleep 1 # let the first data render
import -display "$DISPLAY" -window root "$artifacts/desktop.png"

# Live refresh on the desktop: another process bans an address in the same
# file; the window must hear of it (a Wails event) and reload its data.
calls_before=$(grep -c 'bound call' "$tmp/app.log")
"$bin" serve --addr 127.0.0.1:0 --db "$tmp/banlist.db" --settings "$tmp/settings.json" >"$tmp/serve.out" 2>"$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 100); do grep -q 'serving on' "$tmp/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^banlist serving on //p' "$tmp/serve.out")
curl -fsS -X POST "$url/api/v1/bans" -H 'Content-Type: application/json' \
  -d '{"ip":"192.0.2.123","period":"1h","notes":"smoke test"}' >/dev/null
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
refreshed=""
for _ in $(seq 30); do
  if grep -q 'telling the frontend' "$tmp/app.log" && [ "$(grep -c 'bound call' "$tmp/app.log")" -gt "$calls_before" ]; then refreshed=1; break; fi
  sleep 0.1
done
if [ -z "$refreshed" ]; then
  echo "desktop smoke: FAIL — a ban from another process did not refresh the window within 3 s. App log:"
  cat "$tmp/app.log"
  exit 1
fi
echo "desktop smoke: live refresh after a ban by another process: ok"
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
