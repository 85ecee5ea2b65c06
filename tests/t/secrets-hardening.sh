#!/usr/bin/env bash
# secrets init refuses a symbolic link (it would replace the link, not
# the file it names); an empty ZTOPO_SECRET_* variable is reported, not
# silently taken for "unset".
set -u
fail=0
cd "$TMPDIR" || exit 1
printf '0123\n' >real.txt
chmod 600 real.txt
ln -s real.txt link.txt
"$ZTOPO" secrets init "$ROOT/examples/dev.zt" -o link.txt >out 2>err
st=$?
[ "$st" = 2 ] || { echo "secrets init on a link: exit $st, expected 2"; fail=1; }
grep -q 'link.txt: a symbolic link' err || { echo "no clear error:"; cat err; fail=1; }
[ -L link.txt ] || { echo "the link was replaced"; fail=1; }
[ "$(cat real.txt)" = 0123 ] || { echo "the file behind the link changed"; fail=1; }

"$ZTOPO" secrets init "$ROOT/examples/dev.zt" -o s.txt >/dev/null ||
    { echo "secrets init failed"; exit 1; }
ZTOPO_SECRET_NOVA_DB_PASSWORD= "$ZTOPO" compile "$ROOT/examples/dev.zt" \
    --secrets s.txt -o tree >out 2>err
st=$?
[ "$st" = 0 ] || { echo "compile with an empty variable: exit $st"; cat err; fail=1; }
grep -q 'warning: ZTOPO_SECRET_NOVA_DB_PASSWORD is set but empty' err ||
    { echo "no warning for the empty variable:"; cat err; fail=1; }
# the value came from the file, as if the variable were unset
grep -q "$(sed -n 's/^nova-db-password = //p' s.txt)" tree/devbox/nova-api/nova/20-ztopo-secrets.conf ||
    { echo "the file's value was not used"; fail=1; }
# a variable that names no declared secret: a warning, with the likely one
ZTOPO_SECRET_NOVA_DB_PASWORD=x "$ZTOPO" compile "$ROOT/examples/dev.zt" \
    --secrets s.txt -o tree2 >out 2>err
st=$?
[ "$st" = 0 ] || { echo "compile with a misspelled variable: exit $st"; cat err; fail=1; }
grep -qxF 'ztopo: warning: ZTOPO_SECRET_NOVA_DB_PASWORD names no secret of this description; did you mean ZTOPO_SECRET_NOVA_DB_PASSWORD? [secret-variable]' err ||
    { echo "no warning for the misspelled variable:"; cat err; fail=1; }
exit $fail
