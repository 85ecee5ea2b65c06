#!/usr/bin/env bash
# The dev target boots for real: examples/dev.zt compiled, its plan carried
# out step by step with Linux namespaces standing in for its zones, and
# Debian's Zed services (MariaDB, RabbitMQ, memcached, keystone, glance,
# placement, neutron, nova's API, scheduler, conductor and noVNC proxy)
# started with the generated files and the start commands of the generated
# SMF manifests.  It proves that keystone issues the admin a token, that
# the catalog holds exactly the endpoints of `ztopo ir`, that
# nova-scheduler and nova-conductor report up, that the cells carry the
# configured URLs, that every API answers with a token, and that MariaDB
# refuses a granted user from an address the grants do not name.  What
# stands in for SmartOS, and nothing else, is listed in tests/lib/e2e.py.
#
# Then the test of the test: the same run with one grant's client address
# edited by hand (keystone's), and with one URL's port edited (glance-api's
# database), must fail, naming that service.
#
# Needs root and the packages of `tests/install-deps.sh e2e`; skips only
# when namespaces cannot be created.  Everything it starts lives in
# namespaces that die with it, even on SIGKILL; it adds nothing to the
# machine's own network.  Alone: `make e2e`.
set -euo pipefail
py=/usr/bin/python3
if [ "$(id -u)" -ne 0 ] ||
    ! unshare --net --mount --uts --pid --fork true 2>/dev/null; then
	echo "SKIP: cannot create network namespaces here (needs root)"
	exit 77
fi
missing=
for p in /usr/sbin/mariadbd /usr/sbin/rabbitmq-server /usr/bin/memcached \
    /usr/bin/uwsgi_python3 /usr/bin/keystone-wsgi-public /usr/bin/glance-api \
    /usr/bin/placement-api /usr/bin/neutron-server /usr/bin/nova-api \
    /usr/bin/nova-scheduler /usr/bin/nova-conductor /usr/bin/nova-novncproxy \
    /usr/bin/openstack /usr/bin/curl /usr/bin/nsenter /usr/bin/setpriv; do
	[ -x "$p" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "e2e-boot: not installed:$missing (run tests/install-deps.sh e2e)" >&2
	exit 1
fi

# every zone of a run is a process whose arguments name its work directory
left_behind() {
	if pgrep -f "$1/zones/" >/dev/null; then
		echo "e2e-boot: processes of $1 left behind:" >&2
		pgrep -af "$1/zones/" >&2
		return 1
	fi
}

run() { # NAME ARGS...: one run of e2e.py in its own work directory
	local name=$1 rc=0
	shift
	timeout -k 30 1200 "$py" "$ROOT/tests/lib/e2e.py" --ztopo "$ZTOPO" \
	    --zt "$ROOT/examples/dev.zt" --work "$TMPDIR/$name" "$@" || rc=$?
	left_behind "$TMPDIR/$name"
	rm -rf "$TMPDIR/$name"
	if [ "$rc" -ne 0 ]; then
		echo "e2e-boot: run $name failed (exit $rc)" >&2
		return 1
	fi
}

run boot
run broken-grant --break-grant keystone
run broken-port --break-port glance-api
echo "e2e-boot: ok"
