#!/usr/bin/env bash
# Builds and runs every test: unit, conformance and scenario tests (CTest), the CLI contract,
# the same tests under ASan+UBSan, and the fuzzers briefly. Run from a clone with ../shared
# beside it (the upstream Falco rule files used as test data).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export TZ=UTC
fuzz_seconds=${SENSOR_FUZZ_SECONDS:-30}

echo "== build (RelWithDebInfo)"
cmake -S . -B build -DSENSOR_BUILD_BENCH=ON >/dev/null
cmake --build build -j"$jobs"

echo "== formatting"
tools/check-format.sh

echo "== unit, conformance and scenario tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== command-line contract"
tools/cli-checks.sh build/sensor

echo "== packaging (.deb, systemd unit, Kubernetes manifests, Helm chart, image)"
if [ "$(id -u)" -eq 0 ]; then
  tools/packaging-checks.sh build
  tools/image-checks.sh
else
  echo "skipped: installing the .deb and building the image need root"
fi

echo "== sanitizer build (ASan+UBSan) of the tests"
cmake -S . -B build-asan -DSENSOR_SANITIZE=ON -DSENSOR_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs" --target sensor_tests sensor
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-asan/tests/sensor_tests
tools/cli-checks.sh build-asan/sensor

echo "== fuzzers (${fuzz_seconds}s each)"
tools/run-fuzz.sh "$fuzz_seconds"

echo "== all tests passed"
