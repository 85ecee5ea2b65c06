#!/usr/bin/env bash
# The lock keeps pool addresses where they are (ztopo(5), LOCK FILE):
#  - a compile of the committed examples leaves their lock files as they are;
#  - a zone inserted at the front of prod's first placement list adds
#    exactly one lock line, and every file of the tree but the new zone's
#    payload, the playbook and MANIFEST stays byte-identical (so every URL
#    of every configuration file does);
#  - reordering a placement list changes no payload and no configuration
#    (comments listing clients in placement order aside);
#  - a released address is not handed out again in the same compile, and
#    is free again in the next one;
#  - --frozen, compile --check and lock --check see a lock that would change.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock . || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
compile() { "$ZTOPO" compile prod.zt -t prod --redact -o "$1" >/dev/null ||
	{ echo "compile -o $1 failed"; exit 1; }; }
# changed files of two trees, MANIFEST, the playbook and the inputs'
# fingerprint (.ztopo-stamp: it changes with any input) aside
changed() { diff -rq -x .ztopo-stamp "$1" "$2" | grep -v -e '/MANIFEST ' -e '/ansible/'; }

for f in *.lock; do
	"$ZTOPO" lock --check "${f%.lock}.zt" >/dev/null ||
	    bad "examples/$f is not up to date (ztopo lock examples/${f%.lock}.zt)"
done
compile before
cmp -s prod.lock "$ROOT/examples/prod.lock" || bad "compile rewrote prod.lock"
"$ZTOPO" check prod.zt --frozen || bad "check --frozen fails on the example"

# a zone at the front of the first placement list
python3 - <<'PY'
s = open('prod.zt').read()
s = s.replace("target prod {", "zone extra {\n    image base-64;\n"
    "    memory 512M;\n    nic admin;\n}\n\ntarget prod {", 1)
s = s.replace("zone [db, keystone", "zone [extra, db, keystone", 1)
open('prod.zt', 'w').write(s)
PY
grep -q 'zone \[extra, db' prod.zt || { echo "edit did not apply"; exit 1; }
"$ZTOPO" check prod.zt --frozen 2>frozen.err; rc=$?
[ $rc = 3 ] || bad "check --frozen with a new zone exited $rc, not 3"
grep -q '^+ prod extra@ctl1 admin ' frozen.err || bad "--frozen does not name the new line: $(cat frozen.err)"
"$ZTOPO" compile prod.zt -t prod --redact -o before --check >check.out; rc=$?
[ $rc = 3 ] || bad "compile --check exited $rc, not 3"
grep -qx 'changed prod.lock' check.out || bad "compile --check does not name prod.lock: $(cat check.out)"
cmp -s prod.lock "$ROOT/examples/prod.lock" || bad "compile --check wrote the lock"
compile after
added=$(diff "$ROOT/examples/prod.lock" prod.lock | grep -c '^>')
removed=$(diff "$ROOT/examples/prod.lock" prod.lock | grep -c '^<')
[ "$added" = 1 ] && [ "$removed" = 0 ] ||
    bad "the lock gained $added and lost $removed lines, not 1 and 0"
c=$(changed before after)
[ "$c" = "Only in after/ctl1/vmadm: extra.json" ] ||
    bad "inserting a zone changed more than its own payload:"$'\n'"$c"
urls() { grep -rhoE '[a-z+]+://[^ "]+' "$1" | sort; }
[ "$(urls before)" = "$(urls after | grep -v extra)" ] || bad "URLs moved"

# the second placement list reversed
sed -i 's/zone \[cache, nova-scheduler, nova-conductor, novnc\] on ctl2;/zone [novnc, nova-conductor, nova-scheduler, cache] on ctl2;/' prod.zt
grep -q 'zone \[novnc, nova-conductor' prod.zt || { echo "reorder did not apply"; exit 1; }
cp prod.lock lock.before
compile reordered
cmp -s prod.lock lock.before || bad "reordering changed the lock"
# only comments that list clients in placement order may move
c=$(diff -r -I '^#' -I '^--' -x MANIFEST -x ansible -x .ztopo-stamp after reordered)
[ -z "$c" ] || bad "reordering changed files:"$'\n'"$c"

# extra removed and extra2 added in one compile: not extra's address
addr() { sed -n "s/^prod $1@ctl1 admin //p" prod.lock; }
old=$(addr extra)
sed -i 's/zone \[extra, db,/zone [db,/; s/^zone extra {/zone extra2 {/' prod.zt
sed -i 's/^target prod {/target prod {\n    zone extra2 on ctl1;/' prod.zt
compile swapped
new=$(addr extra2)
[ -n "$old" ] && [ -n "$new" ] || bad "no address for extra ($old) or extra2 ($new)"
[ "$old" != "$new" ] || bad "extra2 got $new, the address extra released in the same compile"
[ -z "$(addr extra)" ] || bad "extra's line is still in the lock"
# the next compile may hand it out again: extra3 gets it
sed -i 's/^target prod {/zone extra3 { image base-64; memory 512M; nic admin; }\ntarget prod {\n    zone extra3 on ctl1;/' prod.zt
compile again
[ "$(addr extra3)" = "$old" ] || bad "extra3 got $(addr extra3), not the free $old"
[ "$(addr extra2)" = "$new" ] || bad "extra2 moved from $new to $(addr extra2)"
"$ZTOPO" lock --check prod.zt >/dev/null || bad "lock --check after compile -o reports a change"

# two nics on one network: lines NETWORK and NETWORK#2, each claimed by
# its own nic (swap their addresses in the lock and the payload follows)
sed -i 's/^target prod {/zone twin { image base-64; memory 512M; nic admin; nic admin; }\ntarget prod {\n    zone twin on ctl1;/' prod.zt
compile twin1
a1=$(sed -n 's/^prod twin@ctl1 admin //p' prod.lock)
a2=$(sed -n 's/^prod twin@ctl1 admin#2 //p' prod.lock)
[ -n "$a1" ] && [ -n "$a2" ] && [ "$a1" != "$a2" ] ||
    bad "twin's nics hold \"$a1\" and \"$a2\" in the lock"
ips() { python3 -c 'import json,sys; print(" ".join(n["ips"][0].split("/")[0] for n in json.load(open(sys.argv[1]))["nics"]))' "$1"; }
[ "$(ips twin1/ctl1/vmadm/twin.json)" = "$a1 $a2" ] ||
    bad "twin's payload has $(ips twin1/ctl1/vmadm/twin.json), not $a1 $a2"
sed -i "s/^prod twin@ctl1 admin $a1\$/prod twin@ctl1 admin X/; s/^prod twin@ctl1 admin#2 $a2\$/prod twin@ctl1 admin#2 $a1/; s/^prod twin@ctl1 admin X\$/prod twin@ctl1 admin $a2/" prod.lock
compile twin2
[ "$(ips twin2/ctl1/vmadm/twin.json)" = "$a2 $a1" ] ||
    bad "with the lock's lines swapped twin's payload has $(ips twin2/ctl1/vmadm/twin.json), not $a2 $a1"
exit $fail
