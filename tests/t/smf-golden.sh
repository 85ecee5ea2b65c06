#!/usr/bin/env bash
# Golden SMF manifests: compile dev.zt, folsom-dev.zt and prod.zt (with
# --redact: manifests never hold secrets) and compare every generated
# <host>/<zone>/smf/*.xml, and the set of them, with tests/t/smf-golden/.
# Also: two runs give the same bytes, and no manifest for packaged mysql.
#
#   bash tests/t/smf-golden.sh --update    rewrite the goldens (review
#                                          the diff before committing)
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZTOPO=${ZTOPO:-$ROOT/ztopo}
TMPDIR=${TMPDIR:-/tmp}
golden=$ROOT/tests/t/smf-golden
work=$(mktemp -d "$TMPDIR/smf-golden.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail=0

for ex in dev folsom-dev prod; do
	out=$work/out-$ex
	if ! "$ZTOPO" compile "$ROOT/examples/$ex.zt" --redact -o "$out" 2>"$work/err"; then
		echo "$ex: compile failed:"; cat "$work/err"; fail=1; continue
	fi
	"$ZTOPO" compile "$ROOT/examples/$ex.zt" --redact -o "$work/again" 2>/dev/null
	mkdir -p "$work/got/$ex"
	(cd "$out" && find . -path '*/smf/*' -type f | LC_ALL=C sort) >"$work/list-$ex"
	[ -s "$work/list-$ex" ] || { echo "$ex: no SMF manifests"; fail=1; }
	while read -r f; do
		mkdir -p "$work/got/$ex/$(dirname "$f")"
		cp "$out/$f" "$work/got/$ex/$f"
		cmp -s "$out/$f" "$work/again/$f" ||
		    { echo "$ex: $f differs between two runs"; fail=1; }
		case $f in */mysql.xml) echo "$ex: $f: packaged mysql got a manifest"; fail=1 ;; esac
	done <"$work/list-$ex"
	rm -rf "$work/again"
done

if [ "${1:-}" = --update ]; then
	rm -rf "$golden"
	cp -r "$work/got" "$golden"
	echo "updated $golden"
	exit $fail
fi
if ! diff -ruN "$golden" "$work/got"; then
	echo "SMF manifests differ from tests/t/smf-golden (bash tests/t/smf-golden.sh --update, then review)"
	fail=1
fi
[ $fail = 0 ] && echo "ok: $(cat "$work"/list-* | wc -l) manifests match the goldens"
exit $fail
