#!/usr/bin/env bash
# ztopo secrets init: creates the file 0600 with a strong value for every
# declared secret, keeps existing values, lines and order, prints no value,
# refuses a readable file, and its result compiles.
set -u
fail=0
t=$TMPDIR
zt=$ROOT/examples/dev.zt
names=$("$ZTOPO" ir "$zt" | /usr/bin/python3 -c 'import json,sys
print(" ".join(json.load(sys.stdin)["secrets"]))')
n=$(wc -w <<<"$names")
value() { sed -n "s/^$2 = //p" "$1"; }

umask 022
"$ZTOPO" secrets init "$zt" -o "$t/a" >"$t/log" 2>&1 || { cat "$t/log"; exit 1; }
"$ZTOPO" secrets init "$zt" -o "$t/b" >>"$t/log" 2>&1 || { cat "$t/log"; exit 1; }
for f in a b; do
	[ "$(stat -c %a "$t/$f")" = 600 ] || { echo "$f: mode $(stat -c %a "$t/$f")"; fail=1; }
done
grep -qx "$t/a: $n secrets added, 0 kept" "$t/log" || { echo "report:"; cat "$t/log"; fail=1; }
for s in $names; do
	va=$(value "$t/a" "$s") vb=$(value "$t/b" "$s")
	[[ $va =~ ^[A-Za-z0-9]{32,}$ ]] || { echo "$s: not 32+ safe characters"; fail=1; }
	[ "$va" != "$vb" ] || { echo "$s: two fresh inits gave the same value"; fail=1; }
	grep -qF -- "$va" "$t/log" && { echo "$s: value printed"; fail=1; }
done
# all values of one file differ too
[ "$(grep -v '^#' "$t/a" | cut -d' ' -f3 | sort -u | wc -l)" = "$n" ] ||
    { echo "values repeat"; fail=1; }

# keeps existing values, comments and order; adds only what is missing
first=$(set -- $names; echo "$1") last=$(set -- $names; eval echo "\${$#}")
printf '# mine\n%s = "  kept as it was  "\n\n# trailing comment\n' "$last" >"$t/c"
chmod 600 "$t/c"
cp "$t/c" "$t/c.orig"
ino=$(stat -c %i "$t/c")
"$ZTOPO" secrets init "$zt" -o "$t/c" >"$t/log" 2>&1 || { cat "$t/log"; exit 1; }
grep -qx "$t/c: $((n - 1)) secrets added, 1 kept" "$t/log" || { cat "$t/log"; fail=1; }
head -c "$(stat -c %s "$t/c.orig")" "$t/c" | cmp -s - "$t/c.orig" ||
    { echo "existing lines not kept byte for byte"; fail=1; }
[ "$(grep -c "^$last = " "$t/c")" = 1 ] || { echo "$last added again"; fail=1; }
[ "$(grep -v '^#' "$t/c" | grep -c ' = ')" = "$n" ] || { echo "not every secret set"; fail=1; }
[ "$(stat -c %a "$t/c")" = 600 ] || { echo "c: mode $(stat -c %a "$t/c")"; fail=1; }
[ "$(stat -c %i "$t/c")" != "$ino" ] || { echo "not replaced by rename"; fail=1; }
ls -A "$t" | grep -v -x -e a -e b -e c -e c.orig -e log | grep . &&
    { echo "temporary files left behind"; fail=1; }
# nothing missing: the file is left alone (same inode)
ino=$(stat -c %i "$t/c")
"$ZTOPO" secrets init "$zt" -o "$t/c" >"$t/log" 2>&1 || fail=1
grep -qx "$t/c: 0 secrets added, $n kept" "$t/log" || { cat "$t/log"; fail=1; }
[ "$(stat -c %i "$t/c")" = "$ino" ] || { echo "rewritten with nothing to add"; fail=1; }
# the blank-padded value survives into a compile
"$ZTOPO" compile "$zt" --secrets "$t/c" -o "$t/out" >/dev/null 2>&1 ||
    { echo "compile with the initialised file failed"; fail=1; }
grep -rqF '  kept as it was  ' "$t/out" || { echo "kept value not compiled in"; fail=1; }

# a file others may read is refused and left alone
chmod 644 "$t/c"
cp "$t/c" "$t/c.before"
if "$ZTOPO" secrets init "$zt" -o "$t/c" 2>"$t/log"; then
	echo "a 0644 secrets file was accepted"; fail=1
fi
grep -q 'readable by group or others' "$t/log" || { cat "$t/log"; fail=1; }
cmp -s "$t/c" "$t/c.before" || { echo "refused file was changed"; fail=1; }
exit $fail
