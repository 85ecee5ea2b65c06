#!/usr/bin/env bash
# tests/lib/check-oslo-conf-nova-selftest.sh - prove check-oslo-conf.py
# --service nova accepts good nova.conf fragments and rejects bad ones, for
# Zed and --release folsom (fragments split over files, interpolation,
# keystoneauth plugins, escapes; check-oslo-conf-selftest.sh has the other
# services and the option constraints).
# Exit 0 on success, 1 on failure, 77 (SKIP) when Debian's /usr/bin/python3
# cannot import nova.conf (python3-nova not installed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
check=$here/check-oslo-conf.py
me="check-oslo-conf-nova-selftest"

if ! "$py" -c 'import nova.conf' >/dev/null 2>&1; then
  echo "SKIP: $py cannot import nova.conf (tests/install-deps.sh test)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect NAME STATUS PATTERN [ARGS...]: run the checker on ARGS, want exit
# STATUS and PATTERN (fixed string) in its stdout+stderr.
expect() {
  local name=$1 want=$2 pattern=$3 rc=0
  shift 3
  "$py" "$check" --service nova "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$pattern" "$tmp/out"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name (exit $rc, want $want and '$pattern'):"
    sed 's/^/    /' "$tmp/out"
    failed=$((failed + 1))
  fi
}
conf() { cat >"$tmp/$1"; } # conf NAME <<EOF ... writes a fragment

conf good.conf <<'EOF'
[DEFAULT]
transport_url = rabbit://u:p@10.0.0.1:5672/
my_ip = 10.0.0.3

[api_database]
connection = mysql+pymysql://u:p@10.0.0.2/nova_api

[keystone_authtoken]
www_authenticate_uri = http://10.0.0.4:5000/
auth_url = http://10.0.0.4:5000/
auth_type = password
username = nova
password = p
project_name = service
user_domain_name = Default
project_domain_name = Default

[placement]
auth_type = password
auth_url = http://10.0.0.4:5000/v3
username = placement
password = p
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne

[vnc]
server_listen = $my_ip
EOF
expect "good fragment" 0 "ok: 20 options in 5 sections" "$tmp/good.conf"

# nova.conf.d style: two files make one configuration; later ones override,
# and $my_ip interpolates across files
conf d1.conf <<'EOF'
[DEFAULT]
my_ip = 10.0.0.9
osapi_compute_workers = lots
EOF
conf d2.conf <<'EOF'
[DEFAULT]
osapi_compute_workers = 4
[vnc]
server_proxyclient_address = $my_ip
EOF
expect "split fragments, bad value overridden" 1 \
  "d1.conf: [DEFAULT] osapi_compute_workers: invalid value 'lots'" \
  "$tmp/d1.conf" "$tmp/d2.conf"
sed -i '/lots/d' "$tmp/d1.conf"
expect "split fragments" 0 "ok: 3 options in 2 sections" \
  "$tmp/d1.conf" "$tmp/d2.conf"

printf '[DEFAULT]\nno_such_option = 1\n' >"$tmp/opt.conf"
expect "unknown option" 1 "opt.conf: [DEFAULT] no_such_option: not registered" \
  "$tmp/good.conf" "$tmp/opt.conf"

printf '[no_such_section]\nx = 1\n' >"$tmp/sect.conf"
expect "unknown section" 1 "sect.conf: [no_such_section]: unknown section" \
  "$tmp/sect.conf"

printf '[DEFAULT]\nosapi_compute_workers = lots\n' >"$tmp/int.conf"
expect "bad int value" 1 \
  "int.conf: [DEFAULT] osapi_compute_workers: invalid value 'lots'" \
  "$tmp/int.conf"

printf '[DEFAULT]\ndebug = maybe\n' >"$tmp/bool.conf"
expect "bad bool value" 1 "[DEFAULT] debug: invalid value 'maybe'" \
  "$tmp/bool.conf"

printf '[placement]\nusername = placement\npassword = p\n' >"$tmp/noauth.conf"
expect "credentials without auth_type" 1 "[placement] username: not registered" \
  "$tmp/noauth.conf"

printf '[placement]\nauth_type = password\nusername = u\n' >"$tmp/required.conf"
expect "required plugin option missing" 1 \
  "required.conf: [placement] auth_url: required option not set" \
  "$tmp/required.conf"

printf '[neutron]\nauth_type = no-such-plugin\n' >"$tmp/plugin.conf"
expect "unknown auth plugin" 1 "[neutron] auth_type: unknown keystoneauth plugin" \
  "$tmp/plugin.conf"

printf '[DEFAULT]\nsql_connection = mysql://n:p@h/nova\n' >"$tmp/alias.conf"
expect "deprecated alias" 1 \
  "[DEFAULT] sql_connection: deprecated name: nova reads it as" \
  "$tmp/alias.conf"

conf dollar.conf <<'EOF'
[database]
connection = mysql+pymysql://n:pa$word@h/nova
EOF
expect "unescaped \$ in a value" 1 "[database] connection: invalid value" \
  "$tmp/dollar.conf"
conf dollar2.conf <<'EOF'
[database]
connection = mysql+pymysql://n:pa$$word@h/nova
EOF
expect "escaped \$\$ in a value" 0 "ok: 1 options in 1 sections" \
  "$tmp/dollar2.conf"

printf 'x = 1\n' >"$tmp/syntax.conf"
expect "INI syntax error" 1 "syntax.conf: parse error" "$tmp/syntax.conf"

expect "missing file" 1 "cannot read" "$tmp/absent.conf"

# --release folsom: flat [DEFAULT] names, INI syntax, int/bool values
conf folsom.conf <<'EOF'
[DEFAULT]
sql_connection=mysql://nova:novapwd@192.168.83.100/nova
rabbit_host=192.168.83.123
rabbit_port=5672
glance_api_servers=192.168.83.123:9292
auth_strategy=keystone
compute_driver=smartosapi.SmartOSDriver
verbose=True

[keystone_authtoken]
auth_host = 192.168.83.101
auth_port = 35357
admin_tenant_name = service
admin_user = nova
admin_password = p
EOF
expect "folsom: good" 0 "ok: 12 options in 2 sections" \
  --release folsom "$tmp/folsom.conf"
expect "folsom: Zed-only option" 1 \
  "good.conf: [DEFAULT] transport_url: not a known Folsom-era option" \
  --release folsom "$tmp/good.conf"
expect "folsom: Zed-only section" 1 "good.conf: [api_database]: unknown section" \
  --release folsom "$tmp/good.conf"
printf '[DEFAULT]\nrabbit_port = amqp\n' >"$tmp/fport.conf"
expect "folsom: bad int" 1 "[DEFAULT] rabbit_port: invalid int value 'amqp'" \
  --release folsom "$tmp/fport.conf"
expect "folsom: syntax error" 1 "parse error" --release folsom "$tmp/syntax.conf"
expect "folsom file fails as Zed" 1 "[DEFAULT] rabbit_host: not registered" \
  "$tmp/folsom.conf"

echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
