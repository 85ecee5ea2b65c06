#!/usr/bin/env bash
# The oslo.config files of every OpenStack service of dev, prod and
# folsom-dev (--redact), and keystone's bootstrap and catalog, byte for
# byte, against tests/t/oslo-golden/: a change to what ztopo derives shows
# up here as a reviewable diff.  OSLO_GOLDEN_UPDATE=1 rewrites them.
set -u
fail=0
gold=$ROOT/tests/t/oslo-golden
for ex in dev prod folsom-dev; do
	"$ZTOPO" compile "$ROOT/examples/$ex.zt" --redact -o "$TMPDIR/$ex" ||
	    { echo "compile $ex failed"; fail=1; continue; }
	mkdir -p "$TMPDIR/got/$ex"
	(cd "$TMPDIR/$ex" && find . -type f \( -path './*/*/nova/*' -o \
	    -path './*/*/keystone/*' -o -path './*/*/glance/*' -o \
	    -path './*/*/glance-registry/*' -o \
	    -path './*/*/placement/*' -o -path './*/*/neutron/*' \) | sort |
	    while read -r f; do
		printf '==> %s (%s)\n' "${f#./}" "$(stat -c %a "$f")"
		cat "$f"
	    done) >"$TMPDIR/got/$ex.txt"
	if [ "${OSLO_GOLDEN_UPDATE:-}" = 1 ]; then
		mkdir -p "$gold" && cp "$TMPDIR/got/$ex.txt" "$gold/$ex.txt"
	fi
	diff -u "$gold/$ex.txt" "$TMPDIR/got/$ex.txt" || fail=1
done
exit $fail
