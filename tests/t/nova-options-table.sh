#!/usr/bin/env bash
# backends/nova_options.c is what tests/gen-nova-options.py prints from the
# installed nova (regenerate it after upgrading python3-nova).
set -u
py=/usr/bin/python3
if ! "$py" -c 'import nova.conf' 2>/dev/null; then
	echo "SKIP: $py cannot import nova.conf (tests/install-deps.sh test)"
	exit 77
fi
"$py" "$ROOT/tests/gen-nova-options.py" >"$TMPDIR/nova_options.c" || exit 1
if ! diff -u "$ROOT/backends/nova_options.c" "$TMPDIR/nova_options.c"; then
	echo "backends/nova_options.c is stale: /usr/bin/python3 tests/gen-nova-options.py > backends/nova_options.c"
	exit 1
fi
