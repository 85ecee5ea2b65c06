#!/usr/bin/env bash
# Several compiles into the same directory at once (two CI jobs, a make -j)
# are serialised: every one succeeds, the result is a complete tree that
# verifies against its MANIFEST, and nothing is left beside it.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
sed 's/memory 2G;/memory 3G;/' openstack.zt >openstack2.zt
sed 's/"openstack.zt"/"openstack2.zt"/' dev.zt >dev2.zt
fail=0
pids=()
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) = 0 ]; then f=dev.zt; else f=dev2.zt; fi
	"$ZTOPO" compile $f --redact -o out/tree 2>err.$i &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || { echo "compile $((i + 1)) failed:"; cat err.$((i + 1)); fail=1; }
done
(cd out/tree && sha256sum --strict -c --ignore-missing MANIFEST >/dev/null) || { echo "tree does not verify"; fail=1; }
# the tree is one of the two complete trees, not a mixture
"$ZTOPO" compile dev.zt --redact -o a || exit 1
"$ZTOPO" compile dev2.zt --redact -o b || exit 1
diff -r out/tree a >/dev/null || diff -r out/tree b >/dev/null || { echo "tree is a mixture"; fail=1; }
left=$(ls -A out | grep -v -e '^tree$' -e '^\.tree\.ztopo-stat$')
[ -z "$left" ] || { echo "left beside the tree: $left"; fail=1; }
exit $fail
