#!/usr/bin/env bash
# Start-up of the release app to an interactive graph (issue 7: < 1 s), and
# the release binary's size (< 25 MB). Builds the UI and the release app,
# then starts it RUNS times under Xvfb on a fresh data folder, each time
# until the UI reports its first laid-out graph.
#
#   scripts/bench-startup.sh [RUNS]     (default 10; the first run is a cold one)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/choreoscope/target-release}
npm --prefix ui run build >/dev/null
cargo build --release -p choreoscope >/dev/null
APP=$CARGO_TARGET_DIR/release/choreoscope
awk -v size="$(stat -c %s "$APP")" -v app="$APP" 'BEGIN { printf "release binary: %s, %.1f MB\n", app, size / 1048576 }'
DISPLAY_NUMBER=:$((90 + RANDOM % 9))
Xvfb "$DISPLAY_NUMBER" -screen 0 1440x900x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null' EXIT
sleep 1
for run in $(seq 1 "$RUNS"); do
  data=$(mktemp -d)
  start=$(date +%s%N)
  line=$(DISPLAY=$DISPLAY_NUMBER CHOREOSCOPE_EXIT_WHEN_READY=1 RUST_LOG=warn timeout 60 "$APP" --data-dir "$data" | tail -1)
  end=$(date +%s%N)
  echo "run $run: $line (process start to exit: $(( (end - start) / 1000000 )) ms)"
  rm -rf "$data"
done
