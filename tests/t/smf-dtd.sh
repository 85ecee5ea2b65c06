#!/usr/bin/env bash
# compile --smf-dtd validates every manifest in-process before anything is
# written: a DTD the manifests do not satisfy, a file that is not a DTD or
# a missing file is an error (exit 1; a missing file: exit 2) and leaves
# the output tree as it was; the real DTD passes.  Without --smf-dtd nothing is validated.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZTOPO=${ZTOPO:-$ROOT/ztopo}
TMPDIR=${TMPDIR:-/tmp}
dtd=${ZTOPO_SMF_DTD:-$ROOT/../shared/smf/service_bundle.dtd.1}
work=$(mktemp -d "$TMPDIR/smf.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ex=$ROOT/examples/folsom-dev.zt
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }

"$ZTOPO" compile "$ex" --redact -o out || { echo "compile failed"; exit 1; }
before=$(cd out && find . -type f -exec sha256sum {} + | sort)

# refuse DTD NAME MESSAGE [STATUS]: exit STATUS (1), MESSAGE on stderr,
# tree unchanged
refuse() {
	"$ZTOPO" compile "$ex" --redact --smf-dtd "$1" -o out 2>err
	st=$?
	if [ $st = "${4:-1}" ] && grep -qF -- "$3" err &&
	    [ "$before" = "$(cd out && find . -type f -exec sha256sum {} + | sort)" ]; then
		ok "$2"
	else
		no "$2 (exit $st)"; sed 's/^/    /' err | head -5
	fi
	"$ZTOPO" compile "$ex" --redact --smf-dtd "$1" -o fresh 2>/dev/null
	[ ! -e fresh ] || { no "$2: wrote fresh/"; rm -rf fresh; }
}

# a DTD whose service_bundle must be empty: every manifest is invalid
printf '<!ELEMENT service_bundle EMPTY>\n<!ATTLIST service_bundle type CDATA #REQUIRED name CDATA #REQUIRED>\n' >empty.dtd
refuse empty.dtd "manifests invalid against a DTD" \
    "internal error: the generated SMF manifest devbox/mq/smf/rabbitmq.xml is not valid against empty.dtd: line 3: "
[ "$(grep -c 'is not valid against' err)" = 9 ] && ok "every invalid manifest is reported" ||
    no "every invalid manifest is reported: $(grep -c 'is not valid against' err) of 9"
printf '<!ELEMENT service_bundle (\n' >garbage.dtd
refuse garbage.dtd "a file that is not a DTD" "cannot use the SMF DTD garbage.dtd"
refuse no-such.dtd "a missing DTD" "ztopo: --smf-dtd no-such.dtd: No such file or directory" 2

if [ ! -f "$dtd" ]; then
	echo "SKIP: SMF DTD not found at $dtd; the real DTD not tried"
	[ $fail = 0 ] && exit 77
	exit $fail
fi
# the real DTD without single_instance in <service>: ztopo's manifests
# have it, so the in-process validation must catch it
sed 's/( create_default_instance?, single_instance?, restarter?,/( create_default_instance?, restarter?,/' "$dtd" >nosingle.dtd
cmp -s "$dtd" nosingle.dtd && { echo "the DTD edit did not apply"; exit 1; }
refuse nosingle.dtd "the real DTD, edited" "Element service content does not follow the DTD"
"$ZTOPO" compile "$ex" --redact --smf-dtd "$dtd" -o out 2>err && [ ! -s err ] &&
    ok "the real DTD accepts every manifest" || { no "the real DTD"; cat err; }
exit $fail
