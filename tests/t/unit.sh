#!/usr/bin/env bash
# Unit tests (tests/unit/unit.c), in every build that has them.
set -u
rc=0 ran=0
for u in "$ROOT/build/release/unit" "$ROOT/build/asan/unit"; do
	[ -x "$u" ] || continue
	ran=1
	"$u" || rc=1
done
[ $ran = 1 ] || { echo "unit tests not built (make unit)"; exit 1; }
exit $rc
