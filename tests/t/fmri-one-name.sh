#!/usr/bin/env bash
# A service's FMRI is one name, computed once: a packaged mysql given as
# `fmri "svc:pkgsrc/mysql:default"` (svc: without its slash, as svcs(1)
# accepts) is svc:/pkgsrc/mysql:default in the SMF dependency of a client
# in its zone, in the plan and in the playbook's steps -- never svc:/svc:...
set -u
fail=0
cat >"$TMPDIR/f.zt" <<'ZT'
network admin {
    nic_tag admin;
    subnet 10.0.0.0/24;
    gateway 10.0.0.1;
    pool 10.0.0.100 10.0.0.110;
}
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
secret app-pw;
credential app-db { kind mysql; user app; databases app; password app-pw; }
host h1 { address admin 10.0.0.10; memory 8G; disk 100G; }
service mysql { role mysql; fmri "svc:pkgsrc/mysql:default"; }
service app { start "/opt/local/bin/app"; uses mysql via app-db; }
zone db { image base; memory 1G; quota 10G; nic admin;
          services [mysql, app]; }
target t { zone db on h1; }
ZT
"$ZTOPO" compile "$TMPDIR/f.zt" --redact -o "$TMPDIR/out" >/dev/null ||
    { echo "compile failed"; exit 1; }
"$ZTOPO" plan "$TMPDIR/f.zt" >"$TMPDIR/plan" || { echo "plan failed"; exit 1; }
want=svc:/pkgsrc/mysql:default
grep -q "name=\"$want\"\\|value=\"$want\"" "$TMPDIR/out/h1/db/smf/app.xml" ||
    { echo "app.xml does not depend on $want:"; grep service_fmri "$TMPDIR/out/h1/db/smf/app.xml"; fail=1; }
grep -qF "$want" "$TMPDIR/plan" || { echo "the plan lacks $want"; fail=1; }
grep -qF "$want" "$TMPDIR/out/ansible/host_vars/h1.yml" ||
    { echo "the playbook's steps (host_vars/h1.yml) lack $want"; fail=1; }
if grep -rqF 'svc:/svc:' "$TMPDIR/out" "$TMPDIR/plan"; then
	echo "a doubled scheme:"; grep -rnF 'svc:/svc:' "$TMPDIR/out" "$TMPDIR/plan"
	fail=1
fi
exit $fail
