#!/usr/bin/env bash
# tests/lib/smf-validate-selftest.sh - prove smf-validate.sh accepts valid
# SMF manifests and rejects invalid ones, and SKIPs (77) without the DTD.
# Exit 0 on success, 1 on failure, 77 (SKIP) when the DTD or xmllint is
# missing (the same conditions under which smf-validate.sh skips).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
validate=$here/smf-validate.sh
me="smf-validate-selftest"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect NAME STATUS PATTERN FILE...: want exit STATUS and PATTERN (fixed
# string) in smf-validate.sh's stdout+stderr.
expect() {
  local name=$1 want=$2 pattern=$3 rc=0
  shift 3
  "$validate" "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$pattern" "$tmp/out"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name (exit $rc, want $want and '$pattern'):"
    sed 's/^/    /' "$tmp/out"
    failed=$((failed + 1))
  fi
}

# the SKIP path first: it must not depend on the real DTD being present
rc=0
ZTOPO_SMF_DTD=$tmp/no-such.dtd "$validate" "$tmp/x.xml" >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 77 ] && [ ! -s "$tmp/out" ] && grep -qxF \
    "SKIP: SMF DTD not found at $tmp/no-such.dtd; SMF manifests not validated" \
    "$tmp/err"; then
  echo "ok - missing DTD skips (77)"
  passed=$((passed + 1))
else
  echo "not ok - missing DTD skips (exit $rc):"
  sed 's/^/    /' "$tmp/out" "$tmp/err"
  failed=$((failed + 1))
fi

rc=0
"$validate" /dev/null >/dev/null 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 77 ]; then
  sed 's/^/    /' "$tmp/err"
  echo "SKIP: smf-validate.sh skips here (see above)"
  exit 77
fi

head='<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">'

# smallest manifest: a service with a default instance and start/stop
cat >"$tmp/min.xml" <<EOF
$head
<service_bundle type="manifest" name="ztopo-min">
  <service name="site/ztopo/min" type="service" version="1">
    <create_default_instance enabled="false"/>
    <exec_method type="method" name="start" exec="/bin/true" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
  </service>
</service_bundle>
EOF
expect "minimal manifest" 0 "ok: 1 SMF manifests valid" "$tmp/min.xml"

# what a generator emits for a daemon: deps, credentials, env, properties,
# an explicit instance, stability and a template, in the DTD's order
cat >"$tmp/full.xml" <<EOF
$head
<service_bundle type="manifest" name="site-openstack-nova-api">
  <service name="site/openstack/nova-api" type="service" version="1">
    <dependency name="network" grouping="require_all" restart_on="error" type="service">
      <service_fmri value="svc:/milestone/network:default"/>
    </dependency>
    <dependency name="config" grouping="require_all" restart_on="refresh" type="path">
      <service_fmri value="file://localhost/opt/local/etc/nova/nova.conf"/>
    </dependency>
    <method_context working_directory="/var/lib/nova">
      <method_credential user="nova" group="nova"/>
      <method_environment>
        <envvar name="PATH" value="/opt/local/bin:/usr/bin"/>
      </method_environment>
    </method_context>
    <exec_method type="method" name="start" exec="/opt/local/bin/nova-api --config-file %{config/file}" timeout_seconds="120"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="child"/>
      <propval name="ignore_error" type="astring" value="core,signal"/>
    </property_group>
    <property_group name="config" type="application">
      <propval name="file" type="astring" value="/opt/local/etc/nova/nova.conf"/>
    </property_group>
    <instance name="default" enabled="true"/>
    <stability value="Unstable"/>
    <template>
      <common_name>
        <loctext xml:lang="C">OpenStack Compute API</loctext>
      </common_name>
    </template>
  </service>
</service_bundle>
EOF
expect "full manifest" 0 "ok: 1 SMF manifests valid" "$tmp/full.xml"
expect "several valid files" 0 "ok: 2 SMF manifests valid" "$tmp/min.xml" "$tmp/full.xml"

sed 's/ timeout_seconds="60"//' "$tmp/min.xml" >"$tmp/notimeout.xml"
expect "exec_method without timeout_seconds" 1 \
  "does not carry attribute timeout_seconds" "$tmp/notimeout.xml"
expect "one bad file among good ones" 1 "1 of 3 SMF manifests invalid" \
  "$tmp/min.xml" "$tmp/notimeout.xml" "$tmp/full.xml"

sed 's|<create_default_instance enabled="false"/>|&<frobnicate/>|' "$tmp/min.xml" >"$tmp/unknown.xml"
expect "unknown element" 1 "No declaration for element frobnicate" "$tmp/unknown.xml"

# order matters: exec_method before create_default_instance is invalid
sed -e '/create_default_instance/d' \
  -e 's|</service>|<create_default_instance enabled="true"/></service>|' \
  "$tmp/min.xml" >"$tmp/order.xml"
expect "elements out of order" 1 "does not follow the DTD" "$tmp/order.xml"

sed 's/grouping="require_all" restart_on="error"/grouping="require_some" restart_on="error"/' \
  "$tmp/full.xml" >"$tmp/enum.xml"
expect "bad enumeration value" 1 "is not among the enumerated set" "$tmp/enum.xml"

sed '2d' "$tmp/min.xml" >"$tmp/nodoctype.xml"
expect "no DOCTYPE" 1 "needs <!DOCTYPE service_bundle SYSTEM" "$tmp/nodoctype.xml"

sed 's|"/usr/share/lib/xml/dtd/service_bundle.dtd.1"|"service_bundle.dtd.1"|' \
  "$tmp/min.xml" >"$tmp/sysid.xml"
expect "other DTD system id" 1 "needs <!DOCTYPE service_bundle SYSTEM" "$tmp/sysid.xml"

cat >"$tmp/root.xml" <<EOF
$head
<service name="site/ztopo/root" type="service" version="1"/>
EOF
expect "root element is not service_bundle" 1 "root and DTD name do not match" \
  "$tmp/root.xml"

sed 's/type="manifest"/type="profile"/' "$tmp/min.xml" >"$tmp/profile.xml"
expect "bundle type profile" 1 'svccfg import needs "manifest"' "$tmp/profile.xml"

sed 's|</service_bundle>||' "$tmp/min.xml" >"$tmp/broken.xml"
expect "not well-formed XML" 1 "1 of 1 SMF manifests invalid" "$tmp/broken.xml"

expect "missing file" 1 "cannot read" "$tmp/absent.xml"

# works from any directory, with a relative file name
rc=0
(cd "$tmp" && "$validate" min.xml >/dev/null) || rc=$?
if [ "$rc" -eq 0 ]; then
  echo "ok - relative path from another cwd"; passed=$((passed + 1))
else
  echo "not ok - relative path from another cwd (exit $rc)"; failed=$((failed + 1))
fi

echo "$me: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
