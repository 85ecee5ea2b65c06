#!/usr/bin/env bash
# SIGKILL at random moments of a compile that replaces a tree: whenever
# ztopo dies, the directory holds the old tree or the complete new one
# (every path, mode and byte of one of them), never a mixture or a partly
# written file; the staging directory a killed run leaves is removed by
# the next compile, which then succeeds.  The two versions differ in
# every vmadm payload (written) and share everything else (linked); then
# two that differ by a comment, so that only the stamp is replaced.
# The moments come from $RANDOM seeded with the printed seed, so a
# failure can be replayed: SEED=N tests/run.sh t/tree-kill.
set -u
cd "$TMPDIR" || exit 1
seed=${SEED:-$$}
RANDOM=$seed
echo "seed $seed"
/usr/bin/python3 "$ROOT/tests/bench/gen.py" full 15 . || exit 1
"$ZTOPO" secrets init bench.zt -o secrets >/dev/null || exit 1
sed 's/quota 10G;/quota 11G;/' bench.zt >bench-b.zt
cp bench.zt bench-a.zt
"$ZTOPO" lock bench.zt >/dev/null || exit 1
cp bench.lock bench-a.lock
cp bench.lock bench-b.lock
# what each version's tree is: paths, types, modes, bytes
snap() { (cd "$1" && find . -printf '%P %y %m\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
"$ZTOPO" compile bench-a.zt --secrets secrets -o ref-a || exit 1
"$ZTOPO" compile bench-b.zt --secrets secrets -o ref-b || exit 1
[ "$(snap ref-a)" != "$(snap ref-b)" ] || { echo "the two versions are the same tree"; exit 1; }
# kill compiles that flip out between versions X and Y, RUNS times
kills() { # X Y RUNS
	local x=$1 y=$2 runs=$3 t0 span i delay pid now next want
	local want_x want_y
	want_x=$(snap "ref-$x") want_y=$(snap "ref-$y")
	# how long a full replace takes, to spread the kills over it
	cp "bench-$x.zt" bench.zt
	"$ZTOPO" compile bench.zt --secrets secrets -o out || exit 1
	t0=$(date +%s%N)
	cp "bench-$y.zt" bench.zt
	"$ZTOPO" compile bench.zt --secrets secrets -o out || exit 1
	span=$((($(date +%s%N) - t0) / 1000))	# microseconds
	[ "$span" -gt 0 ] || span=1000
	killed=0 landed=0 next=$x
	for i in $(seq 1 "$runs"); do
		cp "bench-$next.zt" bench.zt
		delay=$(((RANDOM * 32768 + RANDOM) % (2 * span)))
		"$ZTOPO" compile bench.zt --secrets secrets -o out 2>err &
		pid=$!
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
		wait "$pid" 2>/dev/null
		now=$(snap out)
		[ "$next" = "$x" ] && want=$want_x || want=$want_y
		if [ "$now" = "$want" ]; then
			landed=$((landed + 1))	# the new tree: flip again
			[ "$next" = "$x" ] && next=$y || next=$x
		elif [ "$now" = "$want_x" ] || [ "$now" = "$want_y" ]; then
			:			# the old tree: try again
		else
			echo "$x/$y run $i, killed after ${delay}us: out is neither tree:"
			diff <(echo "$want_x") <(echo "$now") | head -5
			fail=1
			return
		fi
	done
	echo "$x/$y: $killed of $runs runs killed; the new tree landed $landed times"
	[ "$killed" -gt 0 ] || { echo "$x/$y: no run was killed: nothing tested"; fail=1; }
	# the next compile cleans up after the killed ones and lands
	"$ZTOPO" compile bench.zt --secrets secrets -o out 2>err || { echo "compile after the kills failed:"; cat err; fail=1; }
	left=$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')
	[ -z "$left" ] || { echo "staging left behind: $left"; fail=1; }
}
fail=0
kills a b 30
# versions that differ by a comment: only the stamp is replaced
{ cat bench-a.zt; echo "# a comment"; } >bench-c.zt
cp bench.lock bench-c.lock
"$ZTOPO" compile bench-c.zt --secrets secrets -o ref-c || exit 1
[ "$(snap ref-a)" != "$(snap ref-c)" ] || { echo "the stamps of a and c are the same"; exit 1; }
kills a c 15
exit $fail
