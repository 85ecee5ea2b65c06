#!/usr/bin/env bash
# A second compile with no change touches nothing: same inode, mtime and
# ctime for every file and directory of the tree, the tree's own directory
# included (no swap happened), and no staging directory is left behind.
# After an edit, the files whose bytes did not change keep inode and mtime.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
snap() { find "$1" -printf '%P\t%y\t%i\t%T@\t%C@\t%m\t%s\n' | sort; }
fail=0

"$ZTOPO" compile dev.zt --redact -o out || { echo "first compile failed"; exit 1; }
[ -f out/MANIFEST ] || { echo "no MANIFEST"; exit 1; }
n=$(find out -type f | wc -l)
[ "$n" -ge 2 ] || { echo "only $n files written"; exit 1; }
before=$(snap out)
sleep 1.1	# a rewrite would show in the timestamps
"$ZTOPO" compile dev.zt --redact -o out || { echo "second compile failed"; exit 1; }
after=$(snap out)
if [ "$before" != "$after" ]; then
	echo "second compile touched the tree:"
	diff <(echo "$before") <(echo "$after") | head -20
	fail=1
fi
left=$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')
[ -z "$left" ] || { echo "staging left behind: $left"; fail=1; }

# an edit: the memory of zone db changes some files, not all
sed -i "s/memory 2G;/memory 3G;/" openstack.zt
grep -q 'memory 3G' openstack.zt || { echo "edit did not apply"; exit 1; }
ino() { find out -type f -printf '%P\t%i\t%T@\n' | sort; }
old=$(ino)
sleep 1.1
"$ZTOPO" compile dev.zt --redact -o out || { echo "compile after edit failed"; exit 1; }
new=$(ino)
kept=$(comm -12 <(echo "$old") <(echo "$new") | wc -l)
moved=$(comm -13 <(echo "$old") <(echo "$new") | wc -l)
echo "after the edit: $kept files kept inode and mtime, $moved rewritten"
[ "$moved" -ge 1 ] || { echo "the edit changed no file"; fail=1; }
[ "$kept" -ge 1 ] || { echo "no unchanged file kept its inode and mtime"; fail=1; }
# every kept file really is byte-identical to what a fresh compile writes
"$ZTOPO" compile dev.zt --redact -o fresh || exit 1
diff -r out fresh >/dev/null || { echo "tree differs from a fresh compile"; diff -r out fresh | head; fail=1; }
exit $fail
