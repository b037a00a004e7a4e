#!/usr/bin/env bash
# Soak: steady mixed traffic through the gateway (this build, its defaults) in front of a loopback upstream for
# 30 minutes by default: 40 stream workers (each stream 30 deltas 100 ms apart, one after another) and 4 JSON workers
# (a short call, then 50 ms pause), sampling the gateway's RSS and GC counts every 30 s.
# Extra arguments go to the benchmark, e.g. --minutes 5 --sample 10 --json /tmp/soak.json.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build bench/Breakwater.Bench -c Release -nologo -v q
exec dotnet bench/Breakwater.Bench/bin/Release/net10.0/Breakwater.Bench.dll soak "$@"
