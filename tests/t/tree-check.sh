#!/usr/bin/env bash
# compile --check writes nothing: exit 0 and no output when the tree is up
# to date; exit 3 and a sorted list of what would be new, changed or
# removed after an edit (the lock file first, when it would change); exit 0
# again after recompiling.  On a directory
# that does not exist it exits 3 and creates nothing, not even a parent.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
snap() { find "$1" -printf '%P\t%y\t%i\t%T@\t%C@\t%m\t%s\n' | sort; }
fail=0
"$ZTOPO" compile dev.zt --redact -o out || { echo "compile failed"; exit 1; }
before=$(snap out)

"$ZTOPO" compile dev.zt --redact -o out --check >o.txt 2>e.txt
st=$?
[ $st = 0 ] || { echo "up to date: exit $st"; cat o.txt e.txt; fail=1; }
[ ! -s o.txt ] && [ ! -s e.txt ] || { echo "up to date: output:"; cat o.txt e.txt; fail=1; }

# edit: zone db gets more memory, and novnc leaves the target
sed -i 's/memory 2G;/memory 3G;/' openstack.zt
sed -i 's/nova-conductor, novnc\]/nova-conductor]/' dev.zt
"$ZTOPO" compile dev.zt --redact -o out --check >o.txt 2>e.txt
st=$?
[ $st = 3 ] || { echo "after an edit: exit $st, expected 3"; cat o.txt e.txt; fail=1; }
grep -q 'error' e.txt && { echo "after an edit: stderr:"; cat e.txt; fail=1; }
# novnc's address leaves the lock: named first, before the tree
[ "$(head -1 o.txt)" = "changed dev.lock" ] || { echo "no 'changed dev.lock' line first:"; cat o.txt; fail=1; }
sed -i 1d o.txt
grep -q '^changed out/' o.txt || { echo "no 'changed' line:"; cat o.txt; fail=1; }
grep -q '^removed out/.*novnc' o.txt || { echo "no 'removed' line for novnc:"; cat o.txt; fail=1; }
if grep -v -E '^(new|changed|removed) out/' o.txt; then echo "unexpected lines above"; fail=1; fi
sort -k2 o.txt | cmp -s - o.txt || { echo "list not sorted by path:"; cat o.txt; fail=1; }
[ "$before" = "$(snap out)" ] || { echo "--check wrote to the tree"; fail=1; }
[ -z "$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')" ] || { echo "--check left staging"; fail=1; }

"$ZTOPO" compile dev.zt --redact -o out || { echo "recompile failed"; fail=1; }
"$ZTOPO" compile dev.zt --redact -o out --check >o.txt 2>&1
st=$?
[ $st = 0 ] || { echo "after recompiling: exit $st"; cat o.txt; fail=1; }

"$ZTOPO" compile dev.zt --redact -o nothere/sub --check >o.txt 2>&1
st=$?
[ $st = 3 ] || { echo "missing directory: exit $st, expected 3"; fail=1; }
grep -q '^new nothere/sub/MANIFEST$' o.txt || { echo "missing directory: no 'new' lines:"; cat o.txt; fail=1; }
[ ! -e nothere ] || { echo "--check created nothere"; fail=1; }

# a tree compiled with real secrets is up to date for `--redact --check`
# (what CI runs without secrets): placeholders never equal real values,
# and --check is about the committed files; a plain --check compares the
# secret files too
sec=$(mktemp "$TMPDIR/sec.XXXXXX")
"$ZTOPO" secrets init dev.zt -o "$sec" >/dev/null || { echo "secrets init failed"; fail=1; }
"$ZTOPO" compile dev.zt --secrets "$sec" -o real || { echo "compile with secrets failed"; fail=1; }
"$ZTOPO" compile dev.zt --redact -o real --check >o.txt 2>&1
st=$?
[ $st = 0 ] || { echo "--redact --check on a tree with real secrets: exit $st"; cat o.txt; fail=1; }
"$ZTOPO" compile dev.zt -o real --check --secrets "$sec" >o.txt 2>&1
st=$?
[ $st = 0 ] || { echo "--check with the same secrets: exit $st"; cat o.txt; fail=1; }
sed -i 's/^nova-db-password = .*/nova-db-password = changed/' "$sec"
"$ZTOPO" compile dev.zt -o real --check --secrets "$sec" >o.txt 2>&1
st=$?
[ $st = 3 ] && grep -q '^changed real/devbox/db/mysql/grants-passwords.sql$' o.txt ||
    { echo "--check with a changed secret: exit $st"; cat o.txt; fail=1; }

# a foreign directory is refused by --check too (exit 2)
mkdir foreign && echo x >foreign/x
"$ZTOPO" compile dev.zt --redact -o foreign --check >/dev/null 2>&1
st=$?
[ $st = 2 ] || { echo "--check on a foreign directory: exit $st, expected 2"; fail=1; }
exit $fail
