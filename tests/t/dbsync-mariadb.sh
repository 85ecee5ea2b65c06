#!/usr/bin/env bash
# The bootstrap's database steps for keystone and placement, run for real:
# compile dev.zt, start the suite's throwaway MariaDB, apply the generated
# grants.sql, and run keystone-manage db_sync and placement-manage db sync
# (Debian's, Zed) twice each with the generated configuration files as
# they are -- keystone's two fragments, placement.conf and its environment
# file -- except for the database host: MariaDB listens on a unix socket
# only, so the URL's host:port becomes localhost with ?unix_socket=, and
# the account the grants made for the service's address is copied, same
# password hash and same privileges, to the same user @localhost.  Both
# runs succeed, the first creates the schema and the second changes no
# table.
set -euo pipefail
py=/usr/bin/python3
for m in keystone.cmd.manage placement.cmd.manage pymysql; do
	"$py" -c "import $m" 2>/dev/null ||
	    { echo "SKIP: $py cannot import $m (tests/install-deps.sh test)"; exit 77; }
done
. "$ROOT/tests/lib/mariadb.sh"
mariadb_available || { echo "SKIP: mariadbd not installed (tests/install-deps.sh test)"; exit 77; }
cd "$TMPDIR"
"$ZTOPO" secrets init "$ROOT/examples/dev.zt" -o secrets.txt >/dev/null
"$ZTOPO" compile "$ROOT/examples/dev.zt" --secrets secrets.txt -o out
mariadb_start
trap mariadb_stop EXIT
cat out/devbox/db/mysql/grants-passwords.sql out/devbox/db/mysql/grants.sql | mariadb_sql

# USER's account from ADDR, copied to USER@localhost
copy_account() {
	mariadb_sql -N -B -r -e "SHOW GRANTS FOR '$1'@'$2'" |
	    sed -e "s/\`$1\`@\`$2\`/\`$1\`@\`localhost\`/" -e 's/$/;/' >"grant-$1.sql"
	grep -q "IDENTIFIED BY PASSWORD" "grant-$1.sql"
	mariadb_sql <"grant-$1.sql"
}
local_url() {	# the database host of a connection URL -> the socket
	sed -E "s#@[0-9.]+:[0-9]+/([A-Za-z0-9_]+)\\?charset=utf8#@localhost/\\1?charset=utf8\\&unix_socket=${MARIADB_SOCKET//#/\\#}#"
}
schema() {	# tables and the schema's migration marks
	mariadb_sql -N -B -e "SELECT table_name, table_rows IS NOT NULL FROM information_schema.tables WHERE table_schema = '$1' ORDER BY table_name"
	mariadb_sql -N -B -e "SELECT * FROM \`$1\`.alembic_version ORDER BY 1" 2>/dev/null || true
	mariadb_sql -N -B -e "SELECT * FROM \`$1\`.migrate_version ORDER BY 1" 2>/dev/null || true
}
fail=0

# keystone: address of its zone in the tree's payload
ks_addr=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["nics"][0]["ips"][0].split("/")[0])' out/devbox/vmadm/keystone.json)
copy_account keystone "$ks_addr"
mkdir ks
cp out/devbox/keystone/keystone/10-ztopo.conf ks/
local_url <out/devbox/keystone/keystone/20-ztopo-secrets.conf >ks/20-ztopo-secrets.conf
grep -q "unix_socket=" ks/20-ztopo-secrets.conf || { echo "no keystone URL rewritten"; exit 1; }
for run in 1 2; do
	if ! timeout 300 "$py" -c 'import sys; from keystone.cmd.manage import main; sys.argv[0] = "keystone-manage"; main()' \
	    --config-file ks/10-ztopo.conf --config-file ks/20-ztopo-secrets.conf db_sync >ks-$run.log 2>&1; then
		echo "keystone-manage db_sync, run $run, failed:"; tail -20 ks-$run.log; fail=1
	fi
	schema keystone >ks-schema-$run
done
[ "$(wc -l <ks-schema-1)" -gt 10 ] || { echo "keystone: db_sync made no schema"; fail=1; }
cmp -s ks-schema-1 ks-schema-2 || { echo "keystone: the second db_sync changed the schema"; diff ks-schema-1 ks-schema-2 | head; fail=1; }
echo "keystone: db_sync twice, $(wc -l <ks-schema-1) schema lines"

# placement: placement.conf and the secret options from its environment
pl_addr=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["nics"][0]["ips"][0].split("/")[0])' out/devbox/vmadm/placement.json)
copy_account placement "$pl_addr"
mkdir pl
cp out/devbox/placement/placement/placement.conf pl/
local_url <out/devbox/placement/placement/ztopo-secrets.env >pl/ztopo-secrets.env
grep -q "unix_socket=" pl/ztopo-secrets.env || { echo "no placement URL rewritten"; exit 1; }
for run in 1 2; do
	if ! (. pl/ztopo-secrets.env && timeout 300 "$py" -c 'import sys; from placement.cmd.manage import main; sys.argv[0] = "placement-manage"; sys.exit(main())' \
	    --config-file pl/placement.conf db sync) >pl-$run.log 2>&1; then
		echo "placement-manage db sync, run $run, failed:"; tail -20 pl-$run.log; fail=1
	fi
	schema placement >pl-schema-$run
done
[ "$(wc -l <pl-schema-1)" -gt 5 ] || { echo "placement: db sync made no schema"; fail=1; }
cmp -s pl-schema-1 pl-schema-2 || { echo "placement: the second db sync changed the schema"; diff pl-schema-1 pl-schema-2 | head; fail=1; }
echo "placement: db sync twice, $(wc -l <pl-schema-1) schema lines"
exit $fail
