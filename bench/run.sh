#!/usr/bin/env bash
# Runs the benchmarks; results go to stdout as Markdown tables for bench/RESULTS.md.
#   bench/run.sh BUILD_DIR [consume options...]
set -euo pipefail
build=${1:-build}
shift || true
echo "## Machine"
echo
echo "- $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "- $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), librdkafka $(pkg-config --modversion rdkafka), kcat $(kcat -V 2>&1 | head -1 | awk '{print $2}')"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## Consume: kconnect vs the raw librdkafka loop and kcat"
echo
echo "Command: \`$build/bin/bench-consume $*\`"
echo
KC_BINARY_DIR=$build "$build/bin/bench-consume" "$@"
