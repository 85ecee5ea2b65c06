#!/usr/bin/env bash
# compile --check --diff shows every change as diff -u: patch(1) applies
# it to the old tree and gives exactly the new one, except the files that
# hold secrets, which are named and never shown (no secret value appears
# in the diff).  Nothing to change: no output, exit 0.
set -euo pipefail
command -v patch >/dev/null || { echo "check-diff: patch not installed (tests/install-deps.sh test)" >&2; exit 1; }
fail() { echo "check-diff: $*" >&2; exit 1; }
cd "$TMPDIR"
cp "$ROOT"/examples/*.zt .
env -u ZTOPO_SECRETS_FILE "$ZTOPO" secrets init dev.zt -o secrets.txt >/dev/null
"$ZTOPO" compile dev.zt --secrets secrets.txt -o out
out=$("$ZTOPO" compile dev.zt --secrets secrets.txt -o out --check --diff) ||
    fail "unchanged tree: exit $?"
[ -z "$out" ] || fail "unchanged tree, yet: $out"
cp -a out old
# a memory change, a zone added (every address after it moves) and a
# password changed
sed -i 's/memory 2G;/memory 3G;/' openstack.zt
sed -i 's/zone \[db, mq/zone [db, spare, mq/' dev.zt
printf 'zone spare { image base-64; memory 256M; quota 1G; nic admin; }\n' >>dev.zt
sed -i 's/^\(nova-db-password *= *\).*/\1changed-password-4242/' secrets.txt
rc=0
"$ZTOPO" compile dev.zt --secrets secrets.txt -o out --check --diff >diff.txt || rc=$?
[ $rc -eq 3 ] || fail "exit $rc, not 3"
grep -q '^new out/devbox/vmadm/spare.json$' diff.txt || fail "no new spare.json listed"
grep -q '^# out/devbox/db/mysql/grants-passwords.sql holds secrets: not shown$' diff.txt ||
    fail "grants-passwords.sql not named as a secret file"
while IFS=' =' read -r name value; do
	case $name in ''|'#'*) continue ;; esac
	value=$(sed -n "s/^$name *= *//p" secrets.txt)
	! grep -qF -- "$value" diff.txt || fail "the value of $name is in the diff"
done <secrets.txt
patch -s -p1 -d old <diff.txt || fail "patch(1) does not apply the diff"
"$ZTOPO" compile dev.zt --secrets secrets.txt -o new
secret=$(sed -n 's|^/||p' new/.gitignore)
while IFS= read -r f; do
	rel=${f#new/}
	case " $(echo $secret) " in *" $rel "*) continue ;; esac
	cmp -s "new/$rel" "old/$rel" || fail "patched $rel differs from the new tree"
done < <(find new -type f | LC_ALL=C sort)
[ -z "$(find old -name '*.orig' -o -name '*.rej')" ] || fail "patch left .orig/.rej files"
# --diff alone is a usage error
rc=0
"$ZTOPO" compile dev.zt --secrets secrets.txt -o out --diff 2>err || rc=$?
[ $rc -eq 2 ] && grep -q -- '--diff needs --check' err || fail "--diff without --check: exit $rc"
echo ok
