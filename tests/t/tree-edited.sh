#!/usr/bin/env bash
# A hand edit in a generated tree is never lost silently: compile refuses
# to overwrite a file whose bytes are not the ones MANIFEST hashed, and
# --check lists it as "edited"; an empty directory the user made inside
# the tree is not deleted either.
set -u
fail=0
cd "$TMPDIR" || exit 1
zt=$ROOT/examples/dev.zt
"$ZTOPO" compile "$zt" --redact -o out >/dev/null || { echo "compile failed"; exit 1; }
f=out/devbox/vmadm/db.json
printf '{"edited": true}\n' >"$f"
"$ZTOPO" compile "$zt" --redact -o out >o 2>e
st=$?
[ "$st" = 2 ] || { echo "compile over an edit: exit $st, expected 2"; fail=1; }
grep -q "out/devbox/vmadm/db.json: edited since ztopo wrote it" e ||
    { echo "no message naming the edited file:"; cat e; fail=1; }
grep -q '"edited": true' "$f" || { echo "the edit was overwritten"; fail=1; }
"$ZTOPO" compile "$zt" --redact -o out --check >o 2>e
st=$?
[ "$st" = 3 ] || { echo "--check: exit $st, expected 3"; fail=1; }
grep -qx "edited out/devbox/vmadm/db.json" o || { echo "--check output:"; cat o; fail=1; }
rm "$f"		# the user gives the edit up: the file is ztopo's again
"$ZTOPO" compile "$zt" --redact -o out >/dev/null 2>e ||
    { echo "compile after removing the edit failed:"; cat e; fail=1; }
[ -s "$f" ] || { echo "$f was not written again"; fail=1; }

mkdir out/devbox/notes
"$ZTOPO" compile "$zt" --redact -o out >o 2>e
st=$?
[ "$st" = 2 ] || { echo "compile over an empty directory: exit $st"; fail=1; }
grep -q "out/devbox/notes: an empty directory ztopo did not make" e ||
    { echo "no message naming the directory:"; cat e; fail=1; }
[ -d out/devbox/notes ] || { echo "the user's directory was deleted"; fail=1; }
exit $fail
