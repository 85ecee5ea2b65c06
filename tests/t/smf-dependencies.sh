#!/usr/bin/env bash
# uses edges and SMF dependencies (and the fmri setting): a use whose server runs in the same zone
# instance becomes a <dependency> on the server's FMRI (generated, the
# package's for packaged mysql, or the one `fmri` gives); a use that
# crosses zones (same host) or hosts becomes none, although the IR has
# the edge.  The global zone is a zone like any other.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZTOPO=${ZTOPO:-$ROOT/ztopo}
TMPDIR=${TMPDIR:-/tmp}
command -v xmllint >/dev/null || { echo "SKIP: xmllint not found (libxml2-utils)"; exit 77; }
work=$(mktemp -d "$TMPDIR/smf.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cat >deps.zt <<'ZT'
network admin { nic_tag admin; subnet 10.0.0.0/24; pool 10.0.0.100 10.0.0.120; }
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
secret db-pw;
credential web-db { kind mysql; user web; databases web; password db-pw; }
host h1 { address admin 10.0.0.10; memory 8G; disk 100G; }
host h2 { address admin 10.0.0.11; memory 8G; disk 100G; }
target t { zone [app, side] on h1; zone far on h2; global [g1, g2] on h1; }
zone app { image base; memory 1G; quota 10G; nic admin; services [web, worker, mysql, queue]; }
zone side { image base; memory 1G; quota 10G; nic admin; services cache; }
zone far { image base; memory 1G; quota 10G; nic admin; services api; }
service web {
    start "/opt/web/bin/web";
    uses worker;
    uses mysql via web-db;
    uses queue;
    uses cache;
}
service worker { start "/opt/web/bin/worker"; uses cache; fmri "acme,site/worker:blue"; }
service mysql { role mysql; }
service queue { start "/bin/q"; manifest packaged; fmri "svc:/pkgsrc/queue:default"; }
service cache { start "/bin/cache"; }
service api { start "/bin/api"; uses web; }
service g1 { start "/bin/g1"; uses g2; }
service g2 { start "/bin/g2"; }
ZT
"$ZTOPO" compile deps.zt --redact -o out || { echo "compile failed"; exit 1; }
"$ZTOPO" ir deps.zt >ir.json || { echo "ir failed"; exit 1; }
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }

# deps FILE: "name=fmri" per dependency, in order
deps() {
	local n i
	n=$(xmllint --xpath 'count(//dependency)' "$1")
	for i in $(seq 1 "$n"); do
		printf '%s=%s\n' "$(xmllint --xpath "string(//dependency[$i]/@name)" "$1")" \
		    "$(xmllint --xpath "string(//dependency[$i]/service_fmri/@value)" "$1")"
	done
}
check() {	# FILE EXPECTED-LINES...
	local f=$1; shift
	local want got
	want=$(printf '%s\n' "$@")
	got=$(deps "$f")
	if [ "$want" = "$got" ]; then ok "$f"; else no "$f"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'; fi
}
base=("network=svc:/milestone/network:default" "filesystem=svc:/system/filesystem/local")
check out/h1/app/smf/web.xml "${base[@]}" \
    "uses-worker=svc:/acme,site/worker:blue" \
    "uses-mysql=svc:/pkgsrc/mysql:default" \
    "uses-queue=svc:/pkgsrc/queue:default"
check out/h1/app/smf/worker.xml "${base[@]}"
check out/h1/side/smf/cache.xml "${base[@]}"
check out/h2/far/smf/api.xml "${base[@]}"
check out/h1/global/smf/g1.xml "${base[@]}" "uses-g2=svc:/site/g2:default"
for f in out/h1/app/smf/web.xml out/h1/global/smf/g1.xml; do
	n=$(xmllint --xpath 'count(//dependency[starts-with(@name,"uses-")])' "$f")
	m=$(xmllint --xpath 'count(//dependency[starts-with(@name,"uses-")][@grouping="require_all"][@restart_on="none"][@type="service"])' "$f")
	[ "$n" -gt 0 ] && [ "$n" = "$m" ] && ok "$f: uses dependencies are require_all, restart_on none" ||
	    no "$f: uses dependencies are not all require_all/none ($m of $n)"
done
# an fmri with an instance other than default: an explicit <instance>
w=out/h1/app/smf/worker.xml
[ "$(xmllint --xpath 'string(/service_bundle/service/@name)' "$w")" = acme,site/worker ] &&
[ "$(xmllint --xpath 'count(//create_default_instance)' "$w")" = 0 ] &&
[ "$(xmllint --xpath 'string(//instance[@name="blue"]/@enabled)' "$w")" = true ] &&
    ok "fmri acme,site/worker:blue: service acme,site/worker, instance blue" ||
    no "fmri acme,site/worker:blue is not service acme,site/worker with instance blue"
# packaged services get no manifest
[ ! -e out/h1/app/smf/mysql.xml ] && [ ! -e out/h1/app/smf/queue.xml ] && ok "no manifest for packaged services" ||
    no "packaged services got a manifest"
# the cross-zone and cross-host edges are in the IR, just not in SMF
for e in '"client": "web@h1/app",' '"client": "worker@h1/app",' '"client": "api@h2/far",'; do
	grep -A5 -F "$e" ir.json | grep -q '"same_zone": false' && ok "IR edge $e crosses zones" ||
	    no "IR has no cross-zone edge for $e"
done
exit $fail
