#!/usr/bin/env bash
# An unchanged recompile finds the tree current from .ztopo-stamp (the
# fingerprint of its inputs, stamp.c) and generates nothing -- so every
# input must be in the fingerprint, and a tree that is no longer what it
# was written as must not pass for current.  After each change below, a
# recompile of the same tree must give exactly the tree a fresh compile
# gives (every path, mode and byte), and a compile run twice must leave
# the tree untouched (inodes and mtimes):
#   an included file, the lock, a secret value (file and environment),
#   --redact, the ztopo binary itself; a secret file edited in the tree
#   (MANIFEST has no hash of it: the stamp's does), a file removed.
# When only the stamp changes (a comment, another binary), the tree stays
# -- the same directory, every other file's inode and mtime -- and the
# stamp alone is replaced.
# The stamp is mode 0600 and git-ignored (it hashes secret values), the
# same from any directory, and --check does not list it.
set -u
cd "$TMPDIR" || exit 1
mkdir d && cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock d/ || exit 1
cd d || exit 1
"$ZTOPO" secrets init dev.zt -o secrets >/dev/null || exit 1
fail=0
snap() { (cd "$1" && find . -printf '%P %y %m\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
inodes() { (cd "$1" && find . -printf '%P %i %T@\n' | sort); }
# compile into out (kept) and into a fresh tree; they must be the same
same() { # WHAT ARGS...
	local what=$1
	shift
	"$ZTOPO" compile dev.zt -o out "$@" 2>err || { echo "$what: compile failed:"; cat err; fail=1; return; }
	rm -rf fresh
	"$ZTOPO" compile dev.zt -o fresh "$@" 2>err || { echo "$what: fresh compile failed"; fail=1; return; }
	[ "$(snap out)" = "$(snap fresh)" ] || { echo "$what: the recompiled tree is not what a fresh compile gives:"; diff <(snap out) <(snap fresh) | head -5; fail=1; }
	local before
	before=$(inodes out)
	"$ZTOPO" compile dev.zt -o out "$@" 2>err || { echo "$what: compile again failed"; fail=1; return; }
	[ "$before" = "$(inodes out)" ] || { echo "$what: an unchanged compile touched the tree"; fail=1; }
	"$ZTOPO" compile dev.zt -o out --check "$@" >chk 2>&1 || { echo "$what: --check of the current tree:"; cat chk; fail=1; }
}
stamp_line() { head -1 out/.ztopo-stamp; }

same "first compile" --secrets secrets
[ "$(stat -c %a out/.ztopo-stamp)" = 600 ] || { echo ".ztopo-stamp is not mode 0600"; fail=1; }
grep -qx '/.ztopo-stamp' out/.gitignore || { echo ".ztopo-stamp is not git-ignored"; fail=1; }
grep -qx '# secret, not hashed: .ztopo-stamp' out/MANIFEST || { echo "MANIFEST does not list .ztopo-stamp unhashed"; fail=1; }
s0=$(stamp_line)

sed -i 's/memory 2G;/memory 3G;/' openstack.zt
same "an included file changed" --secrets secrets
s1=$(stamp_line)
[ "$s1" != "$s0" ] || { echo "the stamp did not change with an included file"; fail=1; }

# the lock: move one zone to another free pool address
addr=$(awk '!/^#/ && $2 ~ /^db@/ { print $4; exit }' dev.lock)
sed -i "/ db@/s/ $addr\$/ 10.99.0.150/" dev.lock
grep -q ' 10.99.0.150$' dev.lock || { echo "could not edit the lock"; exit 1; }
same "the lock changed" --secrets secrets
grep -rq '10.99.0.150' out/*/vmadm/db.json || { echo "the lock's address did not reach the payload"; fail=1; }

sed -i 's/^\(nova-db-password\) = .*/\1 = changed-in-the-file/' secrets
same "a secret value changed in the file" --secrets secrets
grep -rq 'changed-in-the-file' out || { echo "the new secret value is not in the tree"; fail=1; }
ZTOPO_SECRET_NOVA_DB_PASSWORD=from-the-environment same "a secret value from the environment" --secrets secrets
grep -rq 'from-the-environment' out || { echo "the environment's secret value is not in the tree"; fail=1; }
same "the environment's value gone" --secrets secrets
same "--redact" --redact
grep -rq '@@NOVA_DB_PASSWORD@@' out || { echo "--redact did not reach the tree"; fail=1; }
same "without --redact again" --secrets secrets

# a secret file edited by hand: restored by the next compile
f=$(sed -n 's/^# secret, not hashed: //p' out/MANIFEST | grep -v ztopo-stamp | head -1)
echo 'hand edit' >>"out/$f"
same "a secret file edited in the tree" --secrets secrets
# a file removed from the tree: restored
rm -f out/ansible/steps.yml
same "a file removed from the tree" --secrets secrets
[ -f out/ansible/steps.yml ] || { echo "the removed file is not back"; fail=1; }

# another ztopo binary: the same bytes plus one, still runnable
cp "$ZTOPO" ./ztopo2 && printf '\n' >>./ztopo2
s2=$(stamp_line)
./ztopo2 compile dev.zt -o out --secrets secrets 2>err || { echo "the other binary failed"; cat err; fail=1; }
[ "$(stamp_line)" != "$s2" ] || { echo "another ztopo binary found the tree current"; fail=1; }
same "back to this binary" --secrets secrets

# only the stamp changes: a comment; then another binary
others() { (cd out && find . -mindepth 1 ! -name .ztopo-stamp -printf '%P %i %T@ %m\n' | sort; stat -c '%i' .); }
for how in comment binary; do
	before=$(others)
	s4=$(stamp_line)
	if [ $how = comment ]; then
		echo "# a comment" >>dev.zt
		"$ZTOPO" compile dev.zt -o out --secrets secrets 2>err || { echo "$how: compile failed"; cat err; fail=1; }
	else
		./ztopo2 compile dev.zt -o out --secrets secrets 2>err || { echo "$how: compile failed"; cat err; fail=1; }
	fi
	[ "$(stamp_line)" != "$s4" ] || { echo "$how: the stamp did not change"; fail=1; }
	[ "$before" = "$(others)" ] || { echo "$how: only the stamp changed, but the tree was replaced:"; diff <(echo "$before") <(others) | head -5; fail=1; }
	[ "$(stat -c %a out/.ztopo-stamp)" = 600 ] || { echo "$how: the new stamp is not mode 0600"; fail=1; }
	[ -z "$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')" ] || { echo "$how: a file was left beside the tree"; fail=1; }
	same "$how, then this binary" --secrets secrets
done

# the same description from another directory: the same stamp
s3=$(stamp_line)
mkdir elsewhere && (cd elsewhere && "$ZTOPO" compile ../dev.zt -o ../other --secrets ../secrets) || fail=1
[ "$(head -1 other/.ztopo-stamp)" = "$s3" ] || { echo "the stamp depends on the directory compile ran from"; fail=1; }
exit $fail
