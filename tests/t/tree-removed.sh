#!/usr/bin/env bash
# Files that are no longer generated disappear from the tree (and from
# its MANIFEST), so `git add -A` records the deletion; directories left
# empty go too.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
fail=0
"$ZTOPO" compile dev.zt --redact -o out || { echo "first compile failed"; exit 1; }
find out -type f -printf '%P\n' | sort >before
# novnc leaves the target
sed -i 's/nova-api, nova-scheduler, nova-conductor, novnc\]/nova-api, nova-scheduler, nova-conductor]/' dev.zt
grep -q 'nova-conductor\] on devbox' dev.zt || { echo "edit did not apply"; exit 1; }
"$ZTOPO" compile dev.zt --redact -o out || { echo "second compile failed"; exit 1; }
find out -type f -printf '%P\n' | sort >after
gone=$(comm -23 before after)
echo "removed: $(echo $gone)"
[ -n "$gone" ] || { echo "dropping zone novnc removed no file"; fail=1; }
for f in $gone; do
	grep -q "  $f\$\|: $f\$" out/MANIFEST && { echo "MANIFEST still lists $f"; fail=1; }
done
grep -q novnc out/MANIFEST && { echo "MANIFEST still mentions novnc"; fail=1; }
# the tree is exactly what a fresh compile writes
"$ZTOPO" compile dev.zt --redact -o fresh || exit 1
diff -r out fresh || fail=1
[ -z "$(find out -type d -empty)" ] || { echo "empty directories left:"; find out -type d -empty; fail=1; }
exit $fail
