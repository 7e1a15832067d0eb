#!/usr/bin/env bash
# Peak and steady RSS of `sensor run` with the stable rules, in the four module configurations:
# neither optional module, a CRI runtime answering (a private containerd), HTTP output on (to a
# local receiver that answers 200), and both. Run as root from the project root with
# ../shared beside it:  bench/measure-rss.sh [SENSOR_BINARY] [ROUNDS]
set -euo pipefail
sensor=${1:-build-bench/sensor}
rounds=${2:-2}
rules=../shared/rules/falco_rules.yaml
work=$(mktemp -d /tmp/sensor-rss.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/containerd.toml" <<EOF
version = 2
root = "$work/ctd/root"
state = "$work/ctd/state"
[grpc]
  address = "$work/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
EOF
containerd --config "$work/containerd.toml" 2> "$work/containerd.log" &
pids+=($!)
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' > "$work/port" &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/containerd.sock" ] && [ -s "$work/port" ] && break; sleep 0.2; done
[ -S "$work/containerd.sock" ] || { echo "containerd did not start: $work/containerd.log" >&2; exit 1; }
url="http://127.0.0.1:$(cat "$work/port")/"

# One run: prints "peak_kB steady_kB file_kB anon_kB" after 5 s with a few alerts sent.
measure() {
  local cri=$1 http=$2
  "$sensor" run -r "$rules" -o container_metadata.cri_sockets="$cri" \
    -o http_output.enabled="$http" -o http_output.url="$url" > /dev/null 2> "$work/err" &
  local s=$!
  for _ in $(seq 100); do grep -q ready "$work/err" && break; sleep 0.1; done
  cp /bin/cat "$work/cat"
  for _ in 1 2 3; do "$work/cat" /etc/shadow > /dev/null; done  # "Read sensitive file untrusted"
  sleep 5
  awk '/^VmHWM/{p=$2} /^VmRSS/{r=$2} /^RssFile/{f=$2} /^RssAnon/{a=$2} END{print p, r, f, a}' \
    "/proc/$s/status"
  kill -INT "$s"
  wait "$s" || true
}

printf "%-10s %10s %10s %10s %10s\n" config peak_kB steady_kB file_kB anon_kB
for _ in $(seq "$rounds"); do
  printf "%-10s %10s %10s %10s %10s\n" neither $(measure /nonexistent.sock false)
  printf "%-10s %10s %10s %10s %10s\n" cri $(measure "$work/containerd.sock" false)
  printf "%-10s %10s %10s %10s %10s\n" http $(measure /nonexistent.sock true)
  printf "%-10s %10s %10s %10s %10s\n" both $(measure "$work/containerd.sock" true)
done
