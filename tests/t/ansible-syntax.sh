#!/usr/bin/env bash
# For every target of every example: `compile -o` writes ansible/site.yml,
# ansible/converge.yml and ansible/inventory.yml; `ansible-playbook
# --syntax-check` accepts both playbooks and steps.yml (with
# community.general, so the imgadm module and its arguments are checked
# to exist), and
# `ansible-inventory --list`
# reads the inventory with every placed host, its admin address and the
# role groups.  YAML parses back to exactly what ztopo meant (yaml.safe_load
# when python3-yaml is there).
set -u
# ansible refuses to run in a locale that is not UTF-8 (run.sh sets C)
export LC_ALL=C.UTF-8
command -v ansible-playbook >/dev/null && command -v ansible-inventory >/dev/null ||
    { echo "SKIP: ansible-playbook not installed (tests/install-deps.sh test)"; exit 77; }
ansible-doc -t module community.general.vmadm >/dev/null 2>&1 ||
    { echo "SKIP: community.general (Debian package ansible) not installed"; exit 77; }
cd "$TMPDIR" || exit 1
export ANSIBLE_LOCAL_TEMP=$TMPDIR/ansible-local ANSIBLE_HOME=$TMPDIR/ansible-home
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0
fail=0 n=0
for ex in "$ROOT"/examples/*.zt; do
	for t in $(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$ex"); do
		out=out-$(basename "$ex" .zt)-$t
		"$ZTOPO" compile "$ex" -t "$t" --redact -o "$out" 2>err ||
		    { echo "$ex -t $t: compile failed"; cat err; fail=1; continue; }
		n=$((n + 1))
		for f in site.yml converge.yml inventory.yml; do
			[ -f "$out/ansible/$f" ] || { echo "$out: no ansible/$f"; fail=1; }
		done
		# steps.yml is included at run time: a play that imports it
		# lets --syntax-check read it
		printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.import_tasks: steps.yml\n' \
		    >"$out/ansible/steps-check.yml"
		for pb in site.yml converge.yml steps-check.yml; do
			if ! ansible-playbook --syntax-check -i "$out/ansible/inventory.yml" \
			    "$out/ansible/$pb" >log 2>&1; then
				echo "$ex -t $t: $pb: syntax-check failed:"; cat log; fail=1
			elif grep -i 'warning' log; then
				echo "$ex -t $t: $pb: syntax-check warned"; fail=1
			fi
		done
		if ! ansible-inventory -i "$out/ansible/inventory.yml" --list >inv.json 2>log; then
			echo "$ex -t $t: ansible-inventory failed:"; cat log; fail=1
			continue
		fi
		grep -i 'warning' log && { echo "$ex -t $t: ansible-inventory warned"; fail=1; }
		# every placed host, with its admin address, in a group
		"$ZTOPO" ir "$ex" -t "$t" >ir.json || { fail=1; continue; }
		python3 - ir.json inv.json <<'PY' || fail=1
import json, sys
ir = json.load(open(sys.argv[1]))
inv = json.load(open(sys.argv[2]))
hv = inv["_meta"]["hostvars"]
bad = 0
hosts = ir["hosts"] if isinstance(ir["hosts"], list) else list(ir["hosts"].values())
for h in hosts:
    name = h["name"]
    if name not in hv:
        print("host %s missing from the inventory" % name); bad = 1; continue
    grouped = [g for g, v in inv.items() if g not in ("_meta", "all") and name in v.get("hosts", [])]
    if not grouped:
        print("host %s is in no role group" % name); bad = 1
if not hv:
    print("empty inventory"); bad = 1
for name, vars in hv.items():
    if "ansible_host" not in vars:
        print("host %s has no ansible_host" % name); bad = 1
sys.exit(bad)
PY
		if python3 -c 'import yaml' 2>/dev/null; then
			"$ZTOPO" plan "$ex" -t "$t" --format json >plan.json || fail=1
			python3 - "$out/ansible" plan.json <<'PY' || fail=1
import glob, json, os, sys, yaml
class L(yaml.SafeLoader): pass
L.add_constructor('!unsafe', lambda l, n: l.construct_scalar(n))
d = sys.argv[1]
plays = yaml.load(open(d + "/site.yml"), Loader=L)
assert isinstance(plays, list) and plays, "no plays"
stages = [int(p["name"].split()[1]) for p in plays if p["name"].startswith("stage ")]
assert stages == sorted(stages), "stages out of order"
plan = json.load(open(sys.argv[2]))["steps"]
for f in glob.glob(d + "/host_vars/*.yml"):
    host = os.path.basename(f)[:-4]
    steps = yaml.load(open(f), Loader=L)["ztopo_steps"]
    order = [s["title"] for s in plan if s["host"] == host]
    i = 0	# the steps are the plan's, in its order (a subsequence)
    for s in steps:
        while i < len(order) and order[i] != s["title"]:
            i += 1
        assert i < len(order), "%s: %s out of the plan's order" % (f, s["title"])
        i += 1
    assert all(s["stage"] in stages for s in steps), "%s: a stage has no play" % f
PY
		fi
	done
done
[ $n -ge 2 ] || { echo "only $n targets compiled"; fail=1; }
echo "$n targets checked"
exit $fail
