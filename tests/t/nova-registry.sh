#!/usr/bin/env bash
# nova.conf fragments against nova's own option registry, with hostile
# secrets: compile dev and prod (Zed) and folsom-dev (Folsom), check every
# zone's fragments together with tests/lib/check-oslo-conf.py, and read the
# URLs and passwords back the way nova does (nova-registry.py verify).
set -u
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
check=$ROOT/tests/lib/check-oslo-conf.py
if ! "$py" -c 'import nova.conf, sqlalchemy, oslo_messaging' 2>/dev/null; then
	echo "SKIP: $py cannot import nova.conf (tests/install-deps.sh test)"
	exit 77
fi
fail=0
t=$TMPDIR
for ex in dev prod folsom-dev; do
	zt=$ROOT/examples/$ex.zt
	release=zed
	[ $ex = folsom-dev ] && release=folsom
	"$ZTOPO" ir "$zt" >"$t/$ex.ir.json" || { echo "ir $ex failed"; fail=1; continue; }
	"$py" "$here/nova-registry.py" secrets "$t/$ex.ir.json" "$t/$ex.secrets" \
	    "$t/$ex.secrets.json" || { fail=1; continue; }
	if ! "$ZTOPO" compile "$zt" --secrets "$t/$ex.secrets" -o "$t/$ex" \
	    >"$t/$ex.log" 2>&1; then
		echo "compile $ex failed:"; cat "$t/$ex.log"; fail=1; continue
	fi
	# no secret value on stdout or stderr
	"$py" - "$t/$ex.secrets.json" "$t/$ex.log" <<'PY' || fail=1
import json, sys
values = json.load(open(sys.argv[1])).values()
log = open(sys.argv[2], encoding='utf-8', errors='replace').read()
bad = [v for v in values if v.strip() and v.strip() in log]
if bad:
    print('secret values on stdout/stderr of compile'); sys.exit(1)
PY
	n=0
	for d in "$t/$ex"/*/*/nova; do
		n=$((n + 1))
		if ! out=$("$py" "$check" --service nova --strict --release $release \
		    "$d"/*.conf 2>&1); then
			echo "check-oslo-conf.py --service nova --release $release $d:"
			echo "$out"
			fail=1
		else
			echo "$ex ${d#$t/$ex/}: $out"
		fi
	done
	[ $n -gt 0 ] || { echo "$ex: no nova fragment directories"; fail=1; }
	"$py" "$here/nova-registry.py" verify "$t/$ex.ir.json" "$t/$ex" \
	    "$t/$ex.secrets.json" || fail=1
done

# placement-specific facts, spelled out
zed_compute=$t/prod/cn1/global/nova
if grep -qE '^\[(api_)?database\]' "$zed_compute"/*.conf; then
	echo "zed nova-compute has a database section"; fail=1
fi
grep -q '^sql_connection = mysql://' "$t/folsom-dev/devbox/global/nova/20-ztopo-secrets.conf" ||
    { echo "folsom nova-compute lacks sql_connection"; fail=1; }
# prod: transport_url names both rabbitmq replicas (mq on ctl1 and ctl2)
mq=$("$py" -c '
import json, sys
ir = json.load(open(sys.argv[1]))
print(" ".join(sorted(s["address"] for s in ir["service_instances"]
                      if s["service"] == "rabbitmq")))' "$t/prod.ir.json")
[ "$(wc -w <<<"$mq")" = 2 ] || { echo "prod should place rabbitmq twice: $mq"; fail=1; }
for d in "$t"/prod/*/*/nova; do
	url=$(grep '^transport_url = ' "$d/20-ztopo-secrets.conf")
	for a in $mq; do
		grep -qF "@$a:5672" <<<"$url" ||
		    { echo "${d#$t/}: transport_url lacks $a"; fail=1; }
	done
done
exit $fail
