#!/usr/bin/env bash
# SIGTERM, SIGINT or SIGHUP while the new tree is being staged: ztopo
# removes the staging directory, leaves the old tree as it was (bytes,
# inodes, modes, mtimes),
# and then dies of the signal (exit 128+N).  The signal is delivered from
# inside the write by a small LD_PRELOAD shim, so the test is
# deterministic: at the Nth file ztopo puts in the staging directory
# (written, openat(2) with O_EXCL, or hard-linked from the old tree,
# linkat(2): the first, and one in the middle), and at the syncfs(2) that
# makes the staged tree durable just before the swap.  A staging directory left by a run killed
# with SIGKILL is removed by the next write, which says so.  A signal
# ztopo's parent ignored (nohup, `&' without job control) stays ignored:
# the compile goes on and lands.  The shim sets each run's disposition
# before main (the default, or ignored), so that the test does not depend
# on what the shell that runs it inherited: bash cannot undo an ignore it
# was started with.
set -u
cd "$TMPDIR" || exit 1
cp "$ROOT"/examples/*.zt . || exit 1
command -v cc >/dev/null || { echo "SKIP: no C compiler for the LD_PRELOAD shim"; exit 77; }
cat >shim.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

/* before main: SHIM_SIGNAL's disposition as a parent would leave it,
 * ignored when SHIM_IGN is set, else the default */
__attribute__((constructor)) static void
init(void)
{
	const char *s = getenv("SHIM_SIGNAL");

	if (s != NULL)
		signal(atoi(s), getenv("SHIM_IGN") != NULL ? SIG_IGN : SIG_DFL);
}

/* SHIM_SIGNAL at the SHIM_AT'th file staged (0: at syncfs) */
static void
maybe(int at_sync)
{
	static int n;
	const char *s = getenv("SHIM_SIGNAL"), *at = getenv("SHIM_AT");

	if (s == NULL || at == NULL)
		return;
	if (at_sync ? atoi(at) == 0 : ++n == atoi(at))
		kill(getpid(), atoi(s));
}

int
openat(int dfd, const char *path, int flags, ...)
{
	int (*real)(int, const char *, int, ...) =
	    (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	if ((flags & O_CREAT) && (flags & O_EXCL))
		maybe(0);
	return real(dfd, path, flags, mode);
}

int
linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	int (*real)(int, const char *, int, const char *, int) =
	    (int (*)(int, const char *, int, const char *, int))
	    dlsym(RTLD_NEXT, "linkat");

	maybe(0);
	return real(ofd, old, nfd, new, flags);
}

int
syncfs(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "syncfs");

	maybe(1);
	return real(fd);
}
C
cc -shared -fPIC -o shim.so shim.c -ldl || { echo "cannot build the shim"; exit 1; }
# the preload shim and ASan do not mix: the release build
BIN=$ROOT/ztopo
snap() { find "$1" -printf '%P\t%y\t%i\t%T@\t%m\t%s\n' | sort; find "$1" -type f -exec sha256sum {} + | sort; }
fail=0
"$BIN" compile dev.zt --redact -o out || { echo "compile failed"; exit 1; }
before=$(snap out)
sed -i "s/memory 2G;/memory 3G;/" openstack.zt

nfiles=$(find out -type f | wc -l)
for sig in TERM INT HUP; do
	n=$(kill -l "$sig")
	for at in 1 $((nfiles / 2)) 0; do
		what="SIG$sig at ${at/#0/syncfs}"
		SHIM_SIGNAL=$n SHIM_AT=$at LD_PRELOAD=$PWD/shim.so "$BIN" compile dev.zt --redact -o out 2>err
		st=$?
		[ $st = $((128 + n)) ] || { echo "$what: exit $st, expected $((128 + n))"; cat err; fail=1; }
		grep -q 'interrupted; out left unchanged' err || { echo "$what: message:"; cat err; fail=1; }
		[ "$before" = "$(snap out)" ] || { echo "$what: tree changed"; fail=1; }
		left=$(find . -maxdepth 1 -name '.out.ztopo-*' ! -name '.out.ztopo-stat')
		[ -z "$left" ] || { echo "$what: staging left behind: $left"; fail=1; }
	done
done

# ignored by the parent: the signal in the middle of the staging does
# nothing, and the edit (3G -> 4G, then back) lands
for sig in TERM INT HUP; do
	n=$(kill -l "$sig")
	rm -rf ign ign-ref && "$BIN" compile dev.zt --redact -o ign 2>err || { echo "compile failed"; cat err; exit 1; }
	sed -i "s/memory 3G;/memory 4G;/" openstack.zt
	SHIM_IGN=1 SHIM_SIGNAL=$n SHIM_AT=$((nfiles / 2)) LD_PRELOAD=$PWD/shim.so "$BIN" compile dev.zt --redact -o ign 2>err
	st=$?
	[ $st = 0 ] || { echo "SIG$sig ignored: exit $st, expected 0"; cat err; fail=1; }
	! grep -q 'interrupted' err || { echo "SIG$sig ignored: message:"; cat err; fail=1; }
	"$BIN" compile dev.zt --redact -o ign-ref || exit 1
	diff -r ign ign-ref >/dev/null || { echo "SIG$sig ignored: the edit did not land"; fail=1; }
	sed -i "s/memory 4G;/memory 3G;/" openstack.zt
done

# a run killed outright leaves its staging directory; the next one cleans
mkdir .out.ztopo-new.AbC123 && echo half >.out.ztopo-new.AbC123/MANIFEST
mkdir .other.ztopo-new.AbC123	# not ours: another tree's
"$BIN" compile dev.zt --redact -o out 2>err || { echo "compile failed"; cat err; fail=1; }
[ ! -e .out.ztopo-new.AbC123 ] || { echo "stale staging not removed"; fail=1; }
[ -e .other.ztopo-new.AbC123 ] || { echo "another tree's staging was removed"; fail=1; }
grep -q 'removed ./.out.ztopo-new.AbC123, left by an interrupted run' err || { echo "no message about the stale directory:"; cat err; fail=1; }
"$BIN" compile dev.zt --redact -o fresh || exit 1
diff -r out fresh >/dev/null || { echo "the edit did not land"; fail=1; }
exit $fail
