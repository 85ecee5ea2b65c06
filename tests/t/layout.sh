#!/usr/bin/env bash
# The files show the passes: no hand-written C file is over 1,200 lines;
# every C file and header opens with a comment that names it and says
# what it owns; the front end (compiler/) needs nothing of the backends
# but the driver's table of them (main.c); the plan is built from
# artifacts, so plan.c parses neither JSON nor XML; the README's layout
# table names every source file.
set -u
cd "$ROOT"
fail=0
for f in compiler/*.[ch] backends/*.[ch] tests/unit/*.c; do
	[ "$f" = backends/oslo_options.c ] && continue	# generated
	n=$(wc -l <"$f")
	if [ "$n" -gt 1200 ]; then
		echo "$f: $n lines (split it: at most about 1,200)"; fail=1
	fi
	base=$(basename "$f")
	if ! head -2 "$f" | grep -q "^ \* $base -- "; then
		echo "$f: does not open with \"/* $base -- what it owns\""; fail=1
	fi
done
for f in compiler/*.[ch]; do
	[ "$f" = compiler/main.c ] && continue
	if grep -q '#include "\.\./backends/' "$f"; then
		echo "$f: includes a backend header; only the driver (main.c) may"
		fail=1
	fi
done
if grep -qE '#include <(jansson|libxml/)' compiler/plan.c; then
	echo "compiler/plan.c parses artifacts again (jansson or libxml2)"; fail=1
fi
for f in compiler/*.c backends/*.c; do
	base=$(basename "$f" .c)
	grep -q "$base" README.md ||
	    { echo "README.md's layout table does not name $f"; fail=1; }
done
exit $fail
