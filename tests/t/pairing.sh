#!/usr/bin/env bash
# Accounts and the services that use them agree, both ways (pairing.py):
# every MySQL account, RabbitMQ user and keystone service user ztopo
# creates is used by a URL or login it delivers to a service placed where
# the account says, with the same password, and every URL or login has its
# account -- for dev, prod and custom (custom services), compiled with
# real secret values.
set -u
fail=0
for ex in dev prod custom; do
	zt=$ROOT/examples/$ex.zt
	"$ZTOPO" secrets init "$zt" -o "$TMPDIR/$ex.secrets" >/dev/null 2>&1 ||
	    { echo "secrets init $ex failed"; fail=1; continue; }
	"$ZTOPO" compile "$zt" --secrets "$TMPDIR/$ex.secrets" -o "$TMPDIR/$ex" ||
	    { echo "compile $ex failed"; fail=1; continue; }
	"$ZTOPO" ir "$zt" >"$TMPDIR/$ex.json" || { fail=1; continue; }
	out=$(python3 "$ROOT/tests/t/pairing.py" "$TMPDIR/$ex" "$TMPDIR/$ex.json") ||
	    fail=1
	echo "$out" | sed "s/^/$ex: /"
done
# a broken pair is caught: an account nobody uses, a URL without account
sed -i "s/SET @ztopo_user = 'glance',/SET @ztopo_user = 'glancex',/" \
    "$TMPDIR"/dev/*/db/mysql/grants.sql
if python3 "$ROOT/tests/t/pairing.py" "$TMPDIR/dev" "$TMPDIR/dev.json" >"$TMPDIR/neg"; then
	echo "a renamed MySQL account went unnoticed"; fail=1
fi
grep -q "account 'glancex'@" "$TMPDIR/neg" && grep -q "no MySQL account glance@" "$TMPDIR/neg" ||
    { echo "pairing.py did not name both sides:"; cat "$TMPDIR/neg"; fail=1; }
# ... a RabbitMQ user and a keystone service user renamed
sed -i "s/rabbitmqctl add_user 'neutron'/rabbitmqctl add_user 'neutronx'/" \
    "$TMPDIR"/dev/*/mq/rabbitmq/setup.sh
sed -i "s/^user 'placement' /user 'placementx' /" "$TMPDIR"/dev/*/keystone/keystone/ztopo-catalog.sh
python3 "$ROOT/tests/t/pairing.py" "$TMPDIR/dev" "$TMPDIR/dev.json" >"$TMPDIR/neg2"
for want in "no RabbitMQ user neutron " "user neutronx is named by no URL" \
    "keystone login placement " "user placementx logs in from no configuration"; do
	grep -qF "$want" "$TMPDIR/neg2" || { echo "pairing.py missed: $want"; cat "$TMPDIR/neg2"; fail=1; }
done
exit $fail
