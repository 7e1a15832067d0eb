#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each briefly.
# Usage: tools/run-fuzz.sh [seconds-per-target]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shared=${SENSOR_SHARED_DIR:-$(pwd)/../shared}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENSOR_FUZZ=ON \
  -DSENSOR_BUILD_TESTS=OFF -DSENSOR_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_condition fuzz_rules_loader \
  fuzz_audit_decoder
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/condition" "$work/rules" "$work/audit"
cp tests/fuzz/corpus/condition/* "$work/condition/"
cp "$shared"/rules/*.yaml "$work/rules/" 2>/dev/null || true
cp rules/*.yaml "$work/rules/" 2>/dev/null || true
cp tests/fuzz/corpus/rules/* "$work/rules/" 2>/dev/null || true
cp tests/fuzz/corpus/audit/* "$work/audit/"
# fuzz_audit_decoder loads the upstream k8s audit rules from $SENSOR_SHARED_DIR/rules.
export SENSOR_SHARED_DIR="$shared"
for target in condition rules_loader audit_decoder; do
  case "$target" in
    condition) corpus="$work/condition" ;;
    rules_loader) corpus="$work/rules" ;;
    audit_decoder) corpus="$work/audit" ;;
  esac
  echo "fuzzing $target for ${secs}s"
  ./build-fuzz/tests/fuzz/fuzz_$target "$corpus" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tail -n 12
  # libFuzzer exits non-zero (and `set -e` stops us) on a crash, leak or timeout.
done
echo "fuzzing: no crashes"
