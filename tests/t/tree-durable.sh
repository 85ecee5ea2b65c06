#!/usr/bin/env bash
# The order of the system calls that make a new tree durable, as strace(1)
# sees them (ztopo(1), THE OUTPUT TREE):
#   - nothing is synced per file: a syncfs(2) of the staging directory,
#     after every file is in it and before the rename that swaps it in
#     (a thread may sync it before too, every few megabytes: a large tree
#     is tested, so that it does);
#   - the parent directory is fsync(2)ed after that rename;
#   - each directory of the stage is made once;
#   - a compile with nothing to change stages nothing: no syncfs, no
#     rename, no directory made, no file created;
#   - the stat cache beside the tree (.out.ztopo-stat, written through
#     .out.ztopo-tmp.*) comes after the swap, and is no part of it.
set -u
cd "$TMPDIR" || exit 1
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock . || exit 1
BIN=$ROOT/ztopo		# the release build: ASan adds its own calls
trace() { strace -f -qq -e trace=openat,mkdirat,syncfs,fsync,renameat,renameat2,linkat -o "$1" "$BIN" compile dev.zt --redact -o out; }
fail=0
check_order() { # LOG WHAT RENAME
	awk -v what="$2" -v ren="$3" '
	    /syncfs\(/ { if (renamed) bad = "syncfs after the rename"; last_sync = NR }
	    /ztopo-(tmp|stat)/ { if (!renamed && /O_CREAT/) bad = "the stat cache written before the swap"; next }
	    /O_CREAT\|O_EXCL|linkat\(/ { last_staged = NR; if (renamed) bad = "a file staged after the rename" }
	    $0 ~ ren && /= 0/ { renamed = NR }
	    /fsync\(/ && renamed { pfsync = 1 }
	    END {
		if (!renamed) bad = bad " no rename"
		else if (!last_sync || last_sync > renamed) bad = bad " no syncfs before the rename"
		else if (last_staged > last_sync) bad = bad " files staged after the last syncfs"
		if (!pfsync) bad = bad " the parent not fsynced after the rename"
		if (bad != "") { print what ": " bad; exit 1 }
	    }' "$1" || fail=1
	# the lock file is written once, synced once with its directory:
	# nothing else is fsynced
	n=$(grep -c 'fsync(' "$1")
	[ "$n" -le 3 ] || { echo "$2: $n fsync calls: per-file syncing"; fail=1; }
	dup=$(grep -o 'mkdirat([0-9]*, "[^"]*"' "$1" | sort | uniq -d | head -3)
	[ -z "$dup" ] || { echo "$2: directories made twice: $dup"; fail=1; }
}
trace new.log || { echo "compile failed"; exit 1; }
check_order new.log "a new tree" 'renameat[(]'
[ "$(find out -type f | wc -l)" -gt 20 ] || { echo "the tree is too small to tell"; fail=1; }
# a tree of many megabytes: the syncer thread syncs while it is written
mkdir bench && /usr/bin/python3 "$ROOT/tests/bench/gen.py" full 150 bench || exit 1
"$ZTOPO" secrets init bench/bench.zt -o bench.secrets >/dev/null || exit 1
strace -f -qq -e trace=openat,mkdirat,syncfs,fsync,renameat,renameat2,linkat -o big.log "$BIN" compile bench/bench.zt --secrets bench.secrets -o big || { echo "compile failed"; exit 1; }
check_order big.log "a large new tree" 'renameat[(]'
[ "$(grep -c 'syncfs(' big.log)" -gt 1 ] || { echo "a large tree was synced only at the end"; fail=1; }
sed -i "s/memory 2G;/memory 3G;/" openstack.zt
trace changed.log || { echo "compile failed"; exit 1; }
check_order changed.log "a changed tree" 'RENAME_EXCHANGE'
grep -q 'linkat(' changed.log || { echo "unchanged files were not linked from the old tree"; fail=1; }
trace same.log || { echo "compile failed"; exit 1; }
if grep -E 'syncfs\(|renameat|mkdirat\(|O_CREAT\|O_EXCL|linkat\(' same.log | grep -v -e 'dev\.lock' -e 'ztopo-tmp' -e 'ztopo-stat' | head -3 | grep .; then
	echo "an unchanged compile staged something"; fail=1
fi
exit $fail
