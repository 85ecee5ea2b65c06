#!/usr/bin/env bash
# Every SMF manifest compiled from every example is
#  1. semantically sound per the SMF reference (what svccfg import and
#     svc.startd check beyond the DTD): service, instance, dependency,
#     method and property group names are SMF names; dependency FMRIs are
#     local service FMRIs; start and stop exist with numeric timeouts; no
#     two siblings share a name (dependencies, methods and property groups
#     all become property groups); envvars unique, none SMF_*; every
#     loctext has text; the DOCTYPE's system id is svccfg's;
#  2. valid in-process: ztopo compile --smf-dtd with the real DTD;
#  3. valid for xmllint against the real DTD (tests/lib/smf-validate.sh).
# 2 and 3 need $ROOT/../shared/smf/service_bundle.dtd.1 (or
# $ZTOPO_SMF_DTD); without it: a visible SKIP (77) after 1.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZTOPO=${ZTOPO:-$ROOT/ztopo}
TMPDIR=${TMPDIR:-/tmp}
dtd=${ZTOPO_SMF_DTD:-$ROOT/../shared/smf/service_bundle.dtd.1}
work=$(mktemp -d "$TMPDIR/smf-examples.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail=0
: >"$work/all"

for f in "$ROOT"/examples/*.zt; do
	ex=$(basename "$f" .zt)
	targets=$(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$f")
	[ -n "$targets" ] || continue		# a library: nothing to compile
	for t in $targets; do
		out=$work/$ex-$t
		if ! "$ZTOPO" compile "$f" -t "$t" --redact -o "$out" 2>"$work/err"; then
			echo "$ex -t $t: compile failed:"; cat "$work/err"; fail=1; continue
		fi
		find "$out" -path '*/smf/*.xml' -type f | LC_ALL=C sort >>"$work/all"
	done
done
n=$(wc -l <"$work/all")
[ "$n" -gt 0 ] || { echo "no SMF manifests compiled from examples/"; exit 1; }

# 1. semantic rules
if ! command -v python3 >/dev/null; then
	echo "note: python3 missing; semantic checks skipped"
elif ! python3 - "$work/all" <<'PY'
import re, sys, xml.etree.ElementTree as ET
IDENT = r'[A-Za-z][A-Za-z0-9_-]*'
COMP = r'(?:[A-Za-z][A-Za-z0-9_.-]*,)?' + IDENT
NAME = re.compile(COMP + r'$')
SVC = re.compile(COMP + r'(?:/' + COMP + r')*$')
FMRI = re.compile(r'svc:/(' + COMP + r'(?:/' + COMP + r')*)(?::(' + COMP + r'))?$')
SYSID = '<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">'
bad = 0
def err(f, msg):
    global bad
    bad += 1
    print(f"{f}: {msg}")
for f in open(sys.argv[1]).read().split():
    text = open(f, encoding='utf-8').read()
    if SYSID not in text.split('\n')[1]:
        err(f, "second line is not svccfg's DOCTYPE")
    root = ET.fromstring(text.encode())
    if root.tag != 'service_bundle' or root.get('type') != 'manifest' or not root.get('name'):
        err(f, 'not a named manifest bundle')
    for svc in root.findall('service'):
        name = svc.get('name', '')
        if not SVC.match(name) or len(name) > 119:
            err(f, f'bad service name {name!r}')
        insts = [i.get('name') for i in svc.findall('instance')]
        if svc.find('create_default_instance') is not None:
            insts.append('default')
        if not insts:
            err(f, 'no instance')
        for i in insts:
            if not NAME.match(i or ''):
                err(f, f'bad instance name {i!r}')
        siblings = [e.get('name') for e in svc
                    if e.tag in ('dependency', 'dependent', 'exec_method', 'property_group')]
        for s in siblings:
            if not NAME.match(s or '') or len(s) > 119:
                err(f, f'bad property group name {s!r}')
        dups = {s for s in siblings if siblings.count(s) > 1}
        if dups:
            err(f, f'duplicate sibling names {sorted(dups)}')
        for d in svc.findall('dependency'):
            for sf in d.findall('service_fmri'):
                if not FMRI.match(sf.get('value', '')):
                    err(f, f"dependency {d.get('name')}: bad FMRI {sf.get('value')!r}")
        methods = {m.get('name'): m for m in svc.findall('exec_method')}
        for need in ('start', 'stop'):
            if need not in methods:
                err(f, f'no {need} method')
        for m in methods.values():
            if not re.fullmatch(r'[0-9]+', m.get('timeout_seconds', '')):
                err(f, f"method {m.get('name')}: timeout {m.get('timeout_seconds')!r}")
            if not m.get('exec'):
                err(f, f"method {m.get('name')}: empty exec")
        envs = [e.get('name') for e in svc.iter('envvar')]
        if len(envs) != len(set(envs)) or any(e.startswith('SMF_') or '=' in e or not e for e in envs):
            err(f, f'bad envvars {envs}')
        for pg in svc.findall('property_group'):
            names = [p.get('name') for p in pg]
            if len(names) != len(set(names)):
                err(f, f"property group {pg.get('name')}: duplicate properties")
            for p in pg.findall('propval'):
                if p.get('type') == 'boolean' and p.get('value') not in ('true', 'false'):
                    err(f, f"{pg.get('name')}/{p.get('name')}: bad boolean")
        for lt in svc.iter('loctext'):
            if not (lt.text or '').strip():
                err(f, 'empty loctext')
sys.exit(1 if bad else 0)
PY
then
	fail=1
fi
[ $fail = 0 ] && echo "ok: $n manifests from examples/ are semantically sound"

# 2 and 3 need the DTD
if [ ! -f "$dtd" ]; then
	echo "SKIP: SMF DTD not found at $dtd; manifests not validated against it"
	[ $fail = 0 ] && exit 77
	exit $fail
fi
for f in "$ROOT"/examples/*.zt; do
	targets=$(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$f")
	for t in $targets; do
		if ! "$ZTOPO" compile "$f" -t "$t" --redact --smf-dtd "$dtd" \
		    -o "$work/dtd-$(basename "$f" .zt)-$t" 2>"$work/err"; then
			echo "$(basename "$f") -t $t: --smf-dtd failed:"; cat "$work/err"; fail=1
		fi
	done
done
[ $fail = 0 ] && echo "ok: every example compiles with --smf-dtd $dtd"
ZTOPO_SMF_DTD=$dtd "$ROOT/tests/lib/smf-validate.sh" $(cat "$work/all")
st=$?
[ $st = 77 ] && { [ $fail = 0 ] && exit 77; exit $fail; }
[ $st = 0 ] || fail=1
exit $fail
