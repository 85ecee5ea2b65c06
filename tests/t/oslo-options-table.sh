#!/usr/bin/env bash
# backends/oslo_options.c is what tests/gen-oslo-options.py prints from the
# installed services and libraries (regenerate it after upgrading them).
set -u
py=/usr/bin/python3
missing=
for m in nova.conf:python3-nova keystone.conf:python3-keystone \
	glance.opts:python3-glance placement.conf:python3-placement \
	neutron.opts:python3-neutron; do
	# one interpreter each: the projects do not import side by side
	if ! "$py" -c "import ${m%%:*}" >/dev/null 2>&1; then
		missing="$missing ${m#*:}"
	fi
done
if [ -n "$missing" ]; then
	echo "SKIP: $py cannot import the services; missing:$missing"
	exit 77
fi
"$py" "$ROOT/tests/gen-oslo-options.py" >"$TMPDIR/oslo_options.c" || exit 1
if ! diff -u "$ROOT/backends/oslo_options.c" "$TMPDIR/oslo_options.c"; then
	echo "backends/oslo_options.c is stale: /usr/bin/python3 tests/gen-oslo-options.py > backends/oslo_options.c"
	exit 1
fi
