#!/usr/bin/env bash
# Builds and runs every test: unit, scenario (with conformance) and end-to-end tests (CTest),
# the CLI contract, the same tests under ASan+UBSan, and the fuzzers briefly. Run from a clone
# with ../shared beside it (the upstream Falco rule files used as test data).
# The end-to-end tests (CTest label "root") load the eBPF probe and start containerd and
# rsyslogd: they run only as root. Without root they are left out, and this script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export TZ=UTC
fuzz_seconds=${SENSOR_FUZZ_SECONDS:-30}
if [ "$(id -u)" -eq 0 ]; then root=1; else root=0; fi

not_run_as_root() {
  echo "!! NOT RUN: the end-to-end tests (ctest label 'root': live sensor, eBPF probe, containerd,"
  echo "!! rsyslogd) need root and were skipped. Run tools/run-tests.sh as root to run them."
}

echo "== build (RelWithDebInfo)"
# Line tables only (-g1): a third less compile time than full debug info, which tests never read.
cmake -S . -B build -DSENSOR_BUILD_BENCH=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  >/dev/null
cmake --build build -j"$jobs"

echo "== formatting and structure (layers, function length, syscall names, kills by pid)"
tools/check-format.sh
tools/check-structure.sh

if [ "$root" -eq 1 ]; then
  echo "== unit, scenario and end-to-end tests"
  ctest --test-dir build --output-on-failure -j"$jobs"
else
  echo "== unit and scenario tests (not root: end-to-end tests left out)"
  not_run_as_root
  ctest --test-dir build --output-on-failure -j"$jobs" -LE root
fi

echo "== command-line contract"
tools/cli-checks.sh build/sensor

echo "== packaging (.deb, systemd unit, Kubernetes manifests, Helm chart, image)"
if [ "$root" -eq 1 ]; then
  tools/packaging-checks.sh build
  tools/image-checks.sh
else
  echo "skipped: installing the .deb and building the image need root"
fi

echo "== sanitizer build (ASan+UBSan) of the tests"
cmake -S . -B build-asan -DSENSOR_SANITIZE=ON -DSENSOR_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g1" >/dev/null
asan_tests=(sensor_unit_tests sensor_scenario_tests)
if [ "$root" -eq 1 ]; then asan_tests+=(sensor_e2e_tests); else not_run_as_root; fi
cmake --build build-asan -j"$jobs" --target "${asan_tests[@]}" sensor
# Each binary runs all its tests in one process (quicker than a process per test under ASan).
for t in "${asan_tests[@]}"; do
  echo "-- $t"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "./build-asan/tests/$t"
done
tools/cli-checks.sh build-asan/sensor

echo "== fuzzers (${fuzz_seconds}s each)"
tools/run-fuzz.sh "$fuzz_seconds"

if [ "$root" -eq 1 ]; then
  echo "== all tests passed"
else
  echo "== all tests that run without root passed"
  not_run_as_root
fi
