#!/usr/bin/env bash
# Secrets in an output tree: the files that hold them are owner-only and
# listed, exactly, in DIR/.gitignore (git really ignores them); every other
# file is 0644/0755 and holds no secret value; --redact writes
# placeholders and no value even when values are supplied; no value
# reaches stdout or stderr.
set -u
fail=0
t=$TMPDIR
zt=$ROOT/examples/prod.zt
py=/usr/bin/python3
"$ZTOPO" ir "$zt" >"$t/ir.json" || exit 1
"$py" "$ROOT/tests/t/nova-registry.py" secrets "$t/ir.json" "$t/secrets" \
    "$t/secrets.json" || exit 1
# one value comes from the environment instead (it wins over the file)
export ZTOPO_SECRET_NOVA_KEYSTONE_PASSWORD='env-only value $x @/%'
values() {	# every secret value, one per line, blanks around kept
	"$py" -c 'import json,sys
for v in json.load(open(sys.argv[1])).values(): print(v)
print("env-only value $x @/%")' "$t/secrets.json"
}

"$ZTOPO" compile "$zt" --secrets "$t/secrets" -o "$t/out" >"$t/log" 2>&1 ||
    { echo "compile failed"; cat "$t/log"; exit 1; }
cd "$t/out" || exit 1

# .gitignore: "/path" lines, exactly the owner-only files
grep -v '^#' .gitignore | sed 's|^/||' | sort >"$t/ignored"
find . -type f ! -perm /077 | sed 's|^\./||' | sort >"$t/private"
if ! diff -u "$t/private" "$t/ignored"; then
	echo ".gitignore does not list exactly the owner-only files"; fail=1
fi
[ -s "$t/ignored" ] || { echo ".gitignore lists nothing"; fail=1; }
grep -q '^MANIFEST$\|^\.gitignore$' "$t/ignored" && { echo "bad entry"; fail=1; }
for f in */*/nova/20-ztopo-secrets.conf; do
	grep -qxF "$f" "$t/ignored" || { echo "$f not ignored"; fail=1; }
	[ "$(stat -c %a "$f")" = 600 ] || { echo "$f: mode $(stat -c %a "$f")"; fail=1; }
done
for f in */*/nova/10-ztopo.conf; do
	grep -qxF "$f" "$t/ignored" && { echo "$f ignored"; fail=1; }
	[ "$(stat -c %a "$f")" = 644 ] || { echo "$f: mode $(stat -c %a "$f")"; fail=1; }
done
find . -type f -perm /077 ! -perm 644 ! -perm 755 -printf '%m %p: odd mode\n' | grep . && fail=1
# every file holding a value is ignored; the others hold none
while IFS= read -r v; do
	[ -n "${v// /}" ] || continue
	grep -rlF -- "$v" . | sed 's|^\./||' | while read -r f; do
		grep -qxF "$f" "$t/ignored" || echo "secret value in non-ignored $f"
	done
done < <(values) | sort -u | grep . && fail=1
grep -q 'env-only value' */*/nova/20-ztopo-secrets.conf ||
    { echo "ZTOPO_SECRET_ value not used"; fail=1; }
# git agrees: git add . stages no ignored file
if command -v git >/dev/null; then
	git init -q . && git add -A . &&
	    git ls-files | sort >"$t/staged" || fail=1
	comm -12 "$t/staged" "$t/ignored" | grep . &&
	    { echo "git would commit the files above"; fail=1; }
	grep -q 'nova/10-ztopo.conf' "$t/staged" || { echo "git add staged nothing"; fail=1; }
	rm -rf .git
fi
cd "$t" || exit 1

# no value on stdout or stderr of the compile
while IFS= read -r v; do
	[ -n "${v// /}" ] && grep -qF -- "$v" "$t/log" && { echo "value on stdout/stderr"; fail=1; }
done < <(values)

# --redact: placeholders, no value, although every value is supplied
"$ZTOPO" compile "$zt" --secrets "$t/secrets" --redact -o "$t/red" >"$t/log2" 2>&1 ||
    { echo "redact compile failed"; cat "$t/log2"; exit 1; }
while IFS= read -r v; do
	[ -n "${v// /}" ] || continue
	grep -rqF -- "$v" "$t/red" "$t/log2" && { echo "--redact tree holds a value"; fail=1; }
done < <(values)
for p in NOVA_DB_PASSWORD NOVA_RABBIT_PASSWORD NOVA_KEYSTONE_PASSWORD; do
	grep -rq "@@${p}@@" "$t/red"/*/*/nova/20-ztopo-secrets.conf ||
	    { echo "no @@$p@@ placeholder"; fail=1; }
done
grep -q '^connection = mysql+pymysql://nova:@@NOVA_DB_PASSWORD@@@10\.99\.0\.[0-9]*:3306/nova_api?charset=utf8$' \
    "$t/red/ctl1/nova-api/nova/20-ztopo-secrets.conf" || { echo "redacted URL"; fail=1; }
# same layout and .gitignore with and without --redact
(cd "$t/out" && find . -printf '%P %m\n' | sort) >"$t/l1"
(cd "$t/red" && find . -printf '%P %m\n' | sort) >"$t/l2"
diff -u "$t/l1" "$t/l2" || { echo "--redact changes the layout"; fail=1; }
cmp -s "$t/out/.gitignore" "$t/red/.gitignore" || { echo ".gitignore differs"; fail=1; }

# without values and without --redact: nothing is written
unset ZTOPO_SECRET_NOVA_KEYSTONE_PASSWORD
if "$ZTOPO" compile "$zt" -o "$t/none" 2>/dev/null; then
	echo "compile without secrets succeeded"; fail=1
fi
[ -e "$t/none" ] && { echo "a failed compile wrote $t/none"; fail=1; }
exit $fail
