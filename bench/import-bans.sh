#!/usr/bin/env bash
# Times a bans import through the real server, outside any test: N lines
# (default 10,000, all in one /16, the slowest case for the covering-range
# lookup) posted to `banlist serve --shared` on a fresh rollback-journal file,
# then the same file again (every line already blocked).
#   bench/import-bans.sh [BINARY] [LINES]
set -euo pipefail
bin=${1:-build/bin/banlist-test}
lines=${2:-10000}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
awk -v n="$lines" 'BEGIN {
  printf "{\"csv\":\"ip,period,notes\\n"
  for (i = 0; i < n; i++) printf "198.18.%d.%d,1d,import line %d; =note\\n", int(i / 250), i % 250 + 1, i
  printf "\"}"
}' > "$dir/body.json"
BANLIST_SETTINGS="$dir/settings.json" "$bin" serve --addr 127.0.0.1:0 --db "$dir/team.db" --shared --no-demo > "$dir/out" 2> "$dir/log" &
pid=$!
for _ in $(seq 100); do grep -q 'banlist serving on' "$dir/out" && break; sleep 0.1; done
url=$(sed -n 's/^banlist serving on //p' "$dir/out")
for round in first again; do
  curl -sS -o "$dir/res.json" -w "$round: HTTP %{http_code} in %{time_total} s; " \
    -H 'Content-Type: application/json' --data-binary @"$dir/body.json" "$url/api/v1/bans/import"
  head -c 60 "$dir/res.json"; echo
done
