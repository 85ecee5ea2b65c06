#!/usr/bin/env bash
# tests/lib/smf-validate.sh FILE... - validate SMF manifests offline.
#
# Each FILE is validated with `xmllint --noout --nonet --dtdvalid DTD`, where
# DTD is illumos' service_bundle.dtd.1:
#   ${ZTOPO_SMF_DTD:-<repo>/../shared/smf/service_bundle.dtd.1}
# A temporary XML catalog maps the system id manifests declare,
# /usr/share/lib/xml/dtd/service_bundle.dtd.1, to that same DTD, so nothing
# is fetched and no system catalog is read. Beyond the DTD's content models,
# it checks what `svccfg import` checks first: the DOCTYPE is exactly
#   <!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
# (xmllint --valid through the catalog: no DOCTYPE, another system id or
# another root element fail) and the bundle's type is "manifest".
#
# Exit 0 (prints `ok: N SMF manifests valid`), 1 if any FILE is invalid,
# 2 on usage errors, 77 (SKIP) when the DTD or xmllint is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
sysid=/usr/share/lib/xml/dtd/service_bundle.dtd.1
dtd=${ZTOPO_SMF_DTD:-$repo/../shared/smf/service_bundle.dtd.1}
me=smf-validate

if [ $# -eq 0 ]; then
  echo "usage: $0 FILE..." >&2
  exit 2
fi
if [ ! -f "$dtd" ]; then
  echo "SKIP: SMF DTD not found at $dtd; SMF manifests not validated" >&2
  exit 77
fi
if ! command -v xmllint >/dev/null 2>&1; then
  echo "SKIP: xmllint not found (libxml2-utils); SMF manifests not validated" >&2
  exit 77
fi
dtd=$(cd "$(dirname "$dtd")" && pwd)/$(basename "$dtd")

# XML_CATALOG_FILES is a space-separated list: keep its path plain
base=${TMPDIR:-/tmp}
case $base in *[!A-Za-z0-9_./-]*) base=/tmp ;; esac
tmp=$(mktemp -d "$base/ztsmf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ln -s "$dtd" "$tmp/service_bundle.dtd.1"
cat >"$tmp/catalog.xml" <<EOF
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <system systemId="$sysid" uri="service_bundle.dtd.1"/>
</catalog>
EOF
export XML_CATALOG_FILES=$tmp/catalog.xml

bad=0
for f in "$@"; do
  if [ ! -r "$f" ] || [ -d "$f" ]; then
    echo "$f: cannot read" >&2
    bad=$((bad + 1))
    continue
  fi
  # 1. the DTD's content models (the part svccfg calls "not valid")
  if ! xmllint --noout --nonet --dtdvalid "$dtd" "$f"; then
    bad=$((bad + 1))
    continue
  fi
  # 2. DOCTYPE and root element, as svccfg requires them
  if ! xmllint --noout --nonet --valid "$f"; then
    echo "$f: needs <!DOCTYPE service_bundle SYSTEM \"$sysid\"> and root element service_bundle" >&2
    bad=$((bad + 1))
    continue
  fi
  # 3. svccfg import takes manifests only (not profiles or archives)
  type=$(xmllint --nonet --xpath 'string(/service_bundle/@type)' "$f")
  if [ "$type" != manifest ]; then
    echo "$f: service_bundle type is \"$type\", svccfg import needs \"manifest\"" >&2
    bad=$((bad + 1))
  fi
done

if [ "$bad" -gt 0 ]; then
  echo "$me: $bad of $# SMF manifests invalid" >&2
  exit 1
fi
echo "ok: $# SMF manifests valid"
