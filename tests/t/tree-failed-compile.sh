#!/usr/bin/env bash
# A compile that fails -- an error in the input, or a write that fails
# while staging (file size limit: EFBIG) -- leaves the old tree byte-identical
# (same bytes, inodes, modes and mtimes) and leaves no staging directory.
# (Not ctime: an unchanged file hard-linked into the staging directory had
# its link count raised and lowered again, which git, make and rsync
# ignore.)
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
snap() { find "$1" -printf '%P\t%y\t%i\t%T@\t%m\t%s\n' | sort; find "$1" -type f -exec sha256sum {} + | sort; }
fail=0
"$ZTOPO" compile dev.zt --redact -o out || { echo "first compile failed"; exit 1; }
before=$(snap out)

# 1. an error in the input
sed 's/memory 2G;/memory 2Q;/' openstack.zt >broken.zt
cmp -s openstack.zt broken.zt && { echo 'edit did not apply'; exit 1; }
sed 's/include "openstack.zt";/include "broken.zt";/' dev.zt >dev-broken.zt
"$ZTOPO" compile dev-broken.zt --redact -o out 2>err
st=$?
[ $st = 1 ] || { echo "broken input: exit $st, expected 1"; cat err; fail=1; }
[ "$before" = "$(snap out)" ] || { echo "failed compile changed the tree"; fail=1; }

# 2. a write that fails while staging: a file size limit of 0; the
#    signal is ignored so write(2) fails with EFBIG instead of killing
sed -i "s/memory 2G;/memory 3G;/" openstack.zt
#    (stderr goes to a pipe, which the limit does not affect)
err=$( (trap '' XFSZ; ulimit -f 0; exec "$ZTOPO" compile dev.zt --redact -o out) 2>&1)
st=$?
[ $st = 2 ] || { echo "failed write: exit $st, expected 2"; echo "$err"; fail=1; }
grep -q 'File too large; out left unchanged' <<<"$err" || { echo "no 'left unchanged' message:"; echo "$err"; fail=1; }
[ "$before" = "$(snap out)" ] || { echo "failed write changed the tree"; fail=1; }
left=$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')
[ -z "$left" ] || { echo "staging left behind: $left"; fail=1; }

# 3. the same compile without the limit goes through
"$ZTOPO" compile dev.zt --redact -o out || { echo "compile failed"; fail=1; }
[ "$before" != "$(snap out)" ] || { echo "the edit changed nothing"; fail=1; }
exit $fail
