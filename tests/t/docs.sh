#!/usr/bin/env bash
# Keep README, the man pages and --help true to the code: every long option
# the CLI accepts is documented in --help and ztopo(1), every command in
# both too, every warning class in ztopo(5), the man pages format without warnings and pass mandoc -T lint
# at warning level, and the quick start
# commands exist in the Makefile.
set -eu
fail=0
opts=$(sed -n '/longopts\[\] = {/,/NULL, 0, NULL, 0/p' "$ROOT/compiler/main.c" |
    grep -o '{ "[a-z-]*"' | tr -d '{" ')
[ -n "$opts" ] || { echo "no options found in main.c"; exit 1; }
help=$("$ZTOPO" --help)
for o in $opts; do
	grep -q -- "--$o" <<<"$help" || { echo "--help lacks --$o"; fail=1; }
	grep -qE -- "Fl (-$o|[A-Za-z] , -$o)( |$)" "$ROOT/doc/ztopo.1" ||
	    { echo "doc/ztopo.1 lacks --$o"; fail=1; }
done
cmds=$(sed -n '/^} commands\[\] = {/,/^};/p' "$ROOT/compiler/main.c" |
    grep -o '{ "[a-z-]*"' | tr -d '{" ')
[ -n "$cmds" ] || { echo "no commands found in main.c"; exit 1; }
for c in $cmds; do
	grep -q "ztopo $c" <<<"$help" || { echo "--help lacks command $c"; fail=1; }
	grep -q "^\.Cm $c" "$ROOT/doc/ztopo.1" || { echo "doc/ztopo.1 lacks command $c"; fail=1; }
done
# every warning class (the binary lists them for an unknown one) in
# ztopo(5)'s WARNINGS
printf 'zone z { allow no-such-class; }\n' >"$TMPDIR/classes.zt"
classes=$("$ZTOPO" check "$TMPDIR/classes.zt" 2>&1 | sed -n 's/.*(the classes: \(.*\))$/\1/p' | tr -d ,)
[ -n "$classes" ] || { echo "no warning classes listed"; fail=1; }
for c in $classes; do
	grep -q "^\.It Li $c\$" "$ROOT/doc/ztopo.5" ||
	    { echo "doc/ztopo.5 WARNINGS lacks class $c"; fail=1; }
done
# mandoc's linter, at warning level and above (its STYLE notes about
# manuals not installed here are not about the pages)
if command -v mandoc >/dev/null; then
	w=$(mandoc -T lint -W warning "$ROOT"/doc/*.[1-9] 2>&1 | grep -v 'outdated mandoc.db' || true)
	[ -z "$w" ] || { echo "mandoc -T lint:"; echo "$w"; fail=1; }
else
	echo "note: mandoc not installed; man pages not linted"
fi
if command -v groff >/dev/null; then
	for m in "$ROOT"/doc/*.[1-9]; do
		w=$(groff -mdoc -Tutf8 -ww -z "$m" 2>&1)
		[ -z "$w" ] || { echo "$m: $w"; fail=1; }
	done
else
	echo "note: groff not installed; man pages not formatted"
fi
grep -q '^make demo' "$ROOT/README.md" && grep -q '^make check' "$ROOT/README.md" ||
    { echo "README quick start lost its two commands"; fail=1; }
grep -q '^demo:' "$ROOT/Makefile" && grep -q '^check:' "$ROOT/Makefile" ||
    { echo "Makefile lacks demo or check"; fail=1; }
[ "$("$ZTOPO" --version)" = "ztopo $(sed -n 's/^#define ZTOPO_VERSION "\(.*\)"/\1/p' "$ROOT/compiler/ztopo.h")" ] ||
    { echo "--version disagrees with ztopo.h"; fail=1; }
exit $fail
