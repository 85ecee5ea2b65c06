#!/usr/bin/env bash
# A service's `ports` is one fact: it reaches the role's start command in
# the SMF manifest and every URL other services are given, for memcached,
# keystone and placement-api (and the defaults still apply without it).
set -u
fail=0
cp "$ROOT/examples/dev.zt" "$TMPDIR/dev.zt"
sed -e 's/^service memcached { role memcached; }/service memcached { role memcached; ports 11222; }/' \
    -e '/^    role keystone;$/a\    ports [5001, 35358];' \
    -e '/^    role placement-api;$/a\    ports 8779;' \
    "$ROOT/examples/openstack.zt" >"$TMPDIR/openstack.zt"
grep -q 'ports 11222' "$TMPDIR/openstack.zt" && grep -q 'ports 8779' "$TMPDIR/openstack.zt" &&
    grep -q 'ports \[5001' "$TMPDIR/openstack.zt" ||
    { echo "could not set the ports"; exit 1; }
"$ZTOPO" compile "$TMPDIR/dev.zt" --redact -o "$TMPDIR/out" >/dev/null ||
    { echo "compile failed"; exit 1; }
"$ZTOPO" compile "$ROOT/examples/dev.zt" --redact -o "$TMPDIR/default" >/dev/null ||
    { echo "compile of dev.zt failed"; exit 1; }
has() {		# has TREE FILE TEXT: FILE of TREE holds TEXT
	if ! grep -qF -- "$3" "$1/$2"; then
		echo "$2 lacks: $3"
		grep -n 'exec=\|memcached_servers\|auth_url\|www_auth' "$1/$2" | head -5
		fail=1
	fi
}
o=$TMPDIR/out/devbox d=$TMPDIR/default/devbox
# start commands
has "$o" cache/smf/memcached.xml 'memcached -u nobody -p 11222'
has "$o" keystone/smf/keystone.xml '--http-socket :5001 '
has "$o" placement/smf/placement-api.xml '--http-socket :8779 --wsgi-file /opt/local/bin/placement-api'
has "$d" cache/smf/memcached.xml 'memcached -u nobody -p 11211'
has "$d" keystone/smf/keystone.xml '--http-socket :5000 '
has "$d" placement/smf/placement-api.xml '--http-socket :8778 --wsgi-file /opt/local/bin/placement-api'
# URLs: the nova-api zone's fragment
conf=$(cd "$o/nova-api/nova" && ls *.conf | head -1)
has "$o" "nova-api/nova/$conf" ':11222'
has "$o" "nova-api/nova/$conf" 'www_authenticate_uri = http://'
grep -q 'www_authenticate_uri = http://[0-9.]*:5001/' "$o/nova-api/nova/$conf" ||
    { echo "www_authenticate_uri does not use port 5001"; fail=1; }
grep -q 'auth_url = http://[0-9.]*:5001/' "$o/nova-api/nova/$conf" ||
    { echo "auth_url does not use port 5001"; fail=1; }
# nothing still says a default port
if grep -rqE ':(11211|5000|8778)\b|-p 11211|--port 8778' "$o"; then
	echo "a default port survived:"
	grep -rnE ':(11211|5000|8778)\b|-p 11211|--port 8778' "$o" | head
	fail=1
fi
exit $fail
