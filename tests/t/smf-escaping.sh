#!/usr/bin/env bash
# Hostile strings survive a manifest: a start command, environment values,
# a description, a working directory and a config value holding < > & ' "
# ]]> --> newlines, tabs, carriage returns and non-ASCII are escaped by
# libxml2 so that xmllint parses each back to exactly the bytes of the .zt,
# and the manifest stays valid (in-process --smf-dtd and xmllint, when the
# DTD is there).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZTOPO=${ZTOPO:-$ROOT/ztopo}
TMPDIR=${TMPDIR:-/tmp}
dtd=${ZTOPO_SMF_DTD:-$ROOT/../shared/smf/service_bundle.dtd.1}
command -v xmllint >/dev/null || { echo "SKIP: xmllint not found (libxml2-utils)"; exit 77; }
work=$(mktemp -d "$TMPDIR/smf.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cat >hostile.zt <<'ZT'
network admin { nic_tag admin; subnet 10.0.0.0/24; pool 10.0.0.100 10.0.0.110; }
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
host h1 { address admin 10.0.0.10; memory 8G; disk 100G; }
target t { zone app on h1; }
zone app { image base; memory 1G; quota 10G; nic admin; services web; }
service web {
    start "/bin/sh -c 'echo \"<a&b>\" > /tmp/x; echo \u{e9}t\u{e9} \u{2603} \u{1F600} ]]> --> &amp; %%'";
    environment { GREETING "<hello> & \"bye\" 'x'\n\tline2\r end"; EMPTY ""; }
    description "A <b>bold</b> & \"quoted\" ]]> <!-- c --> \u{e9}\nsecond\r\tline";
    working_directory "/var/tmp/a&b<c>";
    config { app { greeting "x<y>&\"z\"'"; } }
}
ZT
"$ZTOPO" compile hostile.zt -o out || { echo "compile failed"; exit 1; }
m=out/h1/app/smf/web.xml
fail=0
# expect XPATH PRINTF-FORMAT: the string value must be those bytes
expect() {
	xmllint --nonet --xpath "string($1)" "$m" >got || { echo "xmllint failed on $1"; fail=1; return; }
	# xmllint ends its output with a newline
	printf "$2\n" >want
	if cmp -s want got; then
		echo "ok - $1"
	else
		echo "not ok - $1"; od -c want | sed 's/^/  want /'; od -c got | sed 's/^/  got  /'
		fail=1
	fi
}
expect '//exec_method[@name="start"]/@exec' \
    "/bin/sh -c 'echo \"<a&b>\" > /tmp/x; echo \303\251t\303\251 \342\230\203 \360\237\230\200 ]]> --> &amp; %%%%'"
expect '//envvar[@name="GREETING"]/@value' "<hello> & \"bye\" 'x'\n\tline2\r end"
expect '//envvar[@name="EMPTY"]/@value' ""
expect '//template/description/loctext' "A <b>bold</b> & \"quoted\" ]]> <!-- c --> \303\251\nsecond\r\tline"
expect '//method_context/@working_directory' "/var/tmp/a&b<c>"
expect '//property_group[@name="app"]/propval[@name="greeting"]/@value' "x<y>&\"z\"'"
# nothing else: one service, one start method, two envvars
[ "$(xmllint --xpath 'count(//exec_method[@name="start"])' "$m")" = 1 ] &&
[ "$(xmllint --xpath 'count(//envvar)' "$m")" = 2 ] &&
[ "$(xmllint --xpath 'count(//service)' "$m")" = 1 ] ||
    { echo "not ok - the manifest's structure changed"; fail=1; }

if [ ! -f "$dtd" ]; then
	echo "SKIP: SMF DTD not found at $dtd; hostile manifest not validated"
	[ $fail = 0 ] && exit 77
	exit $fail
fi
"$ZTOPO" compile hostile.zt -o out2 --smf-dtd "$dtd" || { echo "not ok - --smf-dtd"; fail=1; }
ZTOPO_SMF_DTD=$dtd "$ROOT/tests/lib/smf-validate.sh" "$m" || fail=1
exit $fail
