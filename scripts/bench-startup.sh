#!/usr/bin/env bash
# Start-up of the release app to an interactive graph (issue 7: < 1 s), and
# the release binary's size (< 25 MB). Builds the UI and the release app,
# then, under Xvfb, starts it once as on a new machine (fresh data folder,
# fresh webview storage) and RUNS times more as a user starts it again (the
# same data folder; the webview keeps the graph's layout), each time until
# the UI reports its first laid-out graph, with where the time went.
#
#   scripts/bench-startup.sh [RUNS]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/choreoscope/target-release}
npm --prefix ui run build >/dev/null
cargo build --release -p choreoscope >/dev/null
APP=$CARGO_TARGET_DIR/release/choreoscope
awk -v size="$(stat -c %s "$APP")" -v app="$APP" 'BEGIN { printf "release binary: %s, %.1f MB (%.1f MiB)\n", app, size / 1e6, size / 1048576 }'
DISPLAY_NUMBER=:$((90 + RANDOM % 9))
Xvfb "$DISPLAY_NUMBER" -screen 0 1440x900x24 >/dev/null 2>&1 &
XVFB=$!
DATA=$(mktemp -d)
trap 'kill $XVFB 2>/dev/null; rm -rf "$DATA"' EXIT
sleep 1
# The webview's storage (tauri.conf.json's identifier): where the layout is kept.
WEBVIEW_DATA=${XDG_DATA_HOME:-$HOME/.local/share}/dev.choreoscope.app

start_once() {
  local exit_after=$1 start end line
  start=$(date +%s%N)
  line=$(DISPLAY=$DISPLAY_NUMBER CHOREOSCOPE_EXIT_WHEN_READY=$exit_after RUST_LOG=warn timeout 60 "$APP" --data-dir "$DATA" | tail -1)
  end=$(date +%s%N)
  echo "$line (process start to exit: $(( (end - start) / 1000000 )) ms)"
}

rm -rf "$WEBVIEW_DATA"
# Stays up 3 s after it is ready, as anyone would, so the webview writes the layout.
echo "first start (new data folder, no layout kept): $(start_once 3000)"
for run in $(seq 1 "$RUNS"); do
  echo "start $run again: $(start_once 1)"
done
