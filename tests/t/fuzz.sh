#!/usr/bin/env bash
# A short run of the fuzz target (tests/fuzz/fuzz.c: the whole pipeline
# in memory under ASan and UBSan, seeded from the examples and every
# golden input): no crash, leak, timeout or OOM in FUZZ_CHECK_TIME seconds
# (default 60).  `make fuzz` runs it longer.
set -u
fuzzer=$ROOT/build/fuzz/fuzz
if [ ! -x "$fuzzer" ]; then
	echo "SKIP: $fuzzer not built (make fuzz-build needs clang)"
	exit 77
fi
"$ROOT/tests/fuzz/run.sh" "$fuzzer" "${FUZZ_CHECK_TIME:-60}" "$TMPDIR/fuzz" \
    >"$TMPDIR/fuzz.log" 2>&1
st=$?
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
    "$TMPDIR/fuzz.log"
if [ $st -ne 0 ]; then
	grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit written' "$TMPDIR/fuzz.log" | head -20
	tail -30 "$TMPDIR/fuzz.log"
	exit 1
fi
