#!/usr/bin/env bash
# The playbooks do not grow with the topology: adding a host with ten
# zones to prod leaves ansible/site.yml, steps.yml and converge.yml as
# they were (at most a few lines for a new stage); the new host's steps
# are its own host_vars file, and no other host's file changes.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock . || exit 1
fail=0
"$ZTOPO" compile prod.zt -t prod --redact -o before 2>/dev/null || { echo "compile failed"; exit 1; }
python3 - <<'PY'
s = open('prod.zt').read()
zones = "".join("zone w%d { image base-64; memory 256M; quota 5G; nic admin; }\n" % i
                for i in range(10))
s = s.replace("target prod {", zones + "host ctl3 { address admin 10.99.0.13; memory 64G; disk 1T; }\n\n"
              "target prod {\n    zone [%s] on ctl3;" % ", ".join("w%d" % i for i in range(10)), 1)
open('prod.zt', 'w').write(s)
PY
"$ZTOPO" compile prod.zt -t prod --redact -o after 2>/dev/null || { echo "compile with ctl3 failed"; exit 1; }
[ "$(ls after/ctl3/vmadm | wc -l)" = 10 ] || { echo "ctl3 does not have ten zones"; exit 1; }
for f in site.yml steps.yml converge.yml; do
	n=$(diff before/ansible/$f after/ansible/$f | grep -c '^[<>]')
	echo "ansible/$f: $n lines changed"
	[ "$n" -le 4 ] || { diff before/ansible/$f after/ansible/$f | head; fail=1; }
done
for f in before/ansible/host_vars/*.yml; do
	cmp -s "$f" "after/ansible/host_vars/${f##*/}" || { echo "${f##*/} changed"; fail=1; }
done
[ -f after/ansible/host_vars/ctl3.yml ] || { echo "no host_vars/ctl3.yml"; fail=1; }
exit $fail
