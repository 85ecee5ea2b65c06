#!/usr/bin/env bash
# `ztopo plan --format json`, for every target of every example, checked
# against the IR rather than against a golden copy of itself:
#  - steps are numbered 1..N in stage order; every `after` names an
#    earlier step; following only `after` is enough (a runner may do the
#    hosts of a stage at once);
#  - for every use of a service in another zone (another host, or a
#    global zone), everything of the server's zone -- created, started,
#    grants applied, RabbitMQ set up -- comes before the client's zone is
#    created, both in the numbering and through `after`;
#  - grants come right after MySQL starts, RabbitMQ setup right after
#    RabbitMQ starts; config files before the services start;
#  - a fresh deployment's bootstrap: databases and accounts, then each
#    project's database commands (before any service of the project
#    starts), keystone's bootstrap (before keystone starts), its service
#    users and endpoints (once it runs, before any other API starts), the
#    API services, the compute nodes, and host discovery last, after every
#    nova-compute -- in the numbering and through `after`;
#  - the plan names exactly the deployable artifacts of the compiled tree
#    (vmadm payloads, manifests, every OpenStack service's configuration
#    files, keystone's scripts, custom services' environment files,
#    grants, setup scripts), each once, and each exists there;
#  - the same plan, byte for byte, from another working directory.
set -u
cd "$TMPDIR" || exit 1
fail=0 n=0
for ex in "$ROOT"/examples/*.zt; do
	for t in $(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$ex"); do
		n=$((n + 1))
		"$ZTOPO" plan "$ex" -t "$t" --format json >plan.json 2>err ||
		    { echo "$ex -t $t: plan failed"; cat err; fail=1; continue; }
		(cd / && "$ZTOPO" plan "$ex" -t "$t" --format json) | cmp -s - plan.json ||
		    { echo "$ex -t $t: plan differs from another directory"; fail=1; }
		"$ZTOPO" ir "$ex" -t "$t" >ir.json || { fail=1; continue; }
		rm -rf tree
		"$ZTOPO" compile "$ex" -t "$t" --redact -o tree 2>/dev/null || { fail=1; continue; }
		python3 - plan.json ir.json tree "$(basename "$ex") -t $t" <<'PY' || fail=1
import json, os, re, sys
plan = json.load(open(sys.argv[1])); ir = json.load(open(sys.argv[2]))
tree, name = sys.argv[3], sys.argv[4]
steps = plan["steps"]
bad = []
def err(m): bad.append(m)
if [s["step"] for s in steps] != list(range(1, len(steps) + 1)):
    err("steps are not numbered 1..N")
if [s["stage"] for s in steps] != sorted(s["stage"] for s in steps):
    err("stages are not in order")
by = {s["step"]: s for s in steps}
for s in steps:
    for a in s["after"]:
        if a >= s["step"]:
            err("step %d waits for later step %d" % (s["step"], a))
# transitive `after`
need = {}
for s in steps:
    r = set()
    for a in s["after"]:
        r |= {a} | need[a]
    need[s["step"]] = r
def unit(s): return (s["host"], s.get("zone"))
units = {}
for s in steps:
    if s["action"] != "import-image":
        units.setdefault(unit(s), []).append(s["step"])
inst = {si["id"]: si for si in ir["service_instances"]}
def unit_of(si): return (si["host"], "global" if si["global"] else si["zone"])
checked = 0
for si in ir["service_instances"]:
    for e in si["uses"]:
        c, sv = inst[e["client"]], inst[e["server"]]
        cu, su = unit_of(c), unit_of(sv)
        if cu == su or (cu[1] == su[1] and cu[1] != "global"):
            continue    # same zone, or replicas of one zone
        if cu not in units or su not in units:
            continue
        first = units[cu][0]
        for x in units[su]:
            checked += 1
            if x >= first:
                err("%s: step %d of %s is not before %s starts (step %d)" % (e["client"], x, su, cu, first))
            elif x not in need[first]:
                err("step %d does not wait (after) for step %d" % (first, x))
for s in steps:
    if s["action"] in ("apply-grants", "setup-rabbitmq"):
        p = by[s["step"] - 1]
        role = "mysql" if s["action"] == "apply-grants" else "rabbitmq"
        svc = [x for x in ir["services"] if x["name"] == s["service"]][0]
        if p["action"] != "start-service" or p["service"] != s["service"] or svc["role"] != role:
            err("step %d (%s) does not come right after its server starts" % (s["step"], s["action"]))
    if s["action"] == "install-config":
        later = [x for x in units[unit(s)] if by[x]["action"] == "start-service"]
        if any(x < s["step"] for x in later):
            err("config step %d after a service started" % s["step"])
# the bootstrap
role = {x["name"]: x["role"] for x in ir["services"]}
def project(r):
    return "nova" if r and r.startswith("nova-") else r
def before(a, b, what):
    if not (a < b and a in need[b]):
        err("%s: step %d is not before step %d" % (what, a, b))
starts = [s for s in steps if s["action"] == "start-service"]
grants = [s["step"] for s in steps if s["action"] == "apply-grants"]
for s in steps:
    if s["action"] != "sync-database":
        continue
    for g in grants:
        before(g, s["step"], "grants before %s" % s["command"])
    for st in starts:
        if project(role[st["service"]]) == project(role[s["service"]]):
            before(s["step"], st["step"], "database of %s before %s starts" % (s["service"], st["service"]))
runs = {os.path.basename(s["dest"]): s for s in steps if s["action"] == "run-script"}
ks = [s for s in starts if role[s["service"]] == "keystone"]
apis = [s for s in starts if role[s["service"]] in ("glance-api", "placement-api", "neutron-server", "nova-api")]
computes = [s for s in starts if role[s["service"]] == "nova-compute"]
if ks and ir["release"] == "zed":
    if set(runs) != {"ztopo-bootstrap.sh", "ztopo-catalog.sh"}:
        err("keystone's bootstrap and catalog are not both run: %s" % sorted(runs))
    else:
        before(runs["ztopo-bootstrap.sh"]["step"], ks[0]["step"], "bootstrap before keystone starts")
        before(ks[0]["step"], runs["ztopo-catalog.sh"]["step"], "keystone starts before its catalog")
        for a in apis:
            before(runs["ztopo-catalog.sh"]["step"], a["step"], "catalog before %s starts" % a["service"])
        for c in computes:
            before(runs["ztopo-catalog.sh"]["step"], c["step"], "catalog before nova-compute starts")
disc = [s for s in steps if s["action"] == "discover-hosts"]
if computes and ir["release"] == "zed" and any(role[s["service"]] == "nova-api" for s in starts):
    if len(disc) != 1 or disc[0]["step"] != len(steps):
        err("host discovery is not the last step, once")
    else:
        for c in computes:
            before(c["step"], disc[0]["step"], "nova-compute starts before host discovery")
# the artifacts
files = [s["file"] for s in steps if "file" in s]
if len(files) != len(set(files)):
    err("an artifact appears in two steps")
for f in files:
    if not os.path.isfile(os.path.join(tree, f)):
        err("step names %s, which the tree lacks" % f)
want = set()
for root, dirs, fs in os.walk(tree):
    for f in fs:
        p = os.path.relpath(os.path.join(root, f), tree)
        if re.match(r"[^/]+/(vmadm/[^/]+\.json|[^/]+/(smf/[^/]+\.xml|(nova|keystone|glance|placement|neutron)/[^/]+|env/[^/]+\.env|mysql/grants\.sql|rabbitmq/setup\.sh))$", p):
            want.add(p)
for f in sorted(want - set(files)):
    err("the plan does not deploy %s" % f)
if bad:
    print("%s:" % name); [print("  " + b) for b in bad[:20]]; sys.exit(1)
print("%s: %d steps, %d cross-zone orderings checked" % (name, len(steps), checked))
PY
	done
done
[ $n -ge 3 ] || { echo "only $n targets"; fail=1; }

# db and mq before their users, in dev and prod, in words
for ex in dev prod; do
	"$ZTOPO" plan "$ROOT/examples/$ex.zt" >plan.txt || { fail=1; continue; }
	grants=$(grep -n 'apply the MySQL grants' plan.txt | head -1 | cut -d: -f1)
	rabbit=$(grep -n 'set up RabbitMQ' plan.txt | tail -1 | cut -d: -f1)
	first_nova=$(grep -n 'create zone nova' plan.txt | head -1 | cut -d: -f1)
	[ -n "$grants" ] && [ -n "$rabbit" ] && [ -n "$first_nova" ] &&
	    [ "$grants" -lt "$first_nova" ] && [ "$rabbit" -lt "$first_nova" ] ||
	    { echo "$ex: grants ($grants) / rabbitmq ($rabbit) not before the first nova zone ($first_nova)"; fail=1; }
done
exit $fail
