#!/usr/bin/env bash
# Bounded resources: what ztopo reads is capped before it is read, and
# each hostile input ends quickly with a clear error -- a 1 GB source, an
# include of an endless procfs file, a FIFO as --smf-dtd, includes nested
# deeper than the limit.
set -u
fail=0
cd "$TMPDIR" || exit 1
# run NAME STATUS PATTERN CMD...: exit STATUS within 2 s, stderr matches
run() {
	local name=$1 want=$2 pat=$3 t0 t1 st
	shift 3
	t0=$(date +%s%N)
	timeout 10 "$@" >out 2>err </dev/null
	st=$?
	t1=$(date +%s%N)
	if [ "$st" != "$want" ]; then
		echo "$name: exit $st, expected $want"; cat err; fail=1
	elif ! grep -q -- "$pat" err; then
		echo "$name: stderr lacks \"$pat\":"; cat err; fail=1
	elif [ $(( (t1 - t0) / 1000000 )) -gt 2000 ]; then
		echo "$name: took $(( (t1 - t0) / 1000000 )) ms"; fail=1
	fi
}
truncate -s 1G big.zt
run big-source 2 'larger than 16 MiB' "$ZTOPO" check big.zt
printf 'include "big.zt";\n' >inc-big.zt
run include-big 1 'inc-big.zt:1:9: error: cannot read "big.zt": larger than 16 MiB' \
    "$ZTOPO" check inc-big.zt
rm -f big.zt
printf 'include "/proc/self/pagemap";\n' >pagemap.zt
run include-pagemap 1 'larger than 16 MiB' "$ZTOPO" check pagemap.zt
mkfifo dtd.fifo
run smf-dtd-fifo 2 'smf-dtd dtd.fifo: not a regular file' \
    "$ZTOPO" compile "$ROOT/examples/dev.zt" --redact --smf-dtd dtd.fifo -o t1
run smf-dtd-device 2 'not a regular file' \
    "$ZTOPO" compile "$ROOT/examples/dev.zt" --redact --smf-dtd /dev/zero -o t2
[ -e t1 ] || [ -e t2 ] && { echo "a refused compile wrote a tree"; fail=1; }
# 40 files, each including the next: the 33rd include is refused
for i in $(seq 1 40); do printf 'include "f%d.zt";\n' $((i + 1)) >f$i.zt; done
printf 'openstack release zed;\n' >f41.zt
run include-depth 1 'includes nested 33 deep; ztopo reads at most 32 levels' \
    "$ZTOPO" check f1.zt
exit $fail
