#!/usr/bin/env bash
# Runs the generated playbook for real, twice, against stand-ins of the
# SmartOS tools: vmadm, imgadm, zlogin, svcs, svcadm, svccfg, mysql and
# chown, and of the OpenStack commands the bootstrap runs in the zones
# (keystone-manage, glance-manage, placement-manage, neutron-db-manage,
# nova-manage, openstack), are small scripts that keep state in a
# directory; the zones' roots are under $TMPDIR/zones (the playbook's
# ztopo_root), and /opt and /var are private tmpfs mounts (unshare -m), so
# nothing outside the test changes and two runs at once do not meet.  Checks:
#  - the first run creates every zone (with its fixed uuid), imports every
#    manifest, applies every grants.sql and setup.sh, prepares every
#    database, runs keystone's bootstrap and catalog, starts every service
#    and discovers the compute hosts, in the order of `ztopo plan`, and
#    copies every file with its mode;
#  - the second run changes nothing (changed=0 on every host);
#  - after an edit and a recompile, only what changed is applied again;
#  - prod's playbook runs through on its five hosts;
#  - names YAML would misread (yes, null, true) and metadata Jinja would
#    evaluate ({{ }}, {% %}, {# #}) reach vmadm exactly as generated.
set -u
export LC_ALL=C.UTF-8
command -v ansible-playbook >/dev/null ||
    { echo "SKIP: ansible-playbook not installed (tests/install-deps.sh test)"; exit 77; }
ansible-doc -t module community.general.vmadm >/dev/null 2>&1 ||
    { echo "SKIP: community.general (Debian package ansible) not installed"; exit 77; }
[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
    { echo "SKIP: needs root and unshare -m for private /opt and /var"; exit 77; }
cd "$TMPDIR" || exit 1
T=$PWD
cp "$ROOT"/examples/*.zt . || exit 1
: >secrets.txt; chmod 600 secrets.txt
for s in $(sed -n 's/^secret \([a-z0-9-]*\);.*/\1/p' openstack.zt); do
	echo "$s=pw-$s" >>secrets.txt
done

mkdir -p stubs state
cat >stubs/imgadm <<'SH'
#!/bin/sh
# imgadm import -P POOL -q UUID
echo "imgadm $*" >>"$ZSTATE/log"
u=$5
if [ -e "$ZSTATE/img-$u" ]; then echo "Image $u (base) is already installed, skipping"
else touch "$ZSTATE/img-$u"; echo "Imported image $u (base)"; fi
SH
cat >stubs/vmadm <<'SH'
#!/bin/sh
case $1 in
lookup)	# lookup -j -o uuid uuid=U
	u=${5#uuid=}
	if [ -e "$ZSTATE/vm-$u" ]; then echo "[{\"uuid\": \"$u\"}]"; else echo '[]'; fi ;;
create)	# create, the payload on stdin
	t=$(mktemp "$ZSTATE/payload.XXXXXX")
	cat >"$t"
	u=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' "$t")
	mv "$t" "$ZSTATE/vm-$u"
	mkdir -p "$ZTOPO_ROOT/zones/$u/root"
	echo "vmadm create $u" >>"$ZSTATE/log"
	echo "Successfully created VM $u" >&2 ;;
update)
	echo "vmadm update $2 $(cat)" >>"$ZSTATE/log" ;;
*)	echo "vmadm: unexpected $*" >&2; exit 1 ;;
esac
SH
cat >stubs/zlogin <<'SH'
#!/bin/sh
# zlogin UUID 'command': run it with the stand-ins, in that zone (paths
# ztopo installs under /var are seen under the zone's root)
z=$1; shift
r=$ZTOPO_ROOT/zones/$z/root
[ -d "$r" ] || { echo "zlogin: no zone $z" >&2; exit 1; }
# the zone's /opt/local/etc is the files the playbook copied into its root
mkdir -p "$r/opt/local/etc" /opt/local
rm -f /opt/local/etc && ln -s "$r/opt/local/etc" /opt/local/etc
cmd=$(printf '%s' "$*" | sed -e "s| /var/| $r/var/|g" -e "s|^/var/|$r/var/|" \
    -e 's|/opt/local/bin/mysql|mysql|')
ZONE=$z ZROOT=$r exec sh -c "$cmd"
SH
cat >stubs/svcs <<'SH'
#!/bin/sh
# svcs -H -o state FMRI
f=$ZSTATE/svc-${ZONE:-global}-$(echo "$4" | tr '/:' '__')
[ -e "$f" ] && cat "$f" || { echo "svcs: $4 not found" >&2; exit 1; }
SH
cat >stubs/svcadm <<'SH'
#!/bin/sh
# svcadm enable -s FMRI | svcadm restart FMRI
echo "svcadm ${ZONE:-global} $*" >>"$ZSTATE/log"
fmri=$(eval echo \${$#})
echo online >"$ZSTATE/svc-${ZONE:-global}-$(echo "$fmri" | tr '/:' '__')"
SH
cat >stubs/svccfg <<'SH'
#!/bin/sh
# svccfg import FILE (a path inside the zone)
[ -f "$2" ] || { echo "svccfg: no $2" >&2; exit 1; }
name=$(sed -n 's/.*<service name=.\([^"'"'"']*\).*/\1/p' "$2" | head -1)
echo "svccfg ${ZONE:-global} import ${2#${ZROOT:-}}" >>"$ZSTATE/log"
f=$ZSTATE/svc-${ZONE:-global}-$(echo "svc:/$name:default" | tr '/:' '__')
[ -e "$f" ] || echo disabled >"$f"
SH
cat >stubs/mysql <<'SH'
#!/bin/sh
echo "mysql ${ZONE:-global} $(wc -c | tr -d ' ') bytes" >>"$ZSTATE/log"
SH
# the OpenStack commands: remember how they were called, where
for c in keystone-manage glance-manage placement-manage neutron-db-manage \
    nova-manage openstack; do
	cat >stubs/$c <<SH
#!/bin/sh
echo "$c \${ZONE:-global} \$*" >>"\$ZSTATE/log"
SH
done
cat >stubs/chown <<'SH'
#!/bin/sh
# chown USER:GROUP FILE, remembered for find
echo "chown ${ZONE:-global} $*" >>"$ZSTATE/log"
echo "$1" >"$ZSTATE/own-${ZONE:-global}-$(echo "$2" | tr / _)"
SH
cat >stubs/find <<'SH'
#!/bin/sh
# find FILE -user U [-group G]: FILE if chown gave it to U[:G]
f=$ZSTATE/own-${ZONE:-global}-$(echo "$1" | tr / _)
want=$3${5:+:$5}
[ -e "$f" ] && [ "$(cat "$f")" = "$want" ] && echo "$1"
exit 0
SH
chmod +x stubs/*

"$ZTOPO" compile dev.zt --secrets secrets.txt -o out || { echo "compile failed"; exit 1; }
cat >hostile.zt <<'ZT'
network admin {
    nic_tag admin;
    subnet 10.0.0.0/24;
    gateway 10.0.0.1;
    pool 10.0.0.100 10.0.0.110;
}
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
host yes { address admin 10.0.0.10; memory 8G; disk 100G; }
service null { start "/opt/bin/null --flag"; }
zone true {
    image base; memory 1G; quota 10G; nic admin; services null;
    metadata {
        motd "{{ 7*7 }} {% raw %}it's \"quoted\"\n\ttab \\ back \u{e9}";
        user-script "#!/bin/sh\necho '{{ lookup(\"pipe\", \"id\") }}'\n";
    }
    tags { role "{#x#}: [1, 2]"; }
}
target t { zone true on yes; }
ZT
"$ZTOPO" compile hostile.zt -o hostile || { echo "compile of hostile.zt failed"; exit 1; }
"$ZTOPO" plan dev.zt --format json >plan.json || exit 1

cat >run.sh <<SH
set -u
mount --make-rprivate /
for d in /opt /var; do mount -t tmpfs ztopo-test \$d || exit 1; done
mkdir -p /var/tmp
# the rabbitmq setup script runs inside the zone: give it a stand-in
export PATH=$T/stubs:\$PATH ZSTATE=$T/state ZTOPO_ROOT=$T
# Debian's python, not a version manager's shim that starts slowly
py=/usr/bin/python3
[ -x \$py ] || py=\$(command -v python3)
export ANSIBLE_LOCAL_TEMP=$T/ansible-local ANSIBLE_HOME=$T/ansible-home
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_RETRY_FILES_ENABLED=0
play() {
	ansible-playbook -i out/ansible/inventory.yml out/ansible/site.yml \
	    -c local -e ansible_python_interpreter=\$py -e ztopo_root=$T "\$@"
}
# the zone's setup.sh is a shell script ztopo wrote: it calls rabbitmqctl
mkdir -p /opt/local/sbin /opt/local/bin
for c in keystone-manage glance-manage placement-manage neutron-db-manage \
    nova-manage openstack; do
	ln -s $T/stubs/\$c /opt/local/bin/\$c
done
printf '#!/bin/sh\necho "rabbitmqctl \$*" >>%s/log\n' "$T/state" >$T/stubs/rabbitmqctl
chmod +x $T/stubs/rabbitmqctl
play >run1.log 2>&1 || { echo "first run failed"; tail -40 run1.log; exit 1; }
grep -v '^imgadm' state/log >log1	# the module asks imgadm every time
find $T/zones -type f -printf '%P %m\n' | sort >files1
play >run2.log 2>&1 || { echo "second run failed"; tail -40 run2.log; exit 1; }
grep -v '^imgadm' state/log >log2
# an edit: the db zone's grants change when nova-api moves? keep it
# simple: a new password for nova's database user
sed -i 's/^nova-db-password=.*/nova-db-password=rotated/' secrets.txt
$ZTOPO compile dev.zt --secrets secrets.txt -o out || exit 1
play >run3.log 2>&1 || { echo "third run failed"; tail -40 run3.log; exit 1; }
grep -v '^imgadm' state/log >log3
# several hosts: prod, once (its hosts all run here and would share the
# global zone's files, so a second run is only meaningful for dev)
$ZTOPO compile prod.zt --secrets secrets.txt -o out || exit 1
play >prod1.log 2>&1 || { echo "prod: first run failed"; tail -40 prod1.log; exit 1; }
ansible-playbook -i hostile/ansible/inventory.yml hostile/ansible/site.yml -c local \
    -e ansible_python_interpreter=\$py -e ztopo_root=$T >hostile.log 2>&1 ||
    { echo "hostile: run failed"; tail -40 hostile.log; exit 1; }
ansible-inventory -i hostile/ansible/inventory.yml --list >hostile-inv.json 2>&1 || exit 1
SH
unshare -m bash run.sh
st=$?
[ $st = 0 ] || exit 1
fail=0

# first run: everything, in the plan's order
python3 - plan.json log1 <<'PY' || fail=1
import json, sys, re
plan = json.load(open(sys.argv[1]))
log = open(sys.argv[2]).read().splitlines()
bad = 0
def find(pred, what):
    for i, l in enumerate(log):
        if pred(l):
            return i
    print("first run did not " + what); return None
pos = {}
for s in plan["steps"]:
    a = s["action"]
    z = s.get("zone_uuid", "global")
    if a == "create-zone":
        i = find(lambda l: l == "vmadm create " + s["zone_uuid"], "create zone " + s["zone"])
    elif a == "import-manifest":
        i = find(lambda l: l == "svccfg %s import %s" % (z, s["dest"]), "import " + s["dest"])
    elif a == "start-service":
        i = find(lambda l: l == "svcadm %s enable -s %s" % (z, s["fmri"]), "start " + s["fmri"])
    elif a == "apply-grants":
        i = find(lambda l: l.startswith("mysql %s " % z), "apply grants in " + s["zone"])
    elif a == "setup-rabbitmq":
        i = find(lambda l: l.startswith("rabbitmqctl "), "run the rabbitmq setup")
    elif a in ("sync-database", "discover-hosts"):
        # the command's last words, as the stand-in logged them
        words = s["command"].split("|")[-1].split()
        tool = words[words.index(next(w for w in words if w.endswith(
            ("-manage", "/openstack"))))].rsplit("/", 1)[-1]
        tail = " ".join(words[words.index(next(w for w in words if w.endswith(
            ("-manage", "/openstack")))) + 1:])
        i = find(lambda l: l == "%s %s %s" % (tool, z, tail), s["command"])
    elif a == "run-script":
        first = {"ztopo-bootstrap.sh": "keystone-manage %s " % z,
                 "ztopo-catalog.sh": "openstack %s " % z}[s["dest"].rsplit("/", 1)[-1]]
        i = find(lambda l: l.startswith(first), "run " + s["dest"])
    else:
        continue
    if i is None:
        bad = 1; continue
    pos[s["step"]] = i
    for b in s["after"]:
        if b in pos and pos[b] > i:
            print("step %d ran before step %d it needs" % (s["step"], b)); bad = 1
print("first run: %d plan steps seen in order" % len(pos))
sys.exit(bad)
PY
grep -q ' changed=[1-9]' run1.log || { echo "first run changed nothing?"; fail=1; }

# second run: nothing
if grep -E ' changed=[1-9]' run2.log; then
	echo "second run changed something:"; grep -B2 -A3 '^changed' run2.log | head -40; fail=1
fi
cmp -s log1 log2 || { echo "second run ran commands:"; diff log1 log2 | head; fail=1; }

for h in ctl1 ctl2 cn1 cn2 cn3; do
	grep -q "^$h .*changed=[1-9].*failed=0" prod1.log || { echo "prod: first run did nothing on $h"; fail=1; }
done

python3 - hostile state hostile-inv.json <<'PY' || fail=1
import json, sys, glob
tree, state, inv = sys.argv[1:4]
want = json.load(open(tree + "/yes/vmadm/true.json"))
got = json.load(open(state + "/vm-" + want["uuid"]))
bad = 0
if got != want:
    print("vmadm create got another payload:", got); bad = 1
inv = json.load(open(inv))
if inv.get("null", {}).get("hosts") != ["yes"]:
    print("inventory: host 'yes' not in group 'null':", inv); bad = 1
sys.exit(bad)
PY

# third run: only the grants (and what holds nova's database password)
new=$(diff log2 log3 | sed -n 's/^> //p')
echo "third run ran: $(echo "$new" | cut -c1-60 | tr '\n' ';')"
grep -q '^mysql ' <<<"$new" || { echo "the new password was not applied to MySQL"; fail=1; }
grep -E -v '^(mysql|svcadm [^ ]* restart|rabbitmqctl)' <<<"$new" && { echo "third run redid unchanged steps (above)"; fail=1; }
grep -q '^svcadm .* restart' <<<"$new" || { echo "no nova service restarted for its new configuration"; fail=1; }
exit $fail
