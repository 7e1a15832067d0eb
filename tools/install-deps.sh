#!/usr/bin/env bash
# Installs everything needed to build and test sensor on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  cmake make g++ pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libre2-dev
  libgtest-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format   # libFuzzer, sanitizer runtimes, formatting
  libbpf-dev bpftool                      # the eBPF probe (clang compiles it)
  libsimdjson-dev                         # the k8s_audit source: audit events parsed at GB/s
  libssl-dev                              # the audit webhook over HTTPS
  libcurl4-openssl-dev                    # the HTTP(S) output
  libnghttp2-dev libprotobuf-dev protobuf-compiler  # the CRI client (HTTP/2, protobuf-lite)
  libgrpc++-dev protobuf-compiler-grpc    # the tests' CRI client and reference gRPC server
  containerd runc umoci busybox-static    # a real container runtime for the container tests
  rsyslog                                 # a real syslog receiver for the output tests
  python3 openssl                         # an HTTPS receiver and its certificate in tests
  dpkg-dev systemd                        # the .deb (dpkg-shlibdeps) and unit checks
  buildah debootstrap                     # the container image, from a debootstrap'ed base
  libcap2-bin                             # capsh: the image run with the DaemonSet's capabilities
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The manifest checks need kubectl (`kubectl kustomize`) and npm: the machine's own when it
# has them (Node.js with npm comes with these machines), else Debian's.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
