#!/usr/bin/env bash
# Gateway overhead benchmark (shared BENCHMARKS.md section 2), one run on loopback:
# nginx upstream; direct, bare YARP, Breakwater, Portkey; wrk + a C# client. Takes about 6 minutes.
# Extra arguments go to the benchmark, e.g. --duration 10 --json bench/overhead.json --no-portkey.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if [[ ! -d bench/portkey/node_modules/@portkey-ai/gateway ]]; then
  (cd bench/portkey && npm ci --no-audit --no-fund) || echo "run-overhead: npm ci for Portkey failed; Portkey will be skipped" >&2
fi

# 1,000 open streams need ~3,000 descriptors in the benchmark process and ~2,000 in the proxy.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build bench/Breakwater.Bench -c Release -nologo -v q

# The benchmark and everything it starts (nginx, proxies, node, wrk) share one process group, killed on any exit.
setsid dotnet bench/Breakwater.Bench/bin/Release/net10.0/Breakwater.Bench.dll overhead --json bench/overhead.json "$@" &
bench_pid=$!
cleanup() { kill -TERM -- "-$bench_pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$bench_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
wait "$bench_pid"
