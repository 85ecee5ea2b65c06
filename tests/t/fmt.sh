#!/usr/bin/env bash
# ztopo fmt: one canonical layout.
#  - the examples are in it (fmt --check exits 0, and lists nothing);
#  - a messy file gets exactly the layout below, and fmt --check lists it
#    and exits 3 without touching it;
#  - for every example and every golden input that parses: fmt is
#    idempotent, keeps every comment (same texts, same order), and the
#    description means the same: `ztopo ir` of each target, and the
#    diagnostics of `ztopo check` (without their locations), are equal
#    before and after;
#  - a file with a syntax error is left alone (exit 1).
set -u
cd "$TMPDIR" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

out=$("$ZTOPO" fmt --check "$ROOT"/examples/*.zt); st=$?
[ $st = 0 ] && [ -z "$out" ] || bad "examples not formatted (exit $st): $out"

cat >messy.zt <<'ZT'
# top comment


network admin {   nic_tag admin ;subnet 10.0.0.0/24;
    pool 10.0.0.100    10.0.0.110;   # the pool


}
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
host h1 {
address admin 10.0.0.10; memory 8G;
        disk 100G; }
zone a { image base; memory 1G; quota 10G; nic admin;
  tags { tier   "front #1"; }
  # before the end
}
target t { zone [a,
                     a] on
  h1; }
# the end


ZT
cat >want.zt <<'ZT'
# top comment

network admin {
    nic_tag admin;
    subnet 10.0.0.0/24;
    pool 10.0.0.100 10.0.0.110; # the pool
}
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
host h1 {
    address admin 10.0.0.10;
    memory 8G;
    disk 100G;
}
zone a {
    image base;
    memory 1G;
    quota 10G;
    nic admin;
    tags { tier "front #1"; }
    # before the end
}
target t {
    zone [a,
          a] on
        h1;
}
# the end
ZT
cp messy.zt before.zt
"$ZTOPO" fmt --check messy.zt >check.out; st=$?
[ $st = 3 ] && [ "$(cat check.out)" = messy.zt ] || bad "fmt --check on a messy file: exit $st, $(cat check.out)"
cmp -s messy.zt before.zt || bad "fmt --check wrote the file"
chmod 640 messy.zt
"$ZTOPO" fmt messy.zt || bad "fmt failed"
diff -u want.zt messy.zt || bad "layout differs (above)"
[ "$(stat -c %a messy.zt)" = 640 ] || bad "fmt changed the mode to $(stat -c %a messy.zt)"
"$ZTOPO" fmt <before.zt | cmp -s - want.zt || bad "fmt of standard input differs"
printf 'network admin { nic_tag admin\n}\n' >broken.zt
cp broken.zt broken.orig
"$ZTOPO" fmt broken.zt 2>broken.err; st=$?
[ $st = 1 ] && grep -q 'error' broken.err || bad "a syntax error: exit $st"
cmp -s broken.zt broken.orig || bad "fmt touched a file with a syntax error"

# the comments of a file, in order (strings skipped)
comments() {
	python3 - "$1" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
i, out = 0, []
while i < len(t):
    c = t[i]
    if c == '"':
        i += 1
        while i < len(t) and t[i] not in '"\n':
            i += 2 if t[i] == '\\' else 1
    elif c == '#':
        j = t.find('\n', i)
        j = len(t) if j < 0 else j
        out.append(t[i:j].rstrip())
        i = j
    i += 1
print("\n".join(out))
PY
}
# diagnostics without locations, carets or source lines
diags() { sed -n 's/^[^ ]*: \(error\|warning\|note\): /\1: /p' | sort; }

n=0
for f in "$ROOT"/examples/*.zt "$ROOT"/tests/cases/*/input.zt; do
	src=$(dirname "$f")
	"$ZTOPO" fmt <"$f" >/dev/null 2>&1 || continue	# does not parse
	n=$((n + 1))
	rm -rf a b && mkdir a b
	cp -r "$src"/. a/ && cp -r "$src"/. b/
	base=$(basename "$f")
	"$ZTOPO" fmt "b/$base" || { bad "$f: fmt failed"; continue; }
	"$ZTOPO" fmt --check "b/$base" >/dev/null || bad "$f: not idempotent"
	[ "$(comments "a/$base")" = "$(comments "b/$base")" ] || bad "$f: comments differ"
	for d in a b; do
		(cd $d && "$ZTOPO" check "$base" 2>&1 | diags) >$d.diags
	done
	cmp -s a.diags b.diags || { bad "$f: check differs"; diff a.diags b.diags | head -5; }
	for t in $(sed -n 's/^ *target \([A-Za-z0-9_-]*\).*/\1/p' "$f"); do
		for d in a b; do
			(cd $d && "$ZTOPO" ir "$base" -t "$t" 2>/dev/null) >$d.ir
		done
		cmp -s a.ir b.ir || bad "$f -t $t: ir differs"
	done
done
echo "$n files formatted: idempotent, comments kept, same meaning"
[ "$n" -ge 100 ] || bad "only $n files parsed"
exit $fail
