#!/usr/bin/env bash
# The nova.conf fragments of dev, prod and folsom-dev (--redact), byte for
# byte, against tests/t/nova-golden/: a change to what ztopo derives shows
# up here as a reviewable diff.  NOVA_GOLDEN_UPDATE=1 rewrites them.
set -u
fail=0
gold=$ROOT/tests/t/nova-golden
for ex in dev prod folsom-dev; do
	"$ZTOPO" compile "$ROOT/examples/$ex.zt" --redact -o "$TMPDIR/$ex" ||
	    { echo "compile $ex failed"; fail=1; continue; }
	mkdir -p "$TMPDIR/got/$ex"
	(cd "$TMPDIR/$ex" && find . -path './*/*/nova/*.conf' -type f | sort |
	    while read -r f; do
		printf '==> %s (%s)\n' "${f#./}" "$(stat -c %a "$f")"
		cat "$f"
	    done) >"$TMPDIR/got/$ex.txt"
	if [ "${NOVA_GOLDEN_UPDATE:-}" = 1 ]; then
		mkdir -p "$gold" && cp "$TMPDIR/got/$ex.txt" "$gold/$ex.txt"
	fi
	diff -u "$gold/$ex.txt" "$TMPDIR/got/$ex.txt" || fail=1
done
exit $fail
