#!/usr/bin/env bash
# tests/lib/mariadb-selftest.sh - check tests/lib/mariadb.sh end to end.
#
# Starts a private MariaDB, creates users and grants (a nova-like file is
# applied TWICE: it must be idempotent), compares SHOW GRANTS with the
# expected rows (sorted: the server prints database rows in hash order),
# stops the server and checks that no mariadbd and no temp dir is left.
# Exit 0 on success, 1 on failure, 77 (SKIP) when MariaDB is not installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=mariadb.sh
. "$here/mariadb.sh"

me=mariadb-selftest
if ! mariadb_available; then
  echo "SKIP: mariadbd/mariadb-client not installed (tests/install-deps.sh test)"
  exit 77
fi

tmp=$(mktemp -d)
cleanup() { mariadb_stop; rm -rf "$tmp"; }
trap cleanup EXIT

fail() { echo "$me: FAIL: $*" >&2; exit 1; }
check_grants() { # USER@HOST EXPECTED-FILE: compare sorted raw SHOW GRANTS
  mariadb_sql -N -B -r -e "SHOW GRANTS FOR $1" >"$tmp/raw" ||
    fail "SHOW GRANTS FOR $1"
  LC_ALL=C sort "$tmp/raw" >"$tmp/got"
  LC_ALL=C sort "$2" >"$tmp/want"
  if ! cmp -s "$tmp/want" "$tmp/got"; then
    diff -u "$tmp/want" "$tmp/got" >&2 || true
    fail "SHOW GRANTS FOR $1 differs from expected"
  fi
}
# pids of processes whose command line mentions $1 (no procps needed)
pids_using() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    if tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "$1"; then
      f=${f#/proc/}; echo "${f%/cmdline}"
    fi
  done
}

mariadb_start
dir=$MARIADB_DIR
pid=$MARIADB_PID
[ -S "$MARIADB_SOCKET" ] || fail "no socket at $MARIADB_SOCKET"
case $MARIADB_SOCKET in "$dir"/*) ;; *) fail "socket outside $dir" ;; esac
if mariadb_start 2>/dev/null; then fail "second mariadb_start succeeded"; fi
# --skip-networking: the server must not listen on TCP
[ "$(mariadb_sql -N -B -e 'SELECT @@skip_networking')" = 1 ] ||
  fail "skip_networking is off"

# 1. a plain user and an escaped LIKE pattern as database name
mariadb_sql <<'EOF' || fail "CREATE USER / GRANT"
CREATE USER 'x'@'10.0.0.5' IDENTIFIED BY 'p';
GRANT SELECT ON `a\_b`.* TO 'x'@'10.0.0.5';
EOF
pw=$(mariadb_sql -N -B -e "SELECT PASSWORD('p')")
cat >"$tmp/expected" <<EOF
GRANT USAGE ON *.* TO \`x\`@\`10.0.0.5\` IDENTIFIED BY PASSWORD '$pw'
GRANT SELECT ON \`a\\_b\`.* TO \`x\`@\`10.0.0.5\`
EOF
check_grants "'x'@'10.0.0.5'" "$tmp/expected"

# 2. nova-like grants, applied twice
cat >"$tmp/grants.sql" <<'EOF'
CREATE DATABASE IF NOT EXISTS `nova`;
CREATE DATABASE IF NOT EXISTS `nova_cell0`;
CREATE USER IF NOT EXISTS 'nova'@'10.88.0.12' IDENTIFIED BY 'p''w\\x';
GRANT ALL PRIVILEGES ON `nova`.* TO 'nova'@'10.88.0.12';
GRANT ALL PRIVILEGES ON `nova\_cell0`.* TO 'nova'@'10.88.0.12';
EOF
# The hash is '*' + HEX(SHA1(SHA1("p'w\x"))), as documented in mariadb.sh.
cat >"$tmp/expected" <<'EOF'
GRANT USAGE ON *.* TO `nova`@`10.88.0.12` IDENTIFIED BY PASSWORD '*66F936ECC01641848C0263A8BAE23670D420FB87'
GRANT ALL PRIVILEGES ON `nova`.* TO `nova`@`10.88.0.12`
GRANT ALL PRIVILEGES ON `nova\_cell0`.* TO `nova`@`10.88.0.12`
EOF
mariadb_sql <"$tmp/grants.sql" || fail "first apply of grants.sql"
mariadb_sql <"$tmp/grants.sql" || fail "second apply of grants.sql"
check_grants "'nova'@'10.88.0.12'" "$tmp/expected"
pw=$(mariadb_sql -N -B -e "SELECT PASSWORD('p''w\\\\x')")
grep -qF "IDENTIFIED BY PASSWORD '$pw'" "$tmp/raw" || fail "hash $pw"
dbs=$(mariadb_sql -N -B -e "SHOW DATABASES LIKE 'nova%'" | tr '\n' ' ')
[ "$dbs" = "nova nova_cell0 " ] || fail "databases: $dbs"

# 3. stop: server gone, temp dir gone, variables cleared, stop idempotent
mariadb_stop
if kill -0 "$pid" 2>/dev/null; then fail "mariadbd (pid $pid) still running"; fi
left=$(pids_using "$dir")
[ -z "$left" ] || fail "processes still using $dir: $left"
[ ! -e "$dir" ] || fail "$dir left behind"
[ -z "$MARIADB_SOCKET$MARIADB_PID$MARIADB_DIR" ] || fail "variables still set"
mariadb_stop || fail "second mariadb_stop"
if mariadb_sql -e 'SELECT 1' 2>/dev/null; then fail "mariadb_sql after stop"; fi

echo "$me: OK (as uid $(id -u))"
