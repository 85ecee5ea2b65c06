#!/usr/bin/env bash
# `-` (and /dev/stdin) reads the description from standard input, a pipe:
# the model equals that of the file, includes resolve against the current
# directory, and diagnostics name <stdin>.
set -euo pipefail
fail() { echo "stdin: $*" >&2; exit 1; }
cd "$ROOT/examples"
"$ZTOPO" ir dev.zt >"$TMPDIR/file.json"
cat dev.zt | "$ZTOPO" ir - >"$TMPDIR/pipe.json"
cmp -s "$TMPDIR/file.json" "$TMPDIR/pipe.json" || fail "ir - differs from ir dev.zt"
"$ZTOPO" ir /dev/stdin <dev.zt >"$TMPDIR/devstdin.json"
cmp -s "$TMPDIR/file.json" "$TMPDIR/devstdin.json" || fail "ir /dev/stdin differs"
# includes are relative to the current directory, not to the file
cd "$TMPDIR"
rc=0
cat "$ROOT/examples/dev.zt" | "$ZTOPO" check - 2>err || rc=$?
[ "$rc" -eq 1 ] || fail "check - elsewhere: exit $rc, not 1"
grep -q '^<stdin>:5:9: error: cannot read "openstack.zt"' err || fail "$(cat err)"
printf 'zone x { nic nope; }\n' | { "$ZTOPO" check - 2>err && fail "accepted"; } || true
grep -q '^<stdin>:1:14: error: unknown network "nope"' err || fail "$(cat err)"
echo ok
