#!/usr/bin/env bash
# The order of the system calls that make a new tree durable, as strace(1)
# sees them (ztopo(1), THE OUTPUT TREE):
#   - nothing is synced per file: one syncfs(2) of the staging directory,
#     after every file is in it and before the rename that swaps it in;
#   - the parent directory is fsync(2)ed after that rename;
#   - each directory of the stage is made once;
#   - a compile with nothing to change stages nothing: no syncfs, no
#     rename, no directory made, no file created.
set -u
cd "$TMPDIR" || exit 1
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock . || exit 1
BIN=$ROOT/ztopo		# the release build: ASan adds its own calls
trace() { strace -f -qq -e trace=openat,mkdirat,syncfs,fsync,renameat,renameat2,linkat -o "$1" "$BIN" compile dev.zt --redact -o out; }
fail=0
check_order() { # LOG WHAT RENAME
	awk -v what="$2" -v ren="$3" '
	    /syncfs\(/ { syncs++; if (renamed) bad = "syncfs after the rename" }
	    $0 ~ ren && /= 0/ { renamed = 1; if (!syncs) bad = "rename before syncfs" }
	    /fsync\(/ && renamed { pfsync = 1 }
	    /O_CREAT\|O_EXCL/ && renamed { bad = "a file staged after the rename" }
	    END {
		if (syncs != 1) bad = bad " " syncs " syncfs calls, not 1"
		if (!renamed) bad = bad " no rename"
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
sed -i "s/memory 2G;/memory 3G;/" openstack.zt
trace changed.log || { echo "compile failed"; exit 1; }
check_order changed.log "a changed tree" 'RENAME_EXCHANGE'
grep -q 'linkat(' changed.log || { echo "unchanged files were not linked from the old tree"; fail=1; }
trace same.log || { echo "compile failed"; exit 1; }
if grep -E 'syncfs\(|renameat|mkdirat\(|O_CREAT\|O_EXCL|linkat\(' same.log | grep -v 'dev\.lock' | head -3 | grep .; then
	echo "an unchanged compile staged something"; fail=1
fi
exit $fail
