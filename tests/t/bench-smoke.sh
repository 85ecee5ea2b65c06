#!/usr/bin/env bash
# make bench's script at toy sizes (3 and 30 hosts, one run each): it
# generates, compiles and prints every table -- the per-size row with a
# number in every column, the ratios beside their goals, the Python
# writer line and the scaling line -- and leaves none of its directories
# behind.  It measures nothing here worth reading; it shows that the
# bench runs and prints what the README says it does.
set -u
cd "$TMPDIR" || exit 1
mkdir work shm || exit 1
TMPDIR=$PWD/work BENCH_TMPFS=$PWD/shm BENCH_SIZES="3 30" BENCH_RUNS=1 \
	BENCH_CHECK_RUNS=1 ZTOPO="$ZTOPO" timeout 300 \
	/usr/bin/python3 "$ROOT/tests/bench/bench.py" >out 2>err
rc=$?
cat out
[ $rc = 0 ] || { echo "bench exited $rc"; cat err; exit 1; }
fail=0
num='[0-9]+\.[0-9]+'
for n in 3 30; do
	# hosts zones files MiB | check ir compile again --check cp | tmpfs cp | py rss
	grep -Eq "^ +$n +[0-9]+ +[0-9]+ +$num \| ( *$num){6} \| ( *$num){2} \| +$num +[0-9]+$" out ||
		{ echo "no full row for $n hosts"; fail=1; }
	grep -Eq "^ +$n \|( +$num){5} \| +$num$" out ||
		{ echo "no ratio row for $n hosts"; fail=1; }
	grep -Eq "^ +$n hosts: py $num s, compile $num s: $num$" out ||
		{ echo "no Python writer line for $n hosts"; fail=1; }
done
grep -Eq "^ +3 -> +30: check $num, ir $num, compile $num \(cp -r $num\), tmpfs compile $num \(cp -r $num\)$" out ||
	{ echo "no scaling line"; fail=1; }
left=$(find work shm -mindepth 1 | head -3)
[ -z "$left" ] || { echo "left behind: $left"; fail=1; }
exit $fail
