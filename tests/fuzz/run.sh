#!/usr/bin/env bash
# tests/fuzz/run.sh FUZZER SECONDS WORKDIR [libFuzzer options...] -- run
# the fuzz target for SECONDS on a corpus in WORKDIR/corpus, seeded from
# the examples (their includes spliced in, since the target reads no
# file) and every golden case's input, each with its lock file.  A crash, leak, timeout or OOM is
# written to WORKDIR and fails the run.
set -euo pipefail
fuzzer=$1 secs=$2 work=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/seed" "$work/corpus"
for f in "$root"/examples/*.zt; do
	# include "x.zt"; -> the text of x.zt (one level, as the examples use)
	awk -v dir="$root/examples" '
	    /^include "/ { split($0, q, "\""); while ((getline l < (dir "/" q[2])) > 0) print l; next }
	    { print }' "$f" >"$work/seed/example-$(basename "$f" .zt)"
	# a lock beside it follows a %%lock line (fuzz.c)
	l=${f%.zt}.lock
	[ ! -f "$l" ] || { printf '\n%%%%lock\n'; cat "$l"; } \
	    >>"$work/seed/example-$(basename "$f" .zt)"
done
for f in "$root"/tests/cases/*/input.zt; do
	c=$work/seed/case-$(basename "$(dirname "$f")")
	cp "$f" "$c"
	l=$(dirname "$f")/input.lock
	[ ! -f "$l" ] || { printf '\n%%%%lock\n'; cat "$l"; } >>"$c"
done
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -dict="$root/tests/fuzz/zt.dict" \
    -artifact_prefix="$work/" -print_final_stats=1 "$@" \
    "$work/corpus" "$work/seed"
