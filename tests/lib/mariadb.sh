#!/usr/bin/env bash
# tests/lib/mariadb.sh - throw-away MariaDB server for tests (bash, source me).
#
#   . "$here/lib/mariadb.sh"
#   mariadb_available || { echo "SKIP: mariadbd not installed"; exit 77; }
#   mariadb_start                  # exports MARIADB_SOCKET (and MARIADB_DIR)
#   trap mariadb_stop EXIT         # bash runs it on exit, INT and TERM too
#   mariadb_sql < grants.sql       # = mariadb --no-defaults -uroot -S SOCKET "$@"
#   mariadb_sql -N -B -r -e "SHOW GRANTS FOR 'nova'@'10.0.0.5'"
#   mariadb_stop                   # idempotent; removes the temp dir
#
# The server (Debian's mariadbd) lives in a private `mktemp -d` dir holding
# its datadir, socket, pid file and logs. It runs with --no-defaults (no
# /etc/mysql config) and --skip-networking (unix socket only), so it never
# collides with a system MariaDB, and mariadb_stop leaves nothing behind.
# root@localhost has no password (--auth-root-authentication-method=normal),
# so mariadb_sql works the same whether the caller is root or not.
# Call mariadb_start in the shell that will call mariadb_stop (not in a
# $(...) subshell): mariadb_stop needs the server's pid. Functions return
# non-zero with a message on stderr on failure; safe under `set -eu`.
# Needs mariadb-server (mariadbd, mariadb-install-db) and mariadb-client.
#
# What SHOW GRANTS prints (MariaDB 10.11, Debian 12), as checked by
# tests/lib/mariadb-selftest.sh with `mariadb_sql -N -B -r -e "SHOW GRANTS
# FOR 'nova'@'10.88.0.12'"` (-N no header, -B one row per line, -r raw):
#
#   GRANT USAGE ON *.* TO `nova`@`10.88.0.12` IDENTIFIED BY PASSWORD '*66F936ECC01641848C0263A8BAE23670D420FB87'
#   GRANT ALL PRIVILEGES ON `nova`.* TO `nova`@`10.88.0.12`
#   GRANT ALL PRIVILEGES ON `nova\_cell0`.* TO `nova`@`10.88.0.12`
#
# - First row: always the USAGE row with the password as the
#   mysql_native_password hash: '*' + UPPER-hex SHA1(SHA1(password)); the
#   plain text never appears. ('p''w\\x' in SQL is the 5-byte p'w\x.)
#   In Python: '*' + sha1(sha1(pw).digest()).hexdigest().upper().
# - User, host and database are back-quoted: `nova`@`10.88.0.12`.
# - `nova\_cell0` in GRANT comes back exactly as `nova\_cell0` with -r.
#   WITHOUT -r the client escapes backslashes and prints `nova\\_cell0`
#   (the plain `mariadb_sql -e` table/batch output does that too).
#   An unescaped `nova_api` stays `nova_api` (a LIKE pattern, not escaped).
# - Order of the database rows after USAGE is NOT creation order nor sorted
#   (hash order of the server's ACL cache): compare sorted rows.
# - Applying the same file twice is harmless: CREATE USER IF NOT EXISTS on
#   an existing user only raises Note 1973 and keeps the OLD password;
#   re-GRANTing adds no rows. (`'a'` without a host means `'a'@'%'`.)

MARIADB_START_TIMEOUT=${MARIADB_START_TIMEOUT:-60}

mariadb__bin() { # print the path of a MariaDB program (mariadbd is in /usr/sbin)
  local d
  if command -v "$1" 2>/dev/null; then return 0; fi
  for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
    if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}

# mariadb_available: 0 when server and client programs are all installed.
mariadb_available() {
  local p
  for p in mariadbd mariadb-install-db mariadb mariadb-admin; do
    mariadb__bin "$p" >/dev/null || return 1
  done
}

mariadb_start() {
  local server install admin p base i
  local user=()
  if [ -n "${MARIADB_PID:-}" ]; then
    echo "mariadb.sh: already started (pid $MARIADB_PID)" >&2
    return 1
  fi
  for p in mariadbd mariadb-install-db mariadb-admin mariadb; do
    if ! mariadb__bin "$p" >/dev/null; then
      echo "mariadb.sh: $p not found (run tests/install-deps.sh test)" >&2
      return 1
    fi
  done
  server=$(mariadb__bin mariadbd)
  install=$(mariadb__bin mariadb-install-db)
  admin=$(mariadb__bin mariadb-admin)
  # mariadbd refuses to run as root unless told to
  if [ "$(id -u)" -eq 0 ]; then user=(--user=root); fi
  # a unix socket path must fit in sun_path (108 bytes): fall back to /tmp
  base=${TMPDIR:-/tmp}
  if [ "${#base}" -gt 60 ]; then base=/tmp; fi
  MARIADB_DIR=$(mktemp -d "$base/ztmdb.XXXXXX") || return 1
  export MARIADB_DIR
  if ! "$install" --no-defaults "${user[@]}" \
      --datadir="$MARIADB_DIR/data" --tmpdir="$MARIADB_DIR" \
      --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve \
      </dev/null >"$MARIADB_DIR/install.log" 2>&1; then
    echo "mariadb.sh: mariadb-install-db failed; its output:" >&2
    cat "$MARIADB_DIR/install.log" >&2
    mariadb_stop
    return 1
  fi
  "$server" --no-defaults "${user[@]}" \
    --datadir="$MARIADB_DIR/data" --tmpdir="$MARIADB_DIR" \
    --socket="$MARIADB_DIR/sock" \
    --pid-file="$MARIADB_DIR/mariadbd.pid" \
    --log-error="$MARIADB_DIR/error.log" \
    --skip-networking \
    </dev/null >"$MARIADB_DIR/stdout.log" 2>&1 &
  MARIADB_PID=$!
  MARIADB_SOCKET=$MARIADB_DIR/sock
  export MARIADB_SOCKET
  i=$SECONDS
  until "$admin" --no-defaults -uroot -S "$MARIADB_SOCKET" \
      --connect-timeout=2 ping >/dev/null 2>&1; do
    if ! kill -0 "$MARIADB_PID" 2>/dev/null; then
      echo "mariadb.sh: mariadbd exited during startup; error log:" >&2
    elif [ $((SECONDS - i)) -ge "$MARIADB_START_TIMEOUT" ]; then
      echo "mariadb.sh: mariadbd not ready after ${MARIADB_START_TIMEOUT}s; error log:" >&2
    else
      sleep 0.2
      continue
    fi
    cat "$MARIADB_DIR/error.log" "$MARIADB_DIR/stdout.log" >&2 2>/dev/null || true
    mariadb_stop
    return 1
  done
}

# mariadb_sql [mariadb client args]: SQL on stdin or with -e, as root.
mariadb_sql() {
  if [ -z "${MARIADB_SOCKET:-}" ]; then
    echo "mariadb.sh: mariadb_sql: server not started" >&2
    return 1
  fi
  "$(mariadb__bin mariadb)" --no-defaults -uroot -S "$MARIADB_SOCKET" "$@"
}

# mariadb_stop: shut down (SIGTERM, then SIGKILL after 20 s) and clean up.
# Always returns 0, so it is safe as an EXIT trap.
mariadb_stop() {
  local admin i
  if [ -n "${MARIADB_PID:-}" ]; then
    if admin=$(mariadb__bin mariadb-admin) && [ -S "${MARIADB_SOCKET:-}" ]; then
      "$admin" --no-defaults -uroot -S "$MARIADB_SOCKET" \
        --connect-timeout=2 --shutdown-timeout=20 shutdown >/dev/null 2>&1 || true
    fi
    i=0
    while kill -0 "$MARIADB_PID" 2>/dev/null; do
      i=$((i + 1))
      if [ "$i" -eq 50 ]; then
        kill "$MARIADB_PID" 2>/dev/null || true
      elif [ "$i" -ge 100 ]; then
        kill -9 "$MARIADB_PID" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
    wait "$MARIADB_PID" 2>/dev/null || true
    MARIADB_PID=
  fi
  if [ -n "${MARIADB_DIR:-}" ]; then
    rm -rf "$MARIADB_DIR"
    MARIADB_DIR=
  fi
  MARIADB_SOCKET=
  return 0
}
