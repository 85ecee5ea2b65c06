#!/usr/bin/env bash
# DIR/MANIFEST: sorted by path, one sha256sum line per file, so that
# `sha256sum -c --ignore-missing MANIFEST` verifies the tree; files that
# hold secrets are listed on '# secret, not hashed: PATH' lines (skipped by
# sha256sum), because the MANIFEST is committed and the hash of a file
# holding a short password gives the password away.  So MANIFEST is the
# same with --redact and with real secrets, and a checkout without the
# (gitignored) secret files still verifies and passes --redact --check.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
fail=0
: >secrets.txt; chmod 600 secrets.txt
for s in $(sed -n 's/^secret \([a-z0-9-]*\);.*/\1/p' openstack.zt); do
	echo "$s=S3cret-$s-\$x@y" >>secrets.txt
done
[ -s secrets.txt ] || { echo "no secrets in openstack.zt?"; exit 1; }

"$ZTOPO" compile dev.zt --redact -o redacted || { echo "redacted compile failed"; exit 1; }
"$ZTOPO" compile dev.zt --secrets secrets.txt -o out || { echo "compile with secrets failed"; exit 1; }
cmp -s redacted/MANIFEST out/MANIFEST || { echo "MANIFEST differs between --redact and real secrets:"; diff redacted/MANIFEST out/MANIFEST; fail=1; }

(cd out && sha256sum --strict -c --ignore-missing MANIFEST >/dev/null) ||
    { echo "sha256sum -c failed"; (cd out && sha256sum -c --ignore-missing MANIFEST | grep -v ': OK$'); fail=1; }
grep -v -E '^([0-9a-f]{64}  |# secret, not hashed: )[^ ]' out/MANIFEST && { echo "malformed lines above"; fail=1; }
sed -E 's/^([0-9a-f]{64}  |# secret, not hashed: )//' out/MANIFEST >listed
LC_ALL=C sort -c listed || { echo "MANIFEST not sorted by path"; fail=1; }
(cd out && find . -type f ! -name MANIFEST -printf '%P\n' | LC_ALL=C sort) >present
cmp -s listed present || { echo "MANIFEST does not list exactly the files:"; diff listed present; fail=1; }

secret_files=$(sed -n 's/^# secret, not hashed: //p' out/MANIFEST)
for f in $secret_files; do
	h=$(sha256sum "out/$f" | cut -c1-64)
	grep -q "$h" out/MANIFEST && { echo "MANIFEST holds the hash of secret file $f"; fail=1; }
	m=$(stat -c %a "out/$f")
	case $m in 600|700) ;; *) echo "secret file $f has mode $m"; fail=1 ;; esac
done
if grep -F -f <(sed 's/^[^=]*=//' secrets.txt) out/MANIFEST; then echo "a secret value is in MANIFEST"; fail=1; fi
if [ -z "$secret_files" ]; then
	echo "note: no secret files generated (backends not there yet?)"
else
	# a checkout: the gitignored secret files are not there
	for f in $secret_files; do rm "out/$f"; done
	(cd out && sha256sum --strict -c --ignore-missing MANIFEST >/dev/null) || { echo "checkout does not verify"; fail=1; }
	"$ZTOPO" compile dev.zt --redact -o out --check >o.txt 2>&1
	st=$?
	[ $st = 0 ] || { echo "checkout --redact --check: exit $st"; cat o.txt; fail=1; }
	# compiling with secrets puts them back, with their modes
	"$ZTOPO" compile dev.zt --secrets secrets.txt -o out || fail=1
	for f in $secret_files; do [ -f "out/$f" ] || { echo "$f not restored"; fail=1; }; done
	# with real secrets, --check compares secret files too
	"$ZTOPO" compile dev.zt --secrets secrets.txt -o out --check || { echo "--check with secrets: not up to date"; fail=1; }
fi
exit $fail
