#!/usr/bin/env bash
# `ztopo graph` of every target of every example: Graphviz's dot accepts
# it (dot -Tsvg, no warnings); every placed host is a cluster, every zone
# instance a cluster nested in its host's, every global zone with services
# a dashed cluster of its own; every service instance is a node; every use
# is an edge, labelled with its credential when it has one.  The text is
# the same from another working directory.  Also: the committed pictures
# doc/img/dev.svg and doc/img/prod.svg are what `make` draws today.
set -u
command -v dot >/dev/null || { echo "SKIP: dot (graphviz) not installed (tests/install-deps.sh test)"; exit 77; }
cd "$TMPDIR" || exit 1
fail=0 n=0
for ex in "$ROOT"/examples/*.zt; do
	for t in $(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$ex"); do
		n=$((n + 1))
		"$ZTOPO" graph "$ex" -t "$t" >g.dot 2>err || { echo "$ex -t $t: graph failed"; cat err; fail=1; continue; }
		(cd / && "$ZTOPO" graph "$ex" -t "$t") | cmp -s - g.dot || { echo "$ex -t $t: differs from another directory"; fail=1; }
		dot -Tsvg -o g.svg g.dot 2>err || { echo "$ex -t $t: dot failed:"; cat err; fail=1; continue; }
		[ -s err ] && { echo "$ex -t $t: dot warned:"; cat err; fail=1; }
		grep -q '</svg>' g.svg || { echo "$ex -t $t: no SVG"; fail=1; }
		# the structure, from dot's own reading of the file (-Tcanon)
		"$ZTOPO" ir "$ex" -t "$t" >ir.json || { fail=1; continue; }
		dot -Tcanon g.dot >canon.dot || { fail=1; continue; }
		python3 - ir.json g.dot <<'PY' || { echo "  in $ex -t $t"; fail=1; }
import json, re, sys
ir = json.load(open(sys.argv[1])); g = open(sys.argv[2]).read()
bad = []
# nesting: walk the subgraph braces
stack, parent, kind = [], {}, {}
for line in g.splitlines():
    m = re.match(r'\s*subgraph "(cluster_[^"]*)" \{', line)
    if m:
        c = m.group(1); parent[c] = stack[-1] if stack else None; stack.append(c); continue
    if re.match(r'\s*\}\s*$', line) and stack:
        stack.pop(); continue
    m = re.match(r'\s*"([^"]+)" \[label=', line)
    if m:
        parent["node:" + m.group(1)] = stack[-1] if stack else None
for h in ir["hosts"]:
    if "cluster_host_" + h["name"] not in parent:
        bad.append("no cluster for host " + h["name"])
for z in ir["zone_instances"]:
    c = "cluster_zone_%s_%s" % (z["host"], z["zone"])
    if parent.get(c) != "cluster_host_" + z["host"]:
        bad.append("zone %s not nested in host %s" % (z["id"], z["host"]))
for si in ir["service_instances"]:
    want = ("cluster_global_%s" % si["host"]) if si["global"] else ("cluster_zone_%s_%s" % (si["host"], si["zone"]))
    node = "node:%s/%s/%s" % (si["host"], "global" if si["global"] else si["zone"], si["service"])
    if parent.get(node) != want:
        bad.append("service %s not in %s" % (si["id"], want))
    for e in si["uses"]:
        c = inst = None
        srv = e["server"]            # service@host/zone
        sname, rest = srv.split("@"); shost, szone = rest.split("/")
        edge = '"%s/%s/%s" -> "%s/%s/%s"' % (si["host"], "global" if si["global"] else si["zone"], si["service"], shost, szone, sname)
        line = [l for l in g.splitlines() if l.strip().startswith(edge)]
        if len(line) != 1:
            bad.append("edge %s appears %d times" % (edge, len(line))); continue
        if e.get("credential") and 'label="%s' % e["credential"] not in line[0]:
            bad.append("edge %s lacks its credential %s" % (edge, e["credential"]))
for h in ir["hosts"]:
    c = "cluster_global_" + h["name"]
    if h["global_services"] and not re.search(r'subgraph "%s" \{\s*label="global zone";\s*style="dashed' % re.escape(c), g):
        bad.append("global zone of %s is not a dashed cluster" % h["name"])
if bad:
    print("\n".join(bad[:20])); sys.exit(1)
PY
	done
done
[ $n -ge 3 ] || { echo "only $n targets"; fail=1; }

# the README's pictures are current
for ex in dev prod; do
	svg=$ROOT/doc/img/$ex.svg
	[ -f "$svg" ] || { echo "doc/img/$ex.svg missing (run make)"; fail=1; continue; }
	"$ZTOPO" graph "$ROOT/examples/$ex.zt" | dot -Tsvg >now.svg
	cmp -s now.svg "$svg" || { echo "doc/img/$ex.svg is out of date (run make)"; fail=1; }
done
exit $fail
