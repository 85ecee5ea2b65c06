#!/usr/bin/env bash
# tests/lib/check-oslo-conf-selftest.sh - prove check-oslo-conf.py accepts
# good configuration and rejects bad, for every service it knows (nova,
# keystone, glance-api, placement, neutron), the --env file and --strict.
# Prints `ok - NAME` or `FAIL - NAME` per case (`skip - NAME` when the
# checker cannot load that service's registry: exit 77 from it).
# Exit 0 when nothing failed, 1 on any failure, 77 (SKIP) when Debian's
# /usr/bin/python3 has no oslo.config or every case was skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
check=$here/check-oslo-conf.py
me="check-oslo-conf-selftest"

if ! "$py" -c 'import oslo_config.cfg' >/dev/null 2>&1; then
  echo "SKIP: $py cannot import oslo_config (tests/install-deps.sh test)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0 runs=0

# expect NAME STATUS PATTERN [ARGS...]: run the checker on ARGS, want exit
# STATUS and PATTERN (fixed string) in its stdout+stderr. Each distinct ARGS
# runs once (the registries take seconds to build): cases that share a
# file share the run.
expect() {
  local name=$1 want=$2 pattern=$3 rc=0 key
  shift 3
  key=$(printf '%s\0' "$@" | md5sum | cut -c1-16)
  if [ -f "$tmp/run.$key.rc" ]; then
    rc=$(cat "$tmp/run.$key.rc")
  else
    "$py" "$check" "$@" >"$tmp/run.$key.out" 2>&1 || rc=$?
    echo "$rc" >"$tmp/run.$key.rc"
    runs=$((runs + 1))
  fi
  if [ "$rc" -eq 77 ] && [ "$want" -ne 77 ]; then
    echo "skip - $name: $(head -n1 "$tmp/run.$key.out")"
    skipped=$((skipped + 1))
  elif [ "$rc" -eq "$want" ] && grep -qF -- "$pattern" "$tmp/run.$key.out"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "FAIL - $name (exit $rc, want $want and '$pattern'):"
    sed 's/^/    /' "$tmp/run.$key.out"
    failed=$((failed + 1))
  fi
}
conf() { cat >"$tmp/$1"; } # conf NAME <<EOF ... writes a file

# Bad files hold several independent mistakes; each case greps for its own
# error line in the one run (the checker reports every error it finds).

## nova ---------------------------------------------------------------------
conf nova.conf <<'EOF'
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
expect "nova: good" 0 "ok: 20 options in 5 sections" \
  --service nova "$tmp/nova.conf"

conf n-bad.conf <<'EOF'
[DEFAULT]
osapi_compute_workers = 0
metadata_listen_port = 70000
cpu_allocation_ratio = -1.5
sql_connection = mysql://n:p@h/nova
no_such_option = 1

[api]
auth_strategy = keystone2

[no_such_section]
x = 1

[placement]
username = placement

[neutron]
auth_type = no-such-plugin

[cinder]
auth_type = password
username = u

[service_user]
auth_type = password
auth-url = http://10.0.0.4:5000/v3

[database]
connection = mysql+pymysql://n:pa$word@h/nova
EOF
nb=(--service nova "$tmp/n-bad.conf")
expect "nova: int below min" 1 \
  "n-bad.conf: [DEFAULT] osapi_compute_workers: invalid value '0': Should be greater than or equal to 1" \
  "${nb[@]}"
expect "nova: port out of range" 1 \
  "n-bad.conf: [DEFAULT] metadata_listen_port: invalid value '70000': Should be less than or equal to 65535" \
  "${nb[@]}"
expect "nova: float below min" 1 \
  "n-bad.conf: [DEFAULT] cpu_allocation_ratio: invalid value '-1.5': Should be greater than or equal to 0" \
  "${nb[@]}"
expect "nova: bad choice" 1 \
  "n-bad.conf: [api] auth_strategy: invalid value 'keystone2': Valid values are [keystone, noauth2]" \
  "${nb[@]}"
# (nova's [api_database] connection copies oslo.db's deprecated names)
expect "nova: deprecated alias names the current option" 1 \
  "n-bad.conf: [DEFAULT] sql_connection: deprecated name: nova reads it as [api_database] connection and [database] connection" \
  "${nb[@]}"
expect "nova: unknown option" 1 \
  "n-bad.conf: [DEFAULT] no_such_option: not registered in this section" \
  "${nb[@]}"
expect "nova: unknown section" 1 \
  "n-bad.conf: [no_such_section]: unknown section (nova registers no such group)" \
  "${nb[@]}"
expect "nova: credentials without auth_type" 1 \
  "n-bad.conf: [placement] username: not registered (keystoneauth plugin options need auth_type" \
  "${nb[@]}"
expect "nova: unknown auth plugin" 1 \
  "n-bad.conf: [neutron] auth_type: unknown keystoneauth plugin 'no-such-plugin'" \
  "${nb[@]}"
expect "nova: required plugin option missing" 1 \
  "n-bad.conf: [cinder] auth_url: required option not set" "${nb[@]}"
expect "nova: keystoneauth dashed name (gotcha 5)" 1 \
  "n-bad.conf: [service_user] auth-url: not registered: oslo.config reads options by dest, write auth_url" \
  "${nb[@]}"
expect "nova: value that does not interpolate" 1 \
  "n-bad.conf: [database] connection: invalid value" "${nb[@]}"

printf '[glance]\napi_servers = http://10.0.0.7:9292\n' >"$tmp/n-dep.conf"
expect "nova: deprecated for removal warns" 0 \
  "n-dep.conf: [glance] api_servers: warning: deprecated for removal" \
  --service nova "$tmp/n-dep.conf"
expect "nova: deprecated for removal fails with --strict" 1 \
  "n-dep.conf: [glance] api_servers: deprecated for removal" \
  --service nova --strict "$tmp/n-dep.conf"

printf '[oslo_limit]\nauth_type = password\nauth_url = http://k:5000/v3\nendpoint_id = e\n' \
  >"$tmp/n-limit.conf"
expect "nova: [oslo_limit] (oslo.limit namespace, run-time shape)" 0 \
  "ok: 3 options in 1 sections" --service nova "$tmp/n-limit.conf"

# split files: each file's values on their own, interpolation across files
printf '[DEFAULT]\nmy_ip = 10.0.0.9\nosapi_compute_workers = lots\n' \
  >"$tmp/n-d1.conf"
# shellcheck disable=SC2016 # $my_ip is for oslo.config to interpolate
printf '[DEFAULT]\nosapi_compute_workers = 4\n[vnc]\nserver_proxyclient_address = $my_ip\n' \
  >"$tmp/n-d2.conf"
expect "nova: each file's values checked on their own" 1 \
  "n-d1.conf: [DEFAULT] osapi_compute_workers: invalid value 'lots'" \
  --service nova "$tmp/n-d1.conf" "$tmp/n-d2.conf"

# --release folsom (folsom_names.py's FOLSOM tables)
printf '[DEFAULT]\nsql_connection=mysql://n:p@h/nova\nrabbit_port=5672\nverbose=True\n[keystone_authtoken]\nauth_port = 35357\n' \
  >"$tmp/folsom.conf"
expect "nova folsom: good" 0 "ok: 4 options in 2 sections" \
  --service nova --release folsom "$tmp/folsom.conf"
expect "nova folsom: Zed-only option" 1 \
  "nova.conf: [DEFAULT] transport_url: not a known Folsom-era option" \
  --service nova --release folsom "$tmp/nova.conf"
expect "folsom has no placement" 2 "release folsom is for --service" \
  --service placement --release folsom "$tmp/folsom.conf"
conf ks-folsom.conf <<'EOF'
[DEFAULT]
public_port = 5000
admin_port = lots

[sql]
connection = mysql://keystone:p@10.0.0.2/keystone

[token]
expiraton = 3600
EOF
expect "keystone folsom: bad int" 1 "[DEFAULT] admin_port: invalid int value 'lots'" \
  --service keystone --release folsom "$tmp/ks-folsom.conf"
expect "keystone folsom: unknown option" 1 "[token] expiraton: not a known Folsom-era option" \
  --service keystone --release folsom "$tmp/ks-folsom.conf"
conf gr-folsom.conf <<'EOF'
[DEFAULT]
sql_connection = mysql://glance:p@10.0.0.2/glance
bind_port = 9191
registry_host = 10.0.0.3

[paste_deploy]
flavor = keystone
EOF
expect "glance-registry folsom: an option of glance-api" 1 \
  "[DEFAULT] registry_host: not a known Folsom-era option" \
  --service glance-registry --release folsom "$tmp/gr-folsom.conf"

## keystone -----------------------------------------------------------------
conf keystone.conf <<'EOF'
[database]
connection = mysql+pymysql://keystone:p@10.0.0.2/keystone

[token]
provider = fernet

[cache]
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = 10.0.0.5:11211
EOF
expect "keystone: good ([database] connection)" 0 \
  "ok: 5 options in 3 sections" --service keystone "$tmp/keystone.conf"
conf k-bad.conf <<'EOF'
[DEFAULT]
no_such_option = 1

[no_such_section]
x = 1

[keystone_authtoken]
auth_type = password

[token]
expiration = -1

[sql]
connection = sqlite://
EOF
kb=(--service keystone "$tmp/k-bad.conf")
expect "keystone: unknown section" 1 \
  "k-bad.conf: [no_such_section]: unknown section (keystone registers no such group)" \
  "${kb[@]}"
expect "keystone: unknown option" 1 \
  "k-bad.conf: [DEFAULT] no_such_option: not registered in this section" \
  "${kb[@]}"
expect "keystone: no [keystone_authtoken] (no keystonemiddleware)" 1 \
  "k-bad.conf: [keystone_authtoken]: unknown section" "${kb[@]}"
expect "keystone: int below min" 1 \
  "k-bad.conf: [token] expiration: invalid value '-1'" "${kb[@]}"
expect "keystone: deprecated group alias names the current option" 1 \
  "k-bad.conf: [sql] connection: deprecated name: keystone reads it as [database] connection" \
  "${kb[@]}"

## glance-api ---------------------------------------------------------------
conf glance-api.conf <<'EOF'
[database]
connection = mysql+pymysql://glance:p@10.0.0.2/glance

[keystone_authtoken]
www_authenticate_uri = http://10.0.0.4:5000
auth_url = http://10.0.0.4:5000
memcached_servers = 10.0.0.5:11211
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = glance
password = p

[paste_deploy]
flavor = keystone

[glance_store]
filesystem_store_datadir = /var/lib/glance/images/
EOF
expect "glance-api: good ([keystone_authtoken] password plugin)" 0 \
  "ok: 12 options in 4 sections" --service glance-api "$tmp/glance-api.conf"
conf g-bad.conf <<'EOF'
[DEFAULT]
no_such_option = 1
use_keystone_quotas = true

[no_such_section]
x = 1

[keystone_authtoken]
www_authenticate_uri = http://10.0.0.4:5000
username = glance
password = p

[glance_store]
stores = file,http
default_store = file

[file]
filesystem_store_datadir = /var/lib/glance/images/

[cache]
enabled = true
EOF
gb=(--service glance-api "$tmp/g-bad.conf")
expect "glance-api: unknown section" 1 \
  "g-bad.conf: [no_such_section]: unknown section (glance-api registers no such group)" \
  "${gb[@]}"
expect "glance-api: unknown option" 1 \
  "g-bad.conf: [DEFAULT] no_such_option: not registered in this section" \
  "${gb[@]}"
expect "glance-api: use_keystone_quotas is not an option (use_keystone_limits)" 1 \
  "g-bad.conf: [DEFAULT] use_keystone_quotas: not registered" "${gb[@]}"
expect "glance-api: username without auth_type" 1 \
  "g-bad.conf: [keystone_authtoken] username: not registered (keystoneauth plugin options need auth_type" \
  "${gb[@]}"
expect "glance-api: single-store options deprecated for removal" 1 \
  "g-bad.conf: [glance_store] stores: warning: deprecated for removal" \
  "${gb[@]}"
expect "glance-api: no multi_store sample groups without enabled_backends" 1 \
  "g-bad.conf: [file]: unknown section" "${gb[@]}"
expect "glance-api: no [cache] (only keystonemiddleware's import adds it)" 1 \
  "g-bad.conf: [cache]: unknown section" "${gb[@]}"
conf g-multi.conf <<'EOF'
[DEFAULT]
enabled_backends = fast:file, web:http

[glance_store]
default_backend = fast

[fast]
filesystem_store_datadir = /var/lib/glance/images/

[os_glance_staging_store]
filesystem_store_datadir = /var/lib/glance/staging/

[key_manager]
backend = barbican
auth_type = keystone_password
EOF
expect "glance-api: multi-store backends; castellan's auth_type" 0 \
  "ok: 6 options in 5 sections" --service glance-api "$tmp/g-multi.conf"
printf '[DEFAULT]\nenabled_backends = fast:fyle\n[glance_store]\nstores = file\n' \
  >"$tmp/g-multibad.conf"
expect "glance-api: unknown store type" 1 \
  "[DEFAULT] enabled_backends: backend 'fast': unknown store type 'fyle'" \
  --service glance-api "$tmp/g-multibad.conf"
expect "glance-api: single-store options unregistered with enabled_backends" 1 \
  "g-multibad.conf: [glance_store] stores: not registered in this section" \
  --service glance-api "$tmp/g-multibad.conf"

## placement ----------------------------------------------------------------
conf placement.conf <<'EOF'
[placement_database]
connection = mysql+pymysql://placement:p@10.0.0.2/placement

[api]
auth_strategy = keystone

[keystone_authtoken]
auth_url = http://10.0.0.4:5000/v3
memcached_servers = 10.0.0.5:11211
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = placement
password = p
EOF
expect "placement: good ([placement_database] connection)" 0 \
  "ok: 10 options in 3 sections" --service placement "$tmp/placement.conf"
conf p-bad.conf <<'EOF'
[DEFAULT]
no_such_option = 1

[no_such_section]
x = 1

[placement_database]
max_pool_size = 5

[database]
connection = sqlite://
EOF
pb=(--service placement "$tmp/p-bad.conf")
expect "placement: unknown section" 1 \
  "p-bad.conf: [no_such_section]: unknown section (placement registers no such group)" \
  "${pb[@]}"
expect "placement: unknown option" 1 \
  "p-bad.conf: [DEFAULT] no_such_option: not registered in this section" \
  "${pb[@]}"
expect "placement: required [placement_database] connection" 1 \
  "p-bad.conf: [placement_database] connection: required option not set" \
  "${pb[@]}"
expect "placement: no oslo.db [database]" 1 \
  "p-bad.conf: [database]: unknown section" "${pb[@]}"

# --env: oslo.config's environment source
printf '[api]\nauth_strategy = keystone\n' >"$tmp/p-api.conf"
printf '[placement_database]\nmax_pool_size = 5\n' >"$tmp/p-nodb.conf"
conf p.env <<'EOF'
# placement's database from the environment; '\'' is a quote
export OS_PLACEMENT_DATABASE__CONNECTION='mysql+pymysql://placement:p'\''q@10.0.0.2/placement'

export OS_DEFAULT__DEBUG='true'
EOF
expect "placement: --env OS_PLACEMENT_DATABASE__CONNECTION" 0 \
  "ok: 3 options in 3 sections" --service placement --env "$tmp/p.env" \
  "$tmp/p-api.conf"
expect "placement: the environment satisfies a required option" 0 \
  "ok: 3 options in 2 sections" --service placement --env "$tmp/p.env" \
  "$tmp/p-nodb.conf"
conf p-bad.env <<'EOF'
export OS_PLACEMENT_DATABASE__NO_SUCH_OPTION='x'
export OS_NO_SUCH_GROUP__X='1'
export OS_placement_database__connection='sqlite://'
export OS_DEFAULT__DEBUG='maybe'
export OS_KEYSTONE_AUTHTOKEN__USERNAME='placement'
export NOT_OSLO='x'
EOF
pe=(--service placement --env "$tmp/p-bad.env" "$tmp/p-api.conf")
expect "placement: env variable naming no option" 1 \
  "p-bad.env: [placement_database] no_such_option: OS_PLACEMENT_DATABASE__NO_SUCH_OPTION: not registered" \
  "${pe[@]}"
expect "placement: env variable naming no group" 1 \
  "p-bad.env: [no_such_group] x: OS_NO_SUCH_GROUP__X: unknown section" \
  "${pe[@]}"
expect "placement: env names are upper case" 1 \
  "not read: oslo.config looks for OS_PLACEMENT_DATABASE__CONNECTION" \
  "${pe[@]}"
expect "placement: env value checked like a file value" 1 \
  "p-bad.env: [DEFAULT] debug: invalid value 'maybe'" "${pe[@]}"
expect "placement: env plugin option without auth_type" 1 \
  "p-bad.env: [keystone_authtoken] username: OS_KEYSTONE_AUTHTOKEN__USERNAME: not registered" \
  "${pe[@]}"
expect "placement: env variable not OS_<GROUP>__<OPTION>" 1 \
  "p-bad.env: NOT_OSLO: not an oslo.config variable" "${pe[@]}"
printf 'export OS_DEFAULT__DEBUG=true\n' >"$tmp/p-syntax.env"
expect "placement: env file syntax is strict" 1 \
  "p-syntax.env: parse error: line 1" \
  --service placement --env "$tmp/p-syntax.env" "$tmp/placement.conf"
# the environment wins over the files: auth_type from the file is replaced
printf '[keystone_authtoken]\nauth_type = no-such-plugin\n' >"$tmp/p-plugin.conf"
expect "placement: file's bad auth_type" 1 \
  "[keystone_authtoken] auth_type: unknown keystoneauth plugin" \
  --service placement "$tmp/p-plugin.conf"
printf "export OS_KEYSTONE_AUTHTOKEN__AUTH_TYPE='password'\nexport OS_KEYSTONE_AUTHTOKEN__AUTH_URL='http://k:5000/v3'\n" \
  >"$tmp/p-auth.env"
expect "placement: env auth_type overrides the file's" 0 "ok:" \
  --service placement --env "$tmp/p-auth.env" "$tmp/p-plugin.conf"

## neutron ------------------------------------------------------------------
conf neutron.conf <<'EOF'
[DEFAULT]
core_plugin = ml2
service_plugins = router
transport_url = rabbit://openstack:p@10.0.0.6
auth_strategy = keystone
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true

[database]
connection = mysql+pymysql://neutron:p@10.0.0.2/neutron

[keystone_authtoken]
www_authenticate_uri = http://10.0.0.4:5000
auth_url = http://10.0.0.4:5000
memcached_servers = 10.0.0.5:11211
auth_type = password
project_domain_name = default
user_domain_name = default
project_name = service
username = neutron
password = p

[nova]
auth_url = http://10.0.0.4:5000
auth_type = password
project_domain_name = default
user_domain_name = default
region_name = RegionOne
project_name = service
username = nova
password = p

[oslo_concurrency]
lock_path = /var/lib/neutron/tmp
EOF
conf ml2_conf.ini <<'EOF'
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = linuxbridge,l2population
extension_drivers = port_security

[ml2_type_flat]
flat_networks = provider

[ml2_type_vxlan]
vni_ranges = 1:1000

[securitygroup]
enable_ipset = true
EOF
expect "neutron: good neutron.conf + ml2_conf.ini ([ml2] in the second)" 0 \
  "ok: 32 options in 9 sections" \
  --service neutron "$tmp/neutron.conf" "$tmp/ml2_conf.ini"
conf ne-more.conf <<'EOF'
[placement]
auth_section = keystone_authtoken

[keystone_authtoken]
auth_type = password
auth_url = http://10.0.0.4:5000
username = neutron

[AGENT]
root_helper = sudo

[agent]
report_interval = 30
EOF
expect "neutron: auth_section, upper-case registered groups ([AGENT])" 0 \
  "ok: 6 options in 3 sections" --service neutron "$tmp/ne-more.conf"
conf ne-bad.conf <<'EOF'
[DEFAULT]
no_such_option = 1

[no_such_section]
x = 1

[nova]
username = nova
password = p

[sriov_nic]
physical_device_mappings = physnet1:eth1
EOF
neb=(--service neutron "$tmp/ne-bad.conf" "$tmp/ml2_conf.ini")
expect "neutron: unknown section" 1 \
  "ne-bad.conf: [no_such_section]: unknown section (neutron registers no such group)" \
  "${neb[@]}"
expect "neutron: unknown option" 1 \
  "ne-bad.conf: [DEFAULT] no_such_option: not registered in this section" \
  "${neb[@]}"
expect "neutron: [nova] credentials without auth_type" 1 \
  "ne-bad.conf: [nova] username: not registered (keystoneauth plugin" \
  "${neb[@]}"
expect "neutron: no agent-only groups (import side effects dropped)" 1 \
  "ne-bad.conf: [sriov_nic]: unknown section" "${neb[@]}"

## general ------------------------------------------------------------------
printf 'x = 1\n' >"$tmp/syntax.conf"
expect "INI syntax error" 1 "syntax.conf: parse error" \
  --service keystone "$tmp/syntax.conf"
expect "missing file" 1 "cannot read" --service keystone "$tmp/absent.conf"
expect "unknown service" 2 "invalid choice" --service cinder "$tmp/syntax.conf"
expect "no files" 2 "usage:" --service nova

echo "$me: $passed passed, $failed failed, $skipped skipped ($runs runs)"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
if [ "$passed" -eq 0 ]; then
  exit 77
fi
