#!/usr/bin/env bash
# What a reviewer sees: the committed part of a tree (every file not in
# its .gitignore) holds every MySQL account, client address, database and
# privilege the applied grants have, and no secret value and no password
# hash; the passwords are only in the 0600 companions.
#  - dev, prod and folsom-dev, compiled with random secrets, applied to the
#    suite's throwaway MariaDB (grants-passwords.sql, then grants.sql, in
#    one session): every account MariaDB has (mysql.user) appears in the
#    committed grants.sql of its server with the same user and host, and
#    every GRANT row of SHOW GRANTS but the password's, as written there;
#    no committed file contains a secret value or the
#    mysql_native_password hash of one; grants.sql alone is refused;
#  - adding a service that uses mysql through a new credential (in an
#    existing zone, so no address moves) changes the committed grants.sql
#    by the new account's lines only: the diff is tests/t/grants-review/
#    added-account.diff, byte for byte.
set -euo pipefail
. "$ROOT/tests/lib/mariadb.sh"
mariadb_available || { echo "SKIP: mariadbd not installed (tests/install-deps.sh test)"; exit 77; }
cd "$TMPDIR"
fail=0
for ex in dev prod folsom-dev; do
	zt=$ROOT/examples/$ex.zt
	"$ZTOPO" secrets init "$zt" -o $ex.secrets >/dev/null
	"$ZTOPO" compile "$zt" --secrets $ex.secrets -o $ex
	mariadb_start
	while IFS= read -r g; do
		cat "${g%/*}/grants-passwords.sql" "$g" | mariadb_sql
		if mariadb_sql <"$g" 2>/dev/null; then
			echo "$ex: ${g#$ex/} applied without its passwords"; fail=1
		fi
	done < <(find $ex -name grants.sql | LC_ALL=C sort)
	mariadb_sql -N -B -e "SELECT User, Host FROM mysql.user WHERE User NOT IN ('root', 'mariadb.sys', 'mysql', '') ORDER BY 1, 2" >accounts
	: >grants
	while IFS=$'\t' read -r u h; do
		mariadb_sql -N -B -r -e "SHOW GRANTS FOR '$u'@'$h'" | sed "s/^/$u	$h	/" >>grants
	done <accounts
	mariadb_stop
	python3 - $ex $ex.secrets accounts grants <<'PY' || fail=1
import hashlib, os, subprocess, sys
tree, secrets, accounts, grants = sys.argv[1:5]
ignored = {l.strip().lstrip('/') for l in open(os.path.join(tree, '.gitignore'))
           if l.strip() and not l.startswith('#')}
committed = {}
for root, _, files in os.walk(tree):
    for f in files:
        p = os.path.relpath(os.path.join(root, f), tree)
        if p not in ignored:
            committed[p] = open(os.path.join(tree, p), encoding='utf-8',
                                errors='replace').read()
grants_sql = {p: t for p, t in committed.items() if p.endswith('/mysql/grants.sql')}
allg = '\n'.join(grants_sql.values())
bad = []
accts = [l.rstrip('\n').split('\t') for l in open(accounts) if l.strip()]
for u, h in accts:
    if "SET @ztopo_user = '%s', @ztopo_host = '%s'," % (u, h) not in allg:
        bad.append("account '%s'@'%s' is in no committed grants.sql" % (u, h))
n = 0
for l in open(grants):
    u, h, row = l.rstrip('\n').split('\t', 2)
    if row.startswith('GRANT USAGE ON *.*'):
        continue        # the password's row: its hash stays out
    n += 1
    want = row.replace('`%s`@`%s`' % (u, h), "'%s'@'%s'" % (u, h)) + ';'
    if want not in allg:
        bad.append('SHOW GRANTS row not in a committed grants.sql: %s' % want)
values = []
for line in open(secrets):
    line = line.strip()
    if line and not line.startswith('#') and '=' in line:
        values.append(line.split('=', 1)[1].strip())
for v in values:
    h = '*' + hashlib.sha1(hashlib.sha1(v.encode()).digest()).hexdigest().upper()
    for p, t in committed.items():
        if v in t:
            bad.append('%s holds a secret value' % p)
        if h in t or h[1:].lower() in t:
            bad.append('%s holds the hash of a secret value' % p)
if not accts or not n:
    bad.append('nothing checked')
for b in bad[:20]:
    print('%s: %s' % (tree, b))
print('%s: %d accounts, %d grants, %d secret values kept out of %d committed files'
      % (tree, len(accts), n, len(values), len(committed)))
sys.exit(1 if bad else 0)
PY
done

# one more service using mysql: the committed file grows by its account
cp "$ROOT"/examples/*.zt .
"$ZTOPO" compile custom.zt --redact -o before
cat >>custom.zt <<'ZT'

secret reports-db-password;
credential reports-db {
    kind mysql;
    user reports;
    databases billing;
    privileges [SELECT];
    password reports-db-password;
}
service reports {
    start "/opt/billing/bin/reports";
    uses mysql via reports-db;
}
ZT
sed -i 's/^    services billing;$/    services [billing, reports];/' custom.zt
"$ZTOPO" compile custom.zt --redact -o after
diff -u --label before/grants.sql --label after/grants.sql \
    before/box/db/mysql/grants.sql after/box/db/mysql/grants.sql >added.diff || true
if [ "${GRANTS_REVIEW_UPDATE:-}" = 1 ]; then
	cp added.diff "$ROOT/tests/t/grants-review/added-account.diff"
fi
diff -u "$ROOT/tests/t/grants-review/added-account.diff" added.diff ||
    { echo "adding an account changed grants.sql differently"; fail=1; }
grep -q '^-[^-]' added.diff && { echo "adding an account removed lines from grants.sql"; fail=1; }
exit $fail
