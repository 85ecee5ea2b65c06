#!/usr/bin/env bash
# tests/run.sh [-v] [--fast] [--update] [PATTERN] -- run ztopo's test suite.
#
# Three kinds of tests:
#   tests/cases/NAME/   golden cases: `args` holds the command line (after
#                       "ztopo"; $ROOT is the repository), run from the case
#                       directory; stdout, stderr and the exit status must
#                       equal expected.stdout, expected.stderr and
#                       expected.status.  Each case runs with ./ztopo and,
#                       when it has been built, with the ASan+UBSan binary.
#   examples/*.zt       every example must check clean (no diagnostics).
#   tests/t/*.sh        scripts (exit 0 pass, 77 skip, else fail) that run
#                       the real consumers: MariaDB, nova's option registry,
#                       xmllint, ansible...  They get $ZTOPO (the sanitizer
#                       build when there is one), $ROOT and $TMPDIR.
#
# --update rewrites the expected files of the golden cases from ./ztopo.
# --fast runs the golden cases and the examples only (make check-fast).
# -v prints a line per test as it passes; otherwise a line per group.
# PATTERN limits the run to tests whose name contains it.
# The last line is always "N passed, N failed".
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
REL="$ROOT/ztopo"
ASAN="$ROOT/build/asan/ztopo"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
export LC_ALL=C TZ=UTC

update=0 verbose=0 fast=0
pattern=
for a in "$@"; do
	case $a in
	--update) update=1 ;;
	--fast) fast=1 ;;
	-v) verbose=1 ;;
	-*) echo "usage: $0 [-v] [--fast] [--update] [PATTERN]" >&2; exit 2 ;;
	*) pattern=$a ;;
	esac
done

if [ ! -x "$REL" ]; then
	echo "tests/run.sh: $REL not built; run make first" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
bins=("$REL")
if [ -x "$ASAN" ]; then
	bins+=("$ASAN")
else
	echo "note: $ASAN not built (make asan); sanitizer runs skipped"
fi

passed=0 failed=0 skipped=0
work=$(mktemp -d "${TMPDIR:-/tmp}/ztopo-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT

pass() {
	passed=$((passed + 1))
	[ $verbose = 0 ] || echo "ok: $1"
}
# group NAME: after a group, its counts and time (progress on a long run)
g_passed=0 g_failed=0 g_start=$SECONDS
group() {
	local p=$((passed - g_passed)) f=$((failed - g_failed))
	[ $((p + f)) -eq 0 ] || echo "$1: $p passed, $f failed ($((SECONDS - g_start))s)"
	g_passed=$passed g_failed=$failed g_start=$SECONDS
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	[ -n "${2:-}" ] && sed 's/^/    /' <<<"$2" | head -40
}
want() { [ -z "$pattern" ] || [[ $1 == *"$pattern"* ]]; }

# ---- golden cases
for dir in "$ROOT"/tests/cases/*/; do
	name=cases/$(basename "$dir")
	want "$name" || continue
	if [ ! -f "$dir/args" ]; then
		fail "$name" "no args file"
		continue
	fi
	args=$(<"$dir/args")
	for bin in "${bins[@]}"; do
		tag=$name
		[ "$bin" = "$ASAN" ] && tag="$name (asan)"
		out=$work/out err=$work/err
		(cd "$dir" && eval "set -- $args" && exec "$bin" "$@") \
		    >"$out" 2>"$err" </dev/null
		status=$?
		if [ $update = 1 ] && [ "$bin" = "$REL" ]; then
			cp "$out" "$dir/expected.stdout"
			cp "$err" "$dir/expected.stderr"
			echo "$status" >"$dir/expected.status"
		fi
		msg=
		if [ "$status" != "$(cat "$dir/expected.status" 2>/dev/null)" ]; then
			msg="exit status $status, expected $(cat "$dir/expected.status" 2>/dev/null)"$'\n'"$(head -20 "$err")"
		elif ! d=$(diff -u "$dir/expected.stderr" "$err"); then
			msg="stderr differs:"$'\n'"$d"
		elif ! d=$(diff -u "$dir/expected.stdout" "$out"); then
			msg="stdout differs:"$'\n'"$d"
		fi
		if [ -n "$msg" ]; then fail "$tag" "$msg"; else pass "$tag"; fi
	done
done
group "golden cases"

# ---- every example checks clean
for f in "$ROOT"/examples/*.zt; do
	name=examples/$(basename "$f")
	want "$name" || continue
	for bin in "${bins[@]}"; do
		tag=$name
		[ "$bin" = "$ASAN" ] && tag="$name (asan)"
		if out=$("$bin" check "$f" 2>&1) && [ -z "$out" ]; then
			pass "$tag"
		else
			fail "$tag" "ztopo check: $out"
		fi
	done
done
group "examples"

# ---- scripts
export ZTOPO="$REL"
[ -x "$ASAN" ] && ZTOPO="$ASAN"
for t in "$ROOT"/tests/t/*.sh; do
	[ -e "$t" ] && [ $fast = 0 ] || continue
	name=t/$(basename "$t" .sh)
	want "$name" || continue
	tdir=$(mktemp -d "$work/t.XXXXXX")
	t_start=$SECONDS
	TMPDIR=$tdir bash "$t" >"$work/log" 2>&1 </dev/null
	status=$?
	case $status in
	0) pass "$name ($((SECONDS - t_start))s)" ;;
	77)
		skipped=$((skipped + 1))
		echo "SKIP: $name: $(grep -m1 'SKIP' "$work/log" || tail -1 "$work/log")"
		;;
	*) fail "$name" "exit $status"$'\n'"$(tail -40 "$work/log")" ;;
	esac
done
group "scripts"

[ $skipped -gt 0 ] && echo "$skipped skipped (not counted; see the SKIP lines above)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
