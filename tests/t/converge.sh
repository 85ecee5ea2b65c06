#!/usr/bin/env bash
# Day two, end to end: ansible/converge.yml and `ztopo diff` against the
# stand-in vmadm (tests/lib/vmadm.py: zones as JSON files in a directory
# per host; no root, nothing outside $TMPDIR).  For dev, prod and brands:
#  - the first run creates every zone; `ztopo diff` then finds nothing;
#  - after edits (dev, prod: a zone's memory, a second nic, tags and
#    metadata, a new image, a zone removed, a zone added; brands: a disk's
#    model and size on a stopped bhyve zone, vcpus and a disk model on a
#    running kvm zone, delegate_dataset, tags and a rotated secret) `ztopo diff --format json` classifies each
#    zone as expected, with the property that changed;
#  - without the flags the run stops before changing anything;
#  - with them it converges (the playbook's own last step requires an
#    empty diff, and so does a diff run here), vmadm logged no dropped
#    update property, and a second run changes nothing.
set -u
export LC_ALL=C.UTF-8
command -v ansible-playbook >/dev/null ||
    { echo "SKIP: ansible-playbook not installed (tests/install-deps.sh test)"; exit 77; }
cd "$TMPDIR" || exit 1
T=$PWD
py=/usr/bin/python3
[ -x $py ] || py=$(command -v python3)
export ANSIBLE_LOCAL_TEMP=$T/ansible-local ANSIBLE_HOME=$T/ansible-home
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_RETRY_FILES_ENABLED=0
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# setup NAME FILE TARGET: a copy of the examples, secrets, a stand-in vmadm
# per host of the target and the inventory that names them
setup() {
	local d=$T/$1
	mkdir -p "$d/vm" "$d/bin" && cd "$d" || exit 1
	cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock . || exit 1
	"$ZTOPO" secrets init "$2" -o secrets.txt >/dev/null || exit 1
	"$ZTOPO" compile "$2" -t "$3" --secrets secrets.txt -o out 2>/dev/null ||
	    { echo "$1: compile failed"; exit 1; }
	echo "all:" >hosts.yml
	echo "  hosts:" >>hosts.yml
	for h in $(awk '/^  hosts:$/ { on = 1; next } /^  [a-z]/ { on = 0 }
	    on && /^    "/ { gsub(/[":]/, ""); print $1 }' out/ansible/inventory.yml); do
		mkdir -p "vm/$h"
		printf '#!/bin/sh\nVMADM_ROOT=%s exec %s %s "$@"\n' "$d/vm/$h" \
		    "$py" "$ROOT/tests/lib/vmadm.py" >"bin/vmadm-$h"
		chmod +x "bin/vmadm-$h"
		printf '    "%s":\n      ztopo_vmadm: "%s"\n' "$h" "$d/bin/vmadm-$h" >>hosts.yml
	done
}

# converge NAME LOG [ARGS]: run the playbook
converge() {
	(cd "$T/$1" && ansible-playbook -i out/ansible/inventory.yml -i hosts.yml \
	    out/ansible/converge.yml -c local -e ansible_python_interpreter=$py \
	    -e ztopo="$ZTOPO" -e ztopo_description="$T/$1/$FILE" \
	    -e ztopo_secrets="$T/$1/secrets.txt" "${@:3}") >"$T/$1/$2.log" 2>&1
}

# live NAME DIR: what every stand-in's lookup -j prints, as ztopo diff reads it
live() {
	local h
	mkdir -p "$2"
	for h in "$T/$1"/vm/*/; do
		h=$(basename "$h")
		"$T/$1/bin/vmadm-$h" lookup -j >"$2/$h.json"
	done
}

changed_total() { awk '/ changed=/ { sub(/.*changed=/, ""); n += $1 } END { print n + 0 }' "$1"; }

for case in dev:dev.zt:dev prod:prod.zt:prod brands:brands.zt:brands; do
	IFS=: read -r NAME FILE TGT <<<"$case"
	setup "$NAME" "$FILE" "$TGT"
	cd "$T/$NAME" || exit 1
	n=$(ls out/*/vmadm/*.json | wc -l)

	converge "$NAME" run1 || { bad "$NAME: first run failed"; tail -30 run1.log; continue; }
	have=$(cat vm/*/*.json 2>/dev/null | grep -c '"zonename"')
	[ "$have" = "$n" ] || bad "$NAME: the first run made $have zones of $n"
	live "$NAME" live1
	"$ZTOPO" diff "$FILE" -t "$TGT" --live live1 --secrets secrets.txt >diff1.txt 2>&1 ||
	    { bad "$NAME: diff after creating everything is not empty"; cat diff1.txt; }

	# the edits
	case $NAME in
	dev|prod)
		$py - "$NAME" <<'PY' || exit 1
import sys
s = open('openstack.zt').read()
s = s.replace("zone db {\n    image base-64;\n    memory 2G;",
              "zone db {\n    image base-64;\n    memory 3G;", 1)
s = s.replace("image base-64 {", 'image base-64-v2 {\n    uuid '
              '"9f1e3c2a-5b7d-4e6f-8a9b-0c1d2e3f4a5b";\n    brand joyent;\n}\n\n'
              'image base-64 {', 1)
s = s.replace("zone cache {\n    image base-64;",
              "zone cache {\n    image base-64-v2;", 1)
s = s.replace("zone keystone {", 'zone extra { image base-64; memory 512M; '
              'nic admin; }\n\nzone keystone {\n    tags { tier "identity"; }\n'
              '    metadata { motd "hello"; }', 1)
a = s.index("zone glance {")
b = s.index("nic admin;", a)
s = s[:b] + "nic admin;\n    nic admin;" + s[b + len("nic admin;"):]
open('openstack.zt', 'w').write(s)
f = sys.argv[1] + '.zt'
t = open(f).read()
t = t.replace(", novnc]", "]", 1).replace("zone [db,", "zone [extra, db,", 1)
open(f, 'w').write(t)
PY
		expect='{"db": ["update", "max_physical_memory"], "glance": ["reboot", "nics"],
		    "keystone": ["update", "tags"], "cache": ["reprovision", "image_uuid"],
		    "novnc": ["orphan", null], "extra": ["create", null]}'
		flags=(-e ztopo_allow_reprovision=true -e ztopo_allow_delete=true) ;;
	brands)
		# the bhyve zone is stopped (autoboot false): its disk can change
		# the kvm zone runs: its disk changes with it stopped, then started
		sed -i 's/    disk { size 50G; model virtio; }/    disk { size 60G; model ahci; }/
		    s/    disk { size 20G; model virtio; }/    disk { size 20G; model ide; }/
		    s/    vcpus 2;/    vcpus 3;/
		    s/    delegate_dataset true;/    delegate_dataset false;/
		    s/tags { tier "front"; replicas 1; public true; }/tags { tier "back"; replicas 1; }/' brands.zt
		sed -i 's/^backup-password = .*/backup-password = rotated/' secrets.txt
		expect='{"bsd": ["reboot", "disks"], "vm": ["reboot", "disks"],
		    "linux": ["recreate", "delegate_dataset"], "web": ["update", "internal_metadata"]}'
		flags=(-e ztopo_allow_recreate=true -e ztopo_allow_reboot=true) ;;
	esac
	"$ZTOPO" compile "$FILE" -t "$TGT" --secrets secrets.txt -o out 2>/dev/null ||
	    { bad "$NAME: compile after the edits failed"; continue; }
	"$ZTOPO" diff "$FILE" -t "$TGT" --live live1 --secrets secrets.txt --format json \
	    >diff2.json 2>diff2.err
	st=$?
	[ $st = 3 ] || { bad "$NAME: diff after the edits exited $st, not 3"; cat diff2.err; }
	$py - "$expect" diff2.json <<'PY' || fail=1
import json, sys
want = json.loads(sys.argv[1])
d = json.load(open(sys.argv[2]))
by = {}
for z in d["zones"]:
    by.setdefault(z["zone"] or z["alias"], []).append(z)
ok = True
for zone, (action, prop) in want.items():
    for z in by.get(zone, []) or [None]:
        if z is None or z["action"] != action:
            print("FAIL: %s: %s, expected %s" % (zone, z and z["action"], action))
            ok = False
        elif prop and prop not in [c["property"] for c in z["changes"]]:
            print("FAIL: %s: no change of %s: %s" % (zone, prop, z["changes"]))
            ok = False
for zone, zs in by.items():
    for z in zs:
        if zone not in want and z["action"] != "unchanged":
            print("FAIL: %s: %s, expected unchanged: %s" % (zone, z["action"],
                  z["changes"]))
            ok = False
        for c in z["changes"]:
            if "rotated" in json.dumps(c):
                print("FAIL: %s: a secret value in the report" % zone)
                ok = False
sys.exit(0 if ok else 1)
PY
	before=$(cd vm && find . -type f -exec sha256sum {} + | sort)
	converge "$NAME" run2 && bad "$NAME: a run without the flags succeeded"
	grep -q 'nothing was changed: run again with -e ztopo_allow_' run2.log ||
	    { bad "$NAME: the run without flags does not name the flag"; tail -20 run2.log; }
	[ "$before" = "$(cd vm && find . -type f -exec sha256sum {} + | sort)" ] ||
	    bad "$NAME: the run without the flags changed zones"
	converge "$NAME" run3 "${flags[@]}" ||
	    { bad "$NAME: the run with the flags failed"; grep -B2 -A12 'FAILED\|fatal' run3.log | head -40; continue; }
	live "$NAME" live3
	"$ZTOPO" diff "$FILE" -t "$TGT" --live live3 --secrets secrets.txt >diff3.txt 2>&1 ||
	    { bad "$NAME: not converged"; cat diff3.txt; }
	if cat vm/*/vmadm.log 2>/dev/null | grep -i 'invalid update property'; then
		bad "$NAME: vmadm dropped update properties (above)"
	fi
	if [ "$NAME" = brands ]; then
		# the running kvm zone was stopped for its disk, and started again
		grep -q 'stop the zones vmadm updates only when stopped' run3.log &&
		    grep -A2 'stop the zones vmadm updates only when stopped' run3.log | grep -q 'changed:.*vm' ||
		    bad "brands: the kvm zone was not stopped for its disk update"
		$py -c 'import glob, json, sys
s = [json.load(open(f))["state"] for f in glob.glob("vm/box/*.json")
     if json.load(open(f))["brand"] == "kvm"]
sys.exit(s != ["running"])' || bad "brands: the kvm zone is not running again"
	fi
	converge "$NAME" run4 "${flags[@]}" || { bad "$NAME: the last run failed"; tail -20 run4.log; }
	c=$(changed_total run4.log)
	[ "$c" = 0 ] || bad "$NAME: a second converging run changed $c things"
	echo "$NAME: $n zones created; $(grep -c '"action"' diff2.json) diffed; converged; second run changed $c"
done
exit $fail
