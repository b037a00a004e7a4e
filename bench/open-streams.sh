#!/usr/bin/env bash
# Open-streams measurement: the gateway (this build, its defaults) in front of a loopback upstream that holds every
# stream open; 2,000 streams at once, then 200 short JSON calls one after another while they are all open. Prints the
# short calls' p50/p99/max, how long each stream waited for its first delta, and the gateway's RSS. About 1.5 minutes.
# Extra arguments go to the benchmark, e.g. --streams 500 --hold 30 --calls 100 --json /tmp/streams.json,
# --config FILE (a gateway configuration file), --gateway-command "dotnet OTHER/Breakwater.Bench.dll" (another build).
set -euo pipefail
cd "$(dirname "$0")/.."

# 2,000 streams need ~4,000 descriptors in the benchmark process (client and upstream) and ~4,000 in the gateway.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build bench/Breakwater.Bench -c Release -nologo -v q
exec dotnet bench/Breakwater.Bench/bin/Release/net10.0/Breakwater.Bench.dll streams "$@"
