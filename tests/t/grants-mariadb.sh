#!/usr/bin/env bash
# grants-mariadb: every example's grants.sql, compiled with hostile
# passwords, applied to a real (throwaway) MariaDB.
#
# For dev, prod, folsom-dev and a two-compute-node Folsom variant, on a
# fresh server each:
#  - apply every grants.sql (with its grants-passwords.sql, in one
#    session); then, a second after, apply it again under
#    sql_mode NO_BACKSLASH_ESCAPES,ANSI_QUOTES: both succeed and the
#    second changes nothing (mysql.global_priv -- password_last_changed
#    included --, mysql.db, the databases and SHOW GRANTS, byte for byte);
#  - the accounts are exactly those the IR implies (`ztopo ir`: every
#    mysql credential's consumer edge -> user@client_address, '%' only
#    with any_host), and SHOW GRANTS of each is exactly USAGE with the
#    mysql_native_password hash computed here from the password, plus
#    ALL PRIVILEGES on each database with _ and % escaped;
#  - nova-compute has no account from the compute hosts in Zed, and has
#    one from every compute host in Folsom;
#  - each account's stored hash logs in: a probe user@localhost created
#    with that hash accepts the hostile password and refuses another;
#  - every database URL of the nova.conf fragments names one of these
#    accounts: user, password, the client's address, a granted database;
#  - changing the secrets and applying again converges to the new
#    passwords (and that third apply is itself idempotent).
# Also: compiles are deterministic, grants.sql is 0644 and committed and
# its grants-passwords.sql 0600 and in .gitignore,
# and with --redact no password value is anywhere in the tree or on
# stdout/stderr (.gitignore stays the same).
set -euo pipefail

# shellcheck source=../lib/mariadb.sh
. "$ROOT/tests/lib/mariadb.sh"
if ! mariadb_available; then
	echo "SKIP: mariadb-server not installed (tests/install-deps.sh test)"
	exit 77
fi
trap mariadb_stop EXIT
work=$TMPDIR
fail() { echo "grants-mariadb: FAIL: $*" >&2; exit 1; }

# A hostile password per secret: quotes, backslashes (one last), $, `,
# @ / : % ; comment starters, mysql client commands (\G \c), non-ASCII
# (a 4-byte character needs utf8mb4).  MySQL ones also begin and end
# with a space.
tail='it'\''s "q" \ \\ $HOME `id` @h:5672/v %2F %s ; -- /* # ü 密码 🔑 \G\c \'
export_secrets() { # IR-JSON SUFFIX: export ZTOPO_SECRET_* for every secret
	local s var
	for s in $(python3 -c 'import json,sys
for s in json.load(open(sys.argv[1]))["secrets"]: print(s if isinstance(s, str) else s["name"])' "$1"); do
		var=ZTOPO_SECRET_$(tr 'a-z.-' 'A-Z__' <<<"$s")
		case $s in
		*-db-*) export "$var= $s$2: $tail " ;;
		*) export "$var=$s$2: $tail" ;;
		esac
	done
}

cat >"$work/check.py" <<'EOF'
import hashlib, json, os, subprocess, sys, urllib.parse

def sql(q, user="root", pw=None, ok=True):
    env = dict(os.environ)
    if pw is not None:
        env["MYSQL_PWD"] = pw
    p = subprocess.run(["mariadb", "--no-defaults", "-u", user, "-S",
                        os.environ["MARIADB_SOCKET"], "-N", "-B", "-r",
                        "-e", q], capture_output=True, env=env)
    if ok and p.returncode != 0:
        sys.exit("query failed: %s\n%s" % (q, p.stderr.decode()))
    return p.returncode, p.stdout.decode("utf-8")

def rows(q):
    return [l for l in sql(q)[1].split("\n") if l]

def lit(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"

def ident(s):
    return "`" + s.replace("`", "``") + "`"

def pattern(db):
    return ident(db.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%"))

def native_hash(pw):
    return "*" + hashlib.sha1(hashlib.sha1(pw.encode()).digest()).hexdigest().upper()

def secret_env(name):
    return "ZTOPO_SECRET_" + name.upper().replace("-", "_").replace(".", "_")

SYSTEM = {"root", "mariadb.sys"}

def accounts():
    return {tuple(r.split("\t")) for r in rows("SELECT User, Host FROM mysql.user")
            if r.split("\t")[0] not in SYSTEM}

def snapshot():
    out = rows("SELECT User, Host, Priv FROM mysql.global_priv ORDER BY User, Host")
    out += rows("SELECT * FROM mysql.db ORDER BY Db, User, Host")
    out += rows("SHOW DATABASES")
    for u, h in sorted(accounts()):
        out += sorted(rows("SHOW GRANTS FOR %s@%s" % (lit(u), lit(h))))
    print("\n".join(out))

def verify(irfile, outdir):
    ir = json.load(open(irfile))
    role = {s["name"]: s["role"] for s in ir["services"]}
    servers = [si for si in ir["service_instances"] if role[si["service"]] == "mysql"]
    if not servers:
        sys.exit("no mysql server in the IR")
    for si in servers:
        d = os.path.join(outdir, si["host"], si["zone"], "mysql")
        for f, m in (("grants.sql", 0o644), ("grants-passwords.sql", 0o600)):
            mode = os.stat(os.path.join(d, f)).st_mode & 0o7777
            if mode != m:
                sys.exit("%s/%s: mode %o, not %o" % (d, f, mode, m))
    want = {}
    for c in ir["credentials"]:
        if c["kind"] != "mysql":
            continue
        if [p.upper() for p in c["privileges"]] != ["ALL"]:
            sys.exit("credential %s: this test expects privileges ALL" % c["name"])
        pw = os.environ[secret_env(c["password"]["secret"])]
        for e in c["consumers"]:
            h = "%" if c["any_host"] else e["client_address"]
            a = want.setdefault((c["user"], h), {"pw": pw, "dbs": set(), "any": c["any_host"]})
            if a["pw"] != pw:
                sys.exit("two passwords for %s@%s" % (c["user"], h))
            a["dbs"].update(c["databases"])
    got = accounts()
    if got != set(want):
        sys.exit("accounts differ:\n  missing %s\n  unexpected %s" %
                 (sorted(set(want) - got), sorted(got - set(want))))
    for (u, h), a in sorted(want.items()):
        if h == "%" and not a["any"]:
            sys.exit("%s@%% without any_host" % u)
        acct = "%s@%s" % (ident(u), ident(h))
        exp = ["GRANT USAGE ON *.* TO %s IDENTIFIED BY PASSWORD '%s'" % (acct, native_hash(a["pw"]))]
        exp += ["GRANT ALL PRIVILEGES ON %s.* TO %s" % (pattern(d), acct) for d in a["dbs"]]
        g = rows("SHOW GRANTS FOR %s@%s" % (lit(u), lit(h)))
        if sorted(g) != sorted(exp):
            sys.exit("SHOW GRANTS FOR %s:\n got  %s\n want %s" % (acct, sorted(g), sorted(exp)))
        # the stored hash really logs in with the password, and only with it
        auth = rows("SELECT authentication_string FROM mysql.user WHERE User = %s AND Host = %s" % (lit(u), lit(h)))[0]
        sql("CREATE USER 'ztprobe'@'localhost' IDENTIFIED BY PASSWORD %s" % lit(auth))
        try:
            rc, who = sql("SELECT CURRENT_USER()", user="ztprobe", pw=a["pw"], ok=False)
            if rc != 0 or who.strip() != "ztprobe@localhost":
                sys.exit("the password of %s does not log in (%d %r)" % (acct, rc, who))
            rc, _ = sql("SELECT 1", user="ztprobe", pw=a["pw"] + "x", ok=False)
            if rc == 0:
                sys.exit("a wrong password logs in as %s's probe" % acct)
        finally:
            sql("DROP USER 'ztprobe'@'localhost'")
    # nova-compute: the address each compute instance reaches mysql from
    computes = [(e["client_address"], e["credential"])
                for si in ir["service_instances"] if role[si["service"]] == "nova-compute"
                for e in si["uses"] if role[e["server"].split("@")[0]] == "mysql"]
    if not computes:
        sys.exit("no nova-compute -> mysql use: the compute check would be vacuous")
    for addr, cred in computes:
        user = [c["user"] for c in ir["credentials"] if c["name"] == cred][0]
        has = (user, addr) in got
        if ir["release"] == "zed" and any(h == addr for _, h in got):
            sys.exit("zed: an account from compute address %s" % addr)
        if ir["release"] == "folsom" and not has:
            sys.exit("folsom: no account %s@%s for nova-compute" % (user, addr))
    # the other half: every database URL in the nova.conf fragments names
    # an account that exists, with that password, at the server's address,
    # and a database it is granted
    urls = 0
    servers_at = {si["address"] for si in servers}
    for si in ir["service_instances"]:
        f = os.path.join(outdir, si["host"], si["zone"], "nova", "20-ztopo-secrets.conf")
        if not os.path.exists(f):
            continue
        for line in open(f, encoding="utf-8"):
            k, _, v = line.partition("=")
            if k.strip() not in ("connection", "sql_connection"):
                continue
            v = v.strip()
            if len(v) > 1 and v[0] == v[-1] == '"':
                v = v[1:-1]
            u = urllib.parse.urlsplit(v.replace("$$", "$"))
            user, pw = urllib.parse.unquote(u.username), urllib.parse.unquote(u.password)
            db = u.path.lstrip("/")
            if u.hostname not in servers_at:
                sys.exit("%s: URL host %s is no mysql server" % (f, u.hostname))
            for e in si["uses"]:
                if e["server_address"] != u.hostname:
                    continue
                h = (user, e["client_address"]) if (user, e["client_address"]) in want else (user, "%")
                a = want.get(h)
                if a is None or a["pw"] != pw or db not in a["dbs"]:
                    sys.exit("%s: %s@%s/%s matches no account (user, password or database)"
                             % (f, user, e["client_address"], db))
                urls += 1
    if not urls:
        sys.exit("no database URL in any nova.conf fragment")
    print("verified %d accounts, %d compute uses, %d URLs (%s)" %
          (len(want), len(computes), urls, ir["release"]))

if sys.argv[1] == "snapshot":
    snapshot()
else:
    verify(sys.argv[2], sys.argv[3])
EOF

# The two-compute-node Folsom layout: the folsom-dev services on devbox,
# nova-compute in the global zones of cn1 and cn2 only.
cat >"$work/folsom-multi.zt" <<EOF
include "$ROOT/examples/folsom-dev.zt";
host cn1 { address admin 192.168.56.11; memory 64G; disk 1T; }
host cn2 { address admin 192.168.56.12; memory 64G; disk 1T; }
target multi {
    zone [db, mq, keystone, glance, nova] on devbox;
    global nova-compute on [cn1, cn2];
}
EOF

apply() { # OUTDIR [mariadb options]: apply every grants.sql under OUTDIR,
	# with its passwords, in one session
	local dir=$1 f n=0
	shift
	while IFS= read -r f; do
		cat "${f%/*}/grants-passwords.sql" "$f" | mariadb_sql "$@" ||
		    fail "applying $f $*"
		n=$((n + 1))
	done < <(find "$dir" -name grants.sql | LC_ALL=C sort)
	[ $n -gt 0 ] || fail "no grants.sql under $dir"
}
snap() { python3 "$work/check.py" snapshot >"$1" || fail "snapshot"; }
hostile_mode=(--init-command="SET SESSION sql_mode='NO_BACKSLASH_ESCAPES,ANSI_QUOTES'")

for ex in dev prod folsom-dev folsom-multi; do
	zt=$ROOT/examples/$ex.zt t=()
	[ $ex = folsom-multi ] && zt=$work/folsom-multi.zt t=(-t multi)
	d=$work/$ex
	mkdir -p "$d"
	"$ZTOPO" ir "$zt" "${t[@]}" >"$d/ir.json" || fail "$ex: ztopo ir"
	export_secrets "$d/ir.json" ""
	"$ZTOPO" compile "$zt" "${t[@]}" -o "$d/out" >"$d/log" 2>&1 ||
	    fail "$ex: compile: $(cat "$d/log")"
	"$ZTOPO" compile "$zt" "${t[@]}" -o "$d/out2" >/dev/null 2>&1 ||
	    fail "$ex: second compile"
	diff -r "$d/out" "$d/out2" >/dev/null || fail "$ex: two compiles differ"
	grep -qF -- "$tail" "$d/log" && fail "$ex: a password on stdout/stderr"
	while IFS= read -r f; do
		grep -qxF "/${f#"$d/out/"}" "$d/out/.gitignore" || fail "$ex: $f not in .gitignore"
	done < <(find "$d/out" -name grants-passwords.sql)
	while IFS= read -r f; do
		grep -qxF "/${f#"$d/out/"}" "$d/out/.gitignore" && fail "$ex: $f in .gitignore"
	done < <(find "$d/out" -name grants.sql)

	mariadb_start
	apply "$d/out"
	snap "$d/s1"
	python3 "$work/check.py" verify "$d/ir.json" "$d/out" || fail "$ex: after the first apply"
	sleep 1.1	# so that a rewritten password_last_changed would show
	apply "$d/out" "${hostile_mode[@]}"
	snap "$d/s2"
	diff -u "$d/s1" "$d/s2" || fail "$ex: the second apply changed something"

	# a changed password converges, and applying that again changes nothing
	export_secrets "$d/ir.json" " v2"
	"$ZTOPO" compile "$zt" "${t[@]}" -o "$d/out" >/dev/null 2>&1 ||
	    fail "$ex: compile with new passwords"
	apply "$d/out"
	python3 "$work/check.py" verify "$d/ir.json" "$d/out" || fail "$ex: after changing the passwords"
	snap "$d/s3"
	cmp -s "$d/s2" "$d/s3" && fail "$ex: new passwords changed nothing"
	sleep 1.1
	apply "$d/out" "${hostile_mode[@]}"
	snap "$d/s4"
	diff -u "$d/s3" "$d/s4" || fail "$ex: re-applying the new passwords changed something"
	mariadb_stop

	# --redact: placeholders, no value anywhere
	"$ZTOPO" compile "$zt" "${t[@]}" --redact -o "$d/redacted" >"$d/log" 2>&1 ||
	    fail "$ex: --redact: $(cat "$d/log")"
	grep -rqF -- "$tail" "$d/redacted" "$d/log" && fail "$ex: a password in the --redact tree"
	cmp -s "$d/redacted/.gitignore" "$d/out/.gitignore" ||
	    fail "$ex: .gitignore differs with --redact"
	grep -qF "SET @ztopo_secret_nova_db_password = '@@NOVA_DB_PASSWORD@@';" \
	    "$(find "$d/redacted" -name grants-passwords.sql | head -1)" ||
	    fail "$ex: no placeholder in the redacted grants-passwords.sql"
	echo "$ex: ok"
done
