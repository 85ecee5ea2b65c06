#!/usr/bin/env bash
# grants-escaping: database names with LIKE wildcards and a hostile user
# name, applied to a real MariaDB and then used.
#
# A credential with any_host (so the account is user@'%', which a client
# on the unix socket really logs in to), user  o'brien\ü  (quote,
# backslash, non-ASCII), databases a_b and c%d, privileges SELECT and
# INSERT.  Checks: the GRANT patterns are `a\_b` and `c\%d`; logged in
# with its hostile password the account can use a_b and c%d but not aXb
# or cXYd (a control account granted the unescaped pattern CAN use aXb,
# so the check is not vacuous); it may SELECT and INSERT, not DELETE;
# the user name is stored as UTF-8 whatever the client locale;
# SHOW GRANTS lists exactly that.
set -euo pipefail

# shellcheck source=../lib/mariadb.sh
. "$ROOT/tests/lib/mariadb.sh"
if ! mariadb_available; then
	echo "SKIP: mariadb-server not installed (tests/install-deps.sh test)"
	exit 77
fi
trap mariadb_stop EXIT
work=$TMPDIR
fail() { echo "grants-escaping: FAIL: $*" >&2; exit 1; }

cat >"$work/esc.zt" <<'EOF'
openstack release zed;
network admin { nic_tag admin; subnet 10.0.0.0/24; pool 10.0.0.100 10.0.0.150; }
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
secret app-password;
credential app-db {
    kind mysql;
    user "o'brien\\ü";
    databases ["a_b", "c%d"];
    privileges [select, INSERT];
    password app-password;
    any_host true;
}
service mysql { role mysql; }
service app { start "/bin/app"; uses mysql via app-db; }
zone db { image base; memory 1G; quota 10G; nic admin; services mysql; }
zone app { image base; memory 1G; quota 10G; nic admin; services app; }
host h { address admin 10.0.0.10; memory 8G; disk 100G; }
target t { zone [db, app] on h; }
EOF
user="o'brien\\ü"
pw=' p'\''w "x" \ $y `z` %_ ; -- ü 密码 \'
export ZTOPO_SECRET_APP_PASSWORD=$pw
"$ZTOPO" compile "$work/esc.zt" -o "$work/out" || fail "compile"
g=$work/out/h/db/mysql/grants.sql
grep -qF 'ON `a\_b`.* TO' "$g" || fail "no escaped a\\_b pattern in $g"
grep -qF 'ON `c\%d`.* TO' "$g" || fail "no escaped c\\%d pattern in $g"
grep -qF "'o''brien\\\\ü'@'%'" "$g" || fail "user or host not quoted as expected in $g"

mariadb_start
cat "${g%/*}/grants-passwords.sql" "$g" | mariadb_sql || fail "apply"
cat "${g%/*}/grants-passwords.sql" "$g" | mariadb_sql || fail "apply again"
mariadb_sql <"$g" 2>/dev/null && fail "grants.sql applied without its passwords"
mariadb_sql <<'EOF' || fail "setup"
CREATE DATABASE IF NOT EXISTS aXb;
CREATE DATABASE IF NOT EXISTS cXYd;
CREATE TABLE a_b.t (i INT);
CREATE USER control@'%' IDENTIFIED BY 'control';
GRANT SELECT ON `a_b`.* TO control@'%';
EOF

# USER PASSWORD SQL: run SQL as USER over the socket, sending UTF-8 as
# OpenStack's clients do (pymysql charset=utf8) -- the run.sh locale is C,
# where the mariadb client would otherwise talk latin1
as() {
	MYSQL_PWD=$2 "$(mariadb__bin mariadb)" --no-defaults \
	    --default-character-set=utf8mb4 -u "$1" \
	    -S "$MARIADB_SOCKET" -N -B -r -e "$3" 2>/dev/null
}
[ "$(mariadb_sql -N -B -e "SELECT HEX(User) FROM mysql.user WHERE Host = '%' AND User LIKE 'o%'")" = \
    "$(printf '%s' "$user" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ] ||
    fail "the user name is not stored as UTF-8"
[ "$(as "$user" "$pw" 'SELECT CURRENT_USER()')" = "$user@%" ] ||
    fail "cannot log in as $user@% with the hostile password"
as "$user" "${pw}x" 'SELECT 1' >/dev/null && fail "a wrong password logs in"
as "$user" "$pw" 'USE a_b' || fail "no access to a_b"
as "$user" "$pw" 'USE `c%d`' || fail "no access to c%d"
as "$user" "$pw" 'USE aXb' && fail "the a_b grant also opens aXb"
as "$user" "$pw" 'USE cXYd' && fail "the c%d grant also opens cXYd"
as control control 'USE aXb' || fail "control: an unescaped a_b should open aXb"
as "$user" "$pw" 'INSERT INTO a_b.t VALUES (1); SELECT COUNT(*) FROM a_b.t' ||
    fail "SELECT/INSERT refused"
as "$user" "$pw" 'DELETE FROM a_b.t' && fail "DELETE allowed"

got=$(mariadb_sql --default-character-set=utf8mb4 -N -B -r -e "SHOW GRANTS FOR 'o''brien\\\\ü'@'%'" | LC_ALL=C sort)
want=$(python3 - "$pw" <<'EOF' | LC_ALL=C sort
import hashlib, sys
h = "*" + hashlib.sha1(hashlib.sha1(sys.argv[1].encode()).digest()).hexdigest().upper()
a = "`o'brien\\ü`@`%`"
print("GRANT USAGE ON *.* TO %s IDENTIFIED BY PASSWORD '%s'" % (a, h))
print("GRANT SELECT, INSERT ON `a\\_b`.* TO %s" % a)
print("GRANT SELECT, INSERT ON `c\\%%d`.* TO %s" % a)
EOF
)
[ "$got" = "$want" ] || fail "SHOW GRANTS:"$'\n'"$got"$'\n'"expected:"$'\n'"$want"
echo "ok"
