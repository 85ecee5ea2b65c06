#!/usr/bin/env bash
# ztopo never replaces a directory it did not write: not empty and no
# MANIFEST, a file the MANIFEST does not list (also in a subdirectory),
# a symbolic link, or something that is not a directory.  Each is refused
# with exit 2, a message naming the reason, and the directory untouched.
# An empty directory is fine.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
snap() { find "$1" -printf '%P\t%y\t%i\t%T@\t%C@\t%m\t%s\n' | sort; find "$1" -type f -exec sha256sum {} + | sort; }
fail=0
refused() {	# DIR WHAT EXPECTED-MESSAGE
	local before st
	before=$(snap "$1")
	"$ZTOPO" compile dev.zt --redact -o "$1" >out.txt 2>err.txt
	st=$?
	[ $st = 2 ] || { echo "$2: exit $st, expected 2"; cat err.txt; fail=1; }
	grep -q -- "$3" err.txt || { echo "$2: message lacks '$3':"; cat err.txt; fail=1; }
	[ "$before" = "$(snap "$1")" ] || { echo "$2: directory was changed"; fail=1; }
	[ -z "$(find . -maxdepth 1 -name ".$(basename "$1").ztopo-*" ! -name ".$(basename "$1").ztopo-stat")" ] || { echo "$2: staging left"; fail=1; }
}

mkdir notours && echo precious >notours/notes.txt
refused notours "no MANIFEST" "has no MANIFEST; refusing"

"$ZTOPO" compile dev.zt --redact -o ours || { echo "compile failed"; exit 1; }
echo mine >ours/README
refused ours "foreign file at the top" "ours/README: not written by ztopo"
rm ours/README
sub=$(find ours -mindepth 1 -type d | head -1)
echo mine >"$sub/extra.conf"
refused ours "foreign file below" "extra.conf: not written by ztopo"
rm "$sub/extra.conf"
ln -s /etc/passwd ours/link
refused ours "symbolic link in the tree" "ours/link: not written by ztopo"
rm ours/link

# many, spread over the tree: every one counted, the first five by path
# named (the old tree is read by several threads: the message may not
# depend on which found what first), the rest not
dirs=$(cd ours && find . -mindepth 1 -type d | sort | sed 's|^\./||')
i=0
for d in $dirs $dirs; do
	i=$((i + 1))
	echo mine >"ours/$d/zz-$(printf %03d $i)"
done
mkdir ours/zz-empty
n=$((i + 1))
refused ours "$n foreign files" "holds $n files ztopo did not write"
want=$(for d in $dirs $dirs; do echo "$d"; done | awk '{ printf "%s/zz-%03d\n", $0, NR }' | sort | head -5 | sed 's|^|ztopo: ours/|; s|$|: not written by ztopo (not in ours/MANIFEST)|')
got=$(grep 'not written by ztopo' err.txt)
[ "$got" = "$want" ] || { echo "the first five foreign files by path, expected:"; echo "$want"; echo "got:"; echo "$got"; fail=1; }
[ "$(wc -l <err.txt)" = 6 ] || { echo "expected five named and the count:"; cat err.txt; fail=1; }
for d in $dirs; do rm -f "ours/$d"/zz-*; done
rmdir ours/zz-empty
mkdir ours/zz-empty
refused ours "an empty directory" "ours/zz-empty: an empty directory ztopo did not make"
rmdir ours/zz-empty

ln -s ours viaalink
refused viaalink "the directory is a symbolic link" "is a symbolic link"
echo x >afile
refused afile "a regular file" "is not a directory"

mkdir empty
"$ZTOPO" compile dev.zt --redact -o empty || { echo "empty directory refused"; fail=1; }
[ -f empty/MANIFEST ] || { echo "empty directory not written"; fail=1; }
# after all that, the tree of ours is still usable
"$ZTOPO" compile dev.zt --redact -o ours || { echo "clean tree refused"; fail=1; }
exit $fail
