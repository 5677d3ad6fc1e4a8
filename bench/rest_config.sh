#!/usr/bin/env bash
# Time and CPU of one REST request with a connector configuration of N keys, for several N: how
# config handling scales with the number of keys (issue 16: 25k keys took 2.1 s, 100k 19 s).
#   bench/rest_config.sh [BUILD_DIR] [N...]    (default: build 25000 50000 100000)
# Starts kconnect-runtime standalone (bootstrap.servers=embedded) on a loopback port, then for each
# N sends PUT /connector-plugins/null/config/validate and PUT /connectors/big-N/config with N extra
# keys, printing wall seconds per request and the process's CPU seconds spent on it.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(25000 50000 100000)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/worker.properties" <<PROPS
bootstrap.servers=embedded
listeners=http://127.0.0.1:0
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
PROPS
printf 'name=quiet\nconnector.class=null\ntopics=bench\ntasks.max=1\n' >"$work/sink.properties"
"$build/bin/kconnect-runtime" standalone "$work/worker.properties" "$work/sink.properties" \
  2>"$work/err" >/dev/null &
pid=$!
for _ in $(seq 300); do
  port=$(grep -o 'REST API listening.*port=[0-9]*' "$work/err" | grep -o '[0-9]*$' || true)
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n ${port:-} ]] || { cat "$work/err"; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # utime + stime, clock ticks
ticks=$(getconf CLK_TCK)
echo "| keys | body MB | request | status | wall s | CPU s |"
echo "|---:|---:|---|---:|---:|---:|"
for n in "${sizes[@]}"; do
  python3 - "$n" "$work/body-$n.json" <<'PY'
import json, sys
n = int(sys.argv[1])
config = {"connector.class": "null", "topics": "bench", "tasks.max": "1"}
config.update({f"extra.key.{i:07d}": f"value-{i}" for i in range(n)})
json.dump(config, open(sys.argv[2], "w"))
PY
  size=$(awk -v b="$(stat -c %s "$work/body-$n.json")" 'BEGIN{printf "%.1f", b/1e6}')
  for target in "/connector-plugins/null/config/validate" "/connectors/big-$n/config"; do
    before=$(cpu)
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X PUT \
      -H 'Content-Type: application/json' --data-binary "@$work/body-$n.json" \
      "http://127.0.0.1:$port$target")
    after=$(cpu)
    echo "| $n | $size | PUT $target | ${out% *} | ${out#* } | $(awk -v a="$after" -v b="$before" -v t="$ticks" 'BEGIN{printf "%.2f", (a-b)/t}') |"
  done
done
