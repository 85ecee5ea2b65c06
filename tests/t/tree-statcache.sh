#!/usr/bin/env bash
# The stat cache beside the tree (.DIR.ztopo-stat, ztopo(1), THE OUTPUT
# TREE): an unchanged recompile and a --check stat the tree instead of
# reading it, and nothing the cache cannot vouch for is trusted:
#   - it is 0600, beside the tree, never in it: the tree is byte for
#     byte what a fresh compile elsewhere writes;
#   - with it, an unchanged recompile opens no file of the tree but
#     MANIFEST and .ztopo-stamp;
#   - an edit that keeps the size and puts the modification time back
#     (touch -r) is still caught (the change time moved), by compile and
#     by --check; so is a file added deep in the tree;
#   - a torn cache, or one of another tree (a copy), is ignored and the
#     tree read as before; a sound one is written again after that;
#   - after a compile that changes some files (the rest hard-linked from
#     the old tree, stated after its removal; the new ones as the writer
#     left them), the cache is trusted, and a same-size edit of a file
#     that compile wrote is caught.
set -u
fail=0
cd "$TMPDIR" || exit 1
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
zt=$ROOT/examples/dev.zt
BIN=$ROOT/ztopo		# strace counts calls: the release build
compile() { "$ZTOPO" compile "$zt" --redact "$@"; }
# opened LOG: the files (not directories) a traced compile opened; one
# log per thread (-ff), so that no call is split across lines
traced() { strace -ff -qq -e trace=openat -o "$1" "$BIN" compile "$zt" --redact -o out; }
opened() { cat "$1".* | grep 'O_RDONLY|O_NOFOLLOW|O_CLOEXEC)' | grep -vc '= -1'; }
compile -o out >/dev/null || { echo "compile failed"; exit 1; }
[ -f .out.ztopo-stat ] || { echo "no .out.ztopo-stat beside the tree"; exit 1; }
[ "$(stat -c %a .out.ztopo-stat)" = 600 ] || { echo "the cache is not 0600"; fail=1; }
[ -z "$(find out -name '*ztopo-stat*')" ] || { echo "the cache is in the tree"; fail=1; }
mkdir elsewhere && (cd elsewhere && "$ZTOPO" compile "$zt" --redact -o fresh >/dev/null) &&
    diff -r out elsewhere/fresh >/dev/null || { echo "the tree differs from a fresh compile"; fail=1; }
nfiles=$(find out -type f | wc -l)
[ "$nfiles" -gt 50 ] || { echo "the tree is too small to tell ($nfiles files)"; fail=1; }

# unchanged: nothing of the tree is read but MANIFEST and the stamp
traced same.log >/dev/null ||
    { echo "unchanged recompile failed"; fail=1; }
read_files=$(opened same.log)
[ "$read_files" -le 4 ] || { echo "an unchanged recompile opened $read_files files of $nfiles"; fail=1; }
cp -p .out.ztopo-stat stat.before
cmp -s .out.ztopo-stat stat.before || { echo "an unchanged recompile rewrote the cache"; fail=1; }
compile -o out --check >o 2>e || { echo "--check of an up-to-date tree: $(cat o e)"; fail=1; }

# an edit of the same size, its modification time put back
f=$(cd out && find . -type f -name '*.json' | sort | head -1 | sed 's|^\./||')
cp -p "out/$f" orig
inplace() { printf '[' | dd of="$1" bs=1 conv=notrunc status=none; touch -r orig "$1"; }
inplace "out/$f"		# the same inode, the same size, the same mtime
[ "$(stat -c %i "out/$f")" = "$(stat -c %i orig)" ] && { echo "orig is the file itself"; fail=1; }
[ "$(stat -c %s "out/$f")" = "$(stat -c %s orig)" ] || { echo "the edit changed the size"; fail=1; }
compile -o out >o 2>e
st=$?
[ "$st" = 2 ] || { echo "compile over a same-size edit, mtime restored: exit $st, expected 2"; fail=1; }
grep -q "out/$f: edited since ztopo wrote it" e || { echo "the edit was not named:"; cat e; fail=1; }
compile -o out --check >o 2>e
[ $? = 3 ] && grep -qx "edited out/$f" o || { echo "--check did not list the edit:"; cat o e; fail=1; }
cp -p orig "out/$f"		# put back: bytes as ztopo wrote them
compile -o out >/dev/null 2>e || { echo "compile after the edit was undone: $(cat e)"; fail=1; }

# a file added deep in the tree
d=$(dirname "out/$f")
echo mine >"$d/notes.txt"
compile -o out >o 2>e
st=$?
[ "$st" = 2 ] && grep -q "notes.txt: not written by ztopo" e ||
    { echo "a file added in $d: exit $st"; cat e; fail=1; }
rm "$d/notes.txt"
compile -o out >/dev/null 2>e || { echo "compile after removing it: $(cat e)"; fail=1; }

# a torn cache is ignored, then written again
head -c 100 .out.ztopo-stat >torn && cat torn >.out.ztopo-stat
traced torn.log >/dev/null 2>e ||
    { echo "compile with a torn cache: $(cat e)"; fail=1; }
[ "$(opened torn.log)" -ge "$nfiles" ] ||
    { echo "a torn cache was trusted"; fail=1; }
[ "$(stat -c %s .out.ztopo-stat)" -gt 100 ] || { echo "the cache was not written again"; fail=1; }
traced again.log >/dev/null
[ "$(opened again.log)" -le 4 ] ||
    { echo "the cache written again is not used"; fail=1; }

# the cache of another tree: a copy, with its cache beside it
cp -a out copy && cp -p .out.ztopo-stat .copy.ztopo-stat
inplace "copy/$f"
compile -o copy >o 2>e
[ $? = 2 ] && grep -q "copy/$f: edited since ztopo wrote it" e ||
    { echo "an edit in a copy, under the original's cache, was not caught"; cat e; fail=1; }

# some files changed, the rest linked from the old tree
mkdir mixed && cp "$ROOT"/examples/*.zt "$ROOT"/examples/*.lock mixed/ || exit 1
cd mixed || exit 1
zt=$PWD/dev.zt
compile -o out >/dev/null || { echo "compile of the copy failed"; exit 1; }
cp out/MANIFEST manifest.before
sed -i 's/memory 2G;/memory 3G;/' openstack.zt
compile -o out >/dev/null 2>e || { echo "compile after the edit: $(cat e)"; exit 1; }
changed=$(diff manifest.before out/MANIFEST | sed -n 's/^> [0-9a-f]\{64\}  //p' |
    grep -v '^MANIFEST$' | grep '\.json$' | head -1)
[ -n "$changed" ] || { echo "the edit changed no payload"; exit 1; }
same=$(comm -12 <(sort manifest.before) <(sort out/MANIFEST) | grep -c '^[0-9a-f]\{64\}  ')
[ "$same" -gt 20 ] || { echo "only $same files kept: nothing to link"; fail=1; }
traced mixed.log >/dev/null 2>e || { echo "recompile of the mixed tree: $(cat e)"; fail=1; }
[ "$(opened mixed.log)" -le 4 ] ||
    { echo "the cache of a partly rewritten tree is not used"; fail=1; }
cp -p "out/$changed" orig
inplace "out/$changed"
compile -o out >o 2>e
[ $? = 2 ] && grep -q "out/$changed: edited since ztopo wrote it" e ||
    { echo "a same-size edit of a file the last compile wrote was not caught"; cat e; fail=1; }
exit $fail
