#!/usr/bin/env bash
# Every oslo.config file ztopo writes for dev and prod, read the way its
# service reads it (a config dir's fragments together, neutron's with
# ml2_conf.ini, placement's placement.conf with its environment file),
# against the service's own Zed option registry with
# tests/lib/check-oslo-conf.py --strict: an unknown section or option, a
# bad value or a deprecated option fails.  Folsom's nova.conf,
# keystone.conf, glance-api.conf and glance-registry.conf against the
# Folsom-era names.
set -u
py=/usr/bin/python3
check=$ROOT/tests/lib/check-oslo-conf.py
# one process each: these projects cannot share one interpreter
for m in nova.conf keystone.conf glance.opts placement.conf neutron.opts; do
	if ! "$py" -c "import $m" 2>/dev/null; then
		echo "SKIP: $py cannot import $m (tests/install-deps.sh test)"
		exit 77
	fi
done
fail=0
for ex in dev prod folsom-dev; do
	"$ZTOPO" compile "$ROOT/examples/$ex.zt" --redact -o "$TMPDIR/$ex" ||
	    { echo "compile $ex failed"; fail=1; continue; }
	seen=
	for d in "$TMPDIR/$ex"/*/*/*/; do
		d=${d%/}
		args=()
		case ${d##*/} in
		nova) svc=nova ;;
		keystone) svc=keystone ;;
		glance) svc=glance-api ;;
		glance-registry) svc=glance-registry ;;
		placement) svc=placement ;;
		neutron) svc=neutron ;;
		*) continue ;;
		esac
		[ $ex = folsom-dev ] && args+=(--release folsom)
		files=()
		for f in "$d"/*.conf "$d"/*.ini; do
			[ -f "$f" ] && files+=("$f")
		done
		[ -f "$d/ztopo-secrets.env" ] && args+=(--env "$d/ztopo-secrets.env")
		if ! out=$("$py" "$check" --service $svc --strict "${args[@]}" "${files[@]}" 2>&1); then
			echo "$ex ${d#"$TMPDIR/$ex/"} ($svc):"; echo "$out"; fail=1
		else
			echo "$ex ${d#"$TMPDIR/$ex/"} ($svc): $out"
		fi
		seen="$seen $svc"
	done
	want="nova keystone glance-api placement neutron"
	[ $ex = folsom-dev ] && want="nova keystone glance-api glance-registry"
	if true; then
		for svc in $want; do
			case " $seen " in *" $svc "*) ;; *) echo "$ex: no $svc files"; fail=1 ;; esac
		done
	fi
done
exit $fail
