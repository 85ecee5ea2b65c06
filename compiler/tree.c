/*
 * tree.c -- writing an output set as a directory tree, file by file as
 * the backends publish them.
 *
 * A compile either replaces the whole output directory or leaves it
 * untouched:
 *  - out_open_tree, before the backends run, locks the parent (writers
 *    of one directory are serialised, flock(2)), removes staging
 *    directories a killed run left, and reads the old tree: its MANIFEST
 *    and one walk (scan.c) that finds what is there and hashes it;
 *  - each file, as it is published (out_add), is compared with the old
 *    tree's, by its hash: no old file is read twice.  The first that
 *    differs creates the staging directory, a sibling of the tree
 *    (.<dir>.ztopo-new.XXXXXX, on the same file system); from then on
 *    every file goes there: a file whose bytes and mode did not change
 *    is hard-linked from the old tree, so it keeps its inode and mtime
 *    (make, rsync and git stay quiet), or where no link can be made
 *    copied with its old times; any other is written.
 *    Its bytes are not kept: the memory of a compile does not grow with
 *    the tree it writes;
 *  - out_close_tree, once every backend succeeded and the lock file is
 *    written, makes the staged tree durable with a syncfs(2) of its file
 *    system (not an fsync per file; the stage is filled by threads that
 *    write and sync it while ztopo generates, stage.c, so the last call
 *    has little left to do), swaps it in with one
 *    renameat2(RENAME_EXCHANGE) -- readers see the old tree or the new
 *    one, never a mixture; where the file system cannot exchange, two
 *    renames, the old tree kept aside until the new one is in place --
 *    and fsyncs the parent, so once it returns the new tree survives a
 *    crash.  Killed at any moment before, the old tree is as it was;
 *  - when nothing changed no staging directory is ever made, and the
 *    cost is that of reading and hashing the old tree's files once;
 *    when only .ztopo-stamp did (stamp.c), it alone is replaced by a
 *    rename into the tree (restamp);
 *  - SIGINT, SIGTERM and SIGHUP from out_open_tree on remove the staging
 *    directory and leave the old tree as it was; after the swap they
 *    wait until the old tree is removed; then the signal is delivered;
 *  - the tree carries a MANIFEST (sha256sum format) of every file ztopo
 *    wrote; a directory that holds anything else -- or that is not empty
 *    and has no MANIFEST -- is not ztopo's to replace, and is refused.
 *    A file whose bytes differ from what MANIFEST hashed was edited by
 *    hand: it is refused too, as the edit would be lost.
 *
 * Messages are kept until out_close_tree: a compile whose backends
 * failed prints only their errors, and writes nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "output.h"
#include "scan.h"
#include "stage.h"
#include "stamp.h"
#include "statcache.h"

/* ---- signals: noted while staging, acted on between files */

static volatile sig_atomic_t caught;
static const int catch_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NCATCH	(sizeof(catch_sigs) / sizeof(catch_sigs[0]))
static struct sigaction saved_sa[NCATCH];

static void
on_signal(int sig)
{
	caught = sig;
}

static void
catch_signals(void)
{
	struct sigaction sa;
	size_t i;

	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NCATCH; i++) {
		sigaction(catch_sigs[i], NULL, &saved_sa[i]);
		/* a signal ignored by our parent (nohup, &) stays ignored */
		if (saved_sa[i].sa_handler != SIG_IGN)
			sigaction(catch_sigs[i], &sa, NULL);
	}
}

/* Restore the old dispositions; deliver a signal caught meanwhile. */
static void
release_signals(void)
{
	size_t i;

	for (i = 0; i < NCATCH; i++)
		sigaction(catch_sigs[i], &saved_sa[i], NULL);
	if (caught) {
		int sig = caught;

		caught = 0;
		raise(sig);
	}
}

/* ---- file helpers, relative to directory descriptors */

static char *
read_at(int dfd, const char *path, size_t *len, mode_t *mode,
    struct stat *stp)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	if (mode != NULL)
		*mode = st.st_mode & 07777;
	if (stp != NULL)
		*stp = st;
	return buf;
}

/* Remove NAME under DFD and everything below it. */
static int
rm_at(int dfd, const char *name)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) {
			if (unlinkat(fd, de->d_name, 0) == -1 && errno != ENOENT)
				rc = -1;
		} else if (rm_at(fd, de->d_name) == -1)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1)
		rc = -1;
	return rc;
}

/* ---- where DIR is: its parent, and its name in the parent */

struct place {
	char		*parent;	/* path of the parent directory */
	char		*base;		/* DIR's name in it */
	int		 pfd;		/* the parent, open */
};

static int
mkdir_p(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); ; p = strchr(p + 1, '/')) {
		if (p != NULL)
			*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			if (p != NULL)
				*p = '/';
			return -1;
		}
		if (p == NULL)
			return 0;
		*p = '/';
	}
}

/* The tree being written. */
struct tree {
	struct arena	*arena;
	struct outset	*os;
	const char	*dir;		/* as given, for messages */
	struct place	 pl;
	int		 dfd;		/* the old tree, or -1 */
	int		 exists;
	int		 check_only;
	int		 catching;	/* catch_signals() was called */
	int		 current;	/* out_tree_current found it so */
	int		 failed;	/* refused, or a system error */
	FILE		*report;
	FILE		*err;		/* messages, until out_close_tree */
	char		*errbuf;
	size_t		 errlen;
	struct vec	 old;		/* paths the old MANIFEST lists */
	struct hash	*hashes;	/* ...hashed there: path -> hex */
	struct hash	*listed;	/* ...all: path -> index + 1 */
	struct scanned	*found;		/* what each holds, by index */
	struct hash	*edited;	/* old files MANIFEST no longer hashes */
	int		 scanned;	/* read whole: its .ztopo-stat did not
					 * hold (statcache.c) */
	struct timespec	 scan_start;	/* ...and when that began */
	/* staging */
	const char	*stage;		/* its name in the parent, or NULL */
	int		 sfd;
	const char	*failed_at;	/* what failed, for the message */
	struct stage	*st;		/* fills it (stage.c), or NULL */
	/* a changed stamp, before (if ever) anything else changes */
	const struct outfile *stamp;
	char		*stamp_data;
};

static int
locate(struct tree *t)
{
	struct arena *a = t->arena;
	struct place *pl = &t->pl;
	char *d = arena_strdup(a, t->dir), *slash;

	slash = strrchr(d, '/');
	pl->base = slash ? slash + 1 : d;
	if (strcmp(pl->base, ".") == 0 || strcmp(pl->base, "..") == 0 ||
	    pl->base[0] == '\0') {
		/* "out/..", ".", "/": name the directory by its real path */
		char *real = realpath(d, NULL);

		if (real == NULL) {
			fprintf(t->err, "ztopo: %s: %s\n", t->dir,
			    strerror(errno));
			return -1;
		}
		d = arena_strdup(a, real);
		free(real);
		if (strcmp(d, "/") == 0) {
			fprintf(t->err, "ztopo: refusing to replace /\n");
			return -1;
		}
		slash = strrchr(d, '/');
		pl->base = slash + 1;
	}
	if (slash == NULL)
		pl->parent = arena_strdup(a, ".");
	else if (slash == d)
		pl->parent = arena_strdup(a, "/");
	else
		pl->parent = arena_strndup(a, d, (size_t)(slash - d));
	pl->pfd = open(pl->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pl->pfd == -1 && errno == ENOENT && t->check_only)
		return 0;	/* nothing there yet; --check creates nothing */
	if (pl->pfd == -1 && errno == ENOENT) {
		if (mkdir_p(pl->parent) == -1) {
			fprintf(t->err, "ztopo: cannot create %s: %s\n",
			    pl->parent, strerror(errno));
			return -1;
		}
		pl->pfd = open(pl->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (pl->pfd == -1) {
		fprintf(t->err, "ztopo: %s: %s\n", pl->parent, strerror(errno));
		return -1;
	}
	return 0;
}

/* Remove staging directories of DIR that a killed run left behind. */
static void
remove_stale(struct tree *t)
{
	const struct place *pl = &t->pl;
	char *pfx = arena_printf(t->arena, ".%s.ztopo-", pl->base);
	size_t n = strlen(pfx);
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = openat(pl->pfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *rest = de->d_name + n;

		if (strncmp(de->d_name, pfx, n) != 0 ||
		    (strncmp(rest, "new.", 4) != 0 &&
		    strncmp(rest, "old.", 4) != 0 &&
		    strncmp(rest, "tmp.", 4) != 0) || strlen(rest) != 10)
			continue;
		if (rm_at(pl->pfd, de->d_name) == 0)
			fprintf(t->err, "ztopo: removed %s/%s, left by an "
			    "interrupted run\n", pl->parent, de->d_name);
	}
	closedir(d);
}

/* A fresh staging directory's name (mkdtemp(3) in the parent). */
static char *
make_stage(struct tree *t, const char *tag, int create)
{
	char *path = arena_printf(t->arena, "%s/.%s.ztopo-%s.XXXXXX",
	    t->pl.parent, t->pl.base, tag);

	if (mkdtemp(path) == NULL)
		return NULL;
	if (!create && rmdir(path) == -1)
		return NULL;
	return strrchr(path, '/') + 1;
}

/* ---- the old tree: may it be replaced? */

/*
 * The paths a MANIFEST lists, hashed or secret, in its order.  Lines
 * that are neither (a hand edit) list nothing.
 */
static void
manifest_paths(struct tree *t, const char *man)
{
	struct arena *a = t->arena;
	const char *p, *nl;
	size_t slen = strlen(SECRET_LINE);

	for (p = man; *p != '\0'; p = *nl ? nl + 1 : nl) {
		size_t n;
		const char *path = NULL;
		int hashed;

		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p);
		hashed = n > 66 && p[64] == ' ' && p[65] == ' ';

		if (hashed)
			path = p + 66;
		else if (n > slen && strncmp(p, SECRET_LINE, slen) == 0)
			path = p + slen;
		if (path == NULL)
			continue;
		path = arena_strndup(a, path, (size_t)(nl - path));
		vec_push(a, &t->old, (void *)path);
		if (hashed)
			hash_put(t->hashes, path, arena_strndup(a, p, 64));
	}
}

/* The name of DIR's stat cache in its parent (statcache.c). */
static const char *
cache_name(struct tree *t)
{
	return arena_printf(t->arena, ".%s%s", t->pl.base, STAT_SUFFIX);
}

/* The found entry of the old file PATH (MANIFEST lists it), hashed here
 * from its bytes DATA; NULL DATA: read it. */
static void
found_bytes(struct tree *t, const char *path, const char *data, size_t len,
    mode_t mode)
{
	struct scanned *sc = &t->found[(uintptr_t)hash_get(t->listed, path) -
	    1];
	char *own = NULL;

	if (data == NULL && (data = own = read_at(t->dfd, path, &len, &mode,
	    NULL)) == NULL)
		return;
	sha256(data, len, sc->sha);
	sc->size = len;
	sc->mode = (unsigned)mode & 07777;
	sc->found = 1;
	free(own);
}

/*
 * The old tree as its .ztopo-stat recorded it, if every path is still
 * what the cache says (statcache.c): then T->found is filled without
 * reading a file but MANIFEST (MAN, LEN, MODE: read already) and the
 * stamp, which the cache leaves out.  0: the tree is to be read.
 */
static int
cached_old(struct tree *t, const struct hash *dirs, const char *man,
    size_t len, mode_t mode)
{
	const char *skip[2] = { "MANIFEST", STAMP_FILE };
	size_t nskip = hash_get(t->listed, STAMP_FILE) != NULL ? 2 : 1;

	if (!statcache_load(t->dfd, t->pl.pfd, cache_name(t), t->listed, dirs,
	    skip, nskip, t->found))
		return 0;
	found_bytes(t, "MANIFEST", man, len, mode);
	if (nskip == 2)
		found_bytes(t, STAMP_FILE, NULL, 0, 0);
	return 1;
}

/*
 * May the old tree (open as T->dfd) be replaced: empty, or a tree whose
 * MANIFEST lists every file in it?  Fills T->old and T->hashes, and
 * T->found with what each listed path holds (scan.c).
 */
static int
check_old(struct tree *t)
{
	struct arena *a = t->arena;
	struct hash *dirs = hash_new(a);
	size_t len, i;
	int foreign, errors;
	mode_t mode;
	char *man;

	man = read_at(t->dfd, "MANIFEST", &len, &mode, NULL);
	if (man == NULL) {
		int fd = openat(t->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = fd == -1 ? NULL : fdopendir(fd);
		struct dirent *de;
		int empty = 1;

		if (d == NULL) {
			fprintf(t->err, "ztopo: %s: %s\n", t->dir,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				empty = 0;
		closedir(d);
		if (empty)
			return 0;
		fprintf(t->err, "ztopo: %s: not empty and has no MANIFEST; "
		    "refusing to replace a directory ztopo did not write\n",
		    t->dir);
		return -1;
	}
	manifest_paths(t, man);
	for (i = 0; i < t->old.n; i++) {
		char *up = arena_strdup(a, t->old.v[i]), *sl;

		hash_put(t->listed, t->old.v[i], (void *)(uintptr_t)(i + 1));
		while ((sl = strrchr(up, '/')) != NULL) {
			*sl = '\0';
			if (!hash_put(dirs, up, (void *)1))
				break;	/* and so are the ones above it */
			up = arena_strdup(a, up);
		}
	}
	/* MANIFEST itself: compared as every file is, listed or not */
	hash_put(t->listed, "MANIFEST", (void *)(uintptr_t)(t->old.n + 1));
	t->found = arena_alloc(a, (t->old.n + 1) * sizeof(*t->found));
	if (cached_old(t, dirs, man, len, mode)) {
		free(man);
		return 0;
	}
	free(man);
	t->scanned = 1;
	t->scan_start = statcache_now();
	errors = scan_tree(t->dfd, t->dir, t->listed, dirs, t->found, &foreign,
	    t->err);
	if (foreign) {
		fprintf(t->err, "ztopo: %s: holds %d file%s ztopo did not "
		    "write; refusing to replace it (move %s away, or choose "
		    "another -o)\n", t->dir, foreign, foreign == 1 ? "" :
		    "s", foreign == 1 ? "it" : "them");
		return -1;
	}
	return errors ? -1 : 0;
}

/* What the old tree holds at PATH, if MANIFEST lists it and it is a
 * file; else NULL. */
static const struct scanned *
found_at(const struct tree *t, const char *path)
{
	void *idx = t->exists ? hash_get(t->listed, path) : NULL;
	const struct scanned *sc = idx ? &t->found[(uintptr_t)idx - 1] : NULL;

	return sc != NULL && sc->found ? sc : NULL;
}

/* Was the old file PATH edited since ztopo wrote it: are its bytes not
 * those MANIFEST hashed? */
static void
note_edited(struct tree *t, const char *path)
{
	const char *want = hash_get(t->hashes, path);
	const struct scanned *sc = found_at(t, path);
	char hex[65];

	if (want == NULL || sc == NULL)
		return;		/* a secret file: never hashed; or gone */
	hex32(sc->sha, hex);
	if (strcmp(hex, want) != 0)
		hash_put(t->edited, path, (void *)1);
}

/* ---- staging */

static int
stage_open(struct tree *t)
{
	size_t i;
	mode_t m;

	if ((t->stage = make_stage(t, "new", 1)) == NULL) {
		fprintf(t->err, "ztopo: cannot create a staging directory in "
		    "%s: %s\n", t->pl.parent, strerror(errno));
		t->failed = 1;
		return -1;
	}
	t->failed_at = t->stage;
	if ((t->sfd = openat(t->pl.pfd, t->stage, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || fchmod(t->sfd, 0755) == -1)
		return -1;
	m = umask(0);
	umask(m);
	t->st = stage_start(t->sfd, t->dfd, (unsigned)m);
	/* what was published before, unchanged */
	for (i = 0; i < t->os->files.n; i++) {
		const struct outfile *f = t->os->files.v[i];

		if (f->state == OUT_SAME)
			stage_link(t->st, f->path);
	}
	if (t->stamp != NULL)
		stage_put(t->st, t->stamp->path, t->stamp_data, t->stamp->len,
		    t->stamp->mode, NULL);
	return 0;
}

/* A system error while staging: said once, at out_close_tree. */
static void
stage_failed(struct tree *t)
{
	int err = errno;

	if (t->failed)
		return;
	t->failed = 1;
	fprintf(t->err, "ztopo: staging %s/%s: %s; %s left unchanged\n",
	    t->pl.parent, t->failed_at == t->stage ? t->stage :
	    arena_printf(t->arena, "%s/%s", t->stage, t->failed_at),
	    strerror(err), t->dir);
}

/* Remove the stage and release the parent; print the messages (or not). */
static void
tree_end(struct tree *t, int print)
{
	if (t->st != NULL)
		stage_abort(t->st);
	t->st = NULL;
	if (t->sfd != -1)
		close(t->sfd);
	t->sfd = -1;
	if (t->stage != NULL && rm_at(t->pl.pfd, t->stage) == -1)
		fprintf(t->err, "ztopo: warning: could not remove %s/%s: %s\n",
		    t->pl.parent, t->stage, strerror(errno));
	t->stage = NULL;
	fclose(t->err);
	if (print && t->errlen > 0)
		fwrite(t->errbuf, 1, t->errlen, stderr);
	free(t->errbuf);
	if (t->dfd != -1)
		close(t->dfd);
	if (t->pl.pfd != -1)
		close(t->pl.pfd);	/* releases the lock */
	t->os->tree = NULL;
}

/* A signal came: nothing more is written; the old tree stays. */
static void
interrupted(struct tree *t)
{
	fprintf(t->err, "ztopo: interrupted; %s left unchanged\n", t->dir);
	tree_end(t, 1);
	t->catching = 0;
	release_signals();
}

/* ---- the interface */

int
out_open_tree(struct outset *os, const char *dir, int check_only,
    FILE *report)
{
	struct arena *a = os->arena;
	struct tree *t = arena_alloc(a, sizeof(*t));
	size_t n;
	char *d;

	t->arena = a;
	t->os = os;
	t->check_only = check_only;
	t->report = report;
	t->dfd = t->sfd = t->pl.pfd = -1;
	t->hashes = hash_new(a);
	t->listed = hash_new(a);
	t->edited = hash_new(a);
	if ((t->err = open_memstream(&t->errbuf, &t->errlen)) == NULL) {
		fprintf(stderr, "ztopo: %s\n", strerror(errno));
		return -1;
	}
	os->tree = t;
	/* "out/" is named "out" in messages and in the --check list */
	d = arena_strdup(a, dir);
	n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	t->dir = d;
	if (dir[0] == '\0') {
		fprintf(t->err, "ztopo: -o: empty directory name\n");
		t->failed = 1;
		return 0;
	}
	if (locate(t) == -1) {
		t->failed = 1;
		return 0;
	}
	/* one writer per parent at a time; waits for the other to finish */
	if (!check_only && flock(t->pl.pfd, LOCK_EX) == -1) {
		fprintf(t->err, "ztopo: %s: cannot lock: %s\n", t->pl.parent,
		    strerror(errno));
		t->failed = 1;
		return 0;
	}
	if (!check_only)
		remove_stale(t);
	t->dfd = t->pl.pfd == -1 ? -1 : openat(t->pl.pfd, t->pl.base,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t->pl.pfd == -1)
		;		/* --check, and not even the parent exists */
	else if (t->dfd == -1) {
		struct stat lst;

		if (fstatat(t->pl.pfd, t->pl.base, &lst,
		    AT_SYMLINK_NOFOLLOW) == 0) {
			fprintf(t->err, "ztopo: %s: %s; refusing to replace "
			    "it\n", t->dir, S_ISLNK(lst.st_mode) ? "is a "
			    "symbolic link (give the directory it points to)" :
			    "exists and is not a directory");
			t->failed = 1;
		} else if (errno != ENOENT) {
			fprintf(t->err, "ztopo: %s: %s\n", t->dir,
			    strerror(errno));
			t->failed = 1;
		}
	} else {
		t->exists = 1;
		if (check_old(t) == -1)
			t->failed = 1;
	}
	if (!check_only && !t->failed) {
		catch_signals();
		t->catching = 1;
	}
	return 0;
}

/* F (its bytes: DATA, LEN) was published: compare, and stage it. */
void
tree_add(struct tree *t, struct outfile *f, const char *data, size_t len)
{
	unsigned char sha[32];
	char hex[65];
	const struct scanned *old;

	sha256(data, len, sha);
	hex32(sha, hex);
	f->hash = arena_strdup(t->arena, hex);
	f->state = OUT_NEW;
	if (t->failed)
		return;
	if ((old = found_at(t, f->path)) != NULL) {
		f->state = old->size == len && old->mode == f->mode &&
		    memcmp(old->sha, sha, sizeof(sha)) == 0 ? OUT_SAME :
		    OUT_CHANGED;
		note_edited(t, f->path);
	}
	if (t->check_only) {
		/* --diff shows the new bytes of what changed */
		if (t->os->diff && f->state != OUT_SAME) {
			f->data = arena_alloc(t->arena, len + 1);
			memcpy(f->data, data, len);
		}
		return;
	}
	if (f->state == OUT_SAME && t->stage == NULL)
		;		/* linked when (if) a stage is needed */
	else if (f->state == OUT_CHANGED && t->stage == NULL &&
	    strcmp(f->path, STAMP_FILE) == 0) {
		/* staged only if something else changes (stage_open) */
		t->stamp = f;
		t->stamp_data = arena_alloc(t->arena, len + 1);
		memcpy(t->stamp_data, data, len);
	} else if (t->stage == NULL && stage_open(t) == -1)
		stage_failed(t);
	else if (f->state == OUT_SAME)
		stage_link(t->st, f->path);
	else {
		f->staged = arena_alloc(t->arena, sizeof(*f->staged));
		stage_put(t->st, f->path, data, len, f->mode, f->staged);
	}
	if (caught)
		interrupted(t);
}

/*
 * Is the old tree what inputs whose fingerprint is INPUTS (stamp.c) make?
 * Its .ztopo-stamp must name them, and every file must still be the
 * bytes it was written with: the hashes of MANIFEST, and for the files
 * that hold secrets those of the stamp.  Then nothing is generated; any
 * doubt, and the tree is generated and compared as always.
 */
int
out_tree_current(struct outset *os, const char *inputs)
{
	struct tree *t = os->tree;
	struct hash *secret;
	const char *p, *nl;
	size_t len, i, ilen = strlen(STAMP_INPUTS);
	char *st;
	int ok = 0;

	if (t == NULL || t->failed || !t->exists || hash_count(t->edited) > 0 ||
	    (st = read_at(t->dfd, STAMP_FILE, &len, NULL, NULL)) == NULL)
		return 0;
	secret = hash_new(t->arena);
	nl = strchr(st, '\n');
	if (nl == NULL || strncmp(st, STAMP_INPUTS, ilen) != 0 ||
	    (size_t)(nl - st) != ilen + strlen(inputs) ||
	    strncmp(st + ilen, inputs, strlen(inputs)) != 0)
		goto out;
	for (p = nl + 1; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL || nl - p < 67 ||
		    p[64] != ' ' || p[65] != ' ')
			goto out;
		hash_put(secret, arena_strndup(t->arena, p + 66,
		    (size_t)(nl - p - 66)), arena_strndup(t->arena, p, 64));
	}
	for (i = 0; i < t->old.n; i++) {
		const char *path = t->old.v[i], *want;
		const struct scanned *sc = found_at(t, path);
		char hex[65];

		if (strcmp(path, STAMP_FILE) == 0)
			continue;
		if ((want = hash_get(t->hashes, path)) == NULL &&
		    (want = hash_get(secret, path)) == NULL)
			goto out;
		if (sc == NULL)
			goto out;
		hex32(sc->sha, hex);
		if (strcmp(hex, want) != 0)
			goto out;
	}
	ok = t->current = 1;
out:
	free(st);
	return ok;
}

struct change {
	const char	*path;
	const char	*what;		/* "new", "changed", "edited", ... */
};

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The bytes of the old tree's PATH, or NULL (and *MODE 0) when there are
 * none to show: missing, not a regular file, or only its owner's. */
static char *
old_bytes(struct arena *a, int dfd, const char *path, size_t *len,
    unsigned *mode)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd;

	*len = 0;
	*mode = 0;
	if (dfd == -1 || (fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SRC_MAX) {
		close(fd);
		return NULL;
	}
	*mode = (unsigned)st.st_mode & 07777;
	buf = arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

/* --check --diff: what would change at PATH, as diff -u shows it; a file
 * holding secrets (or only its owner may read) is named, never shown. */
static void
show_change(struct tree *t, const char *path)
{
	struct arena *a = t->arena;
	const struct outfile *f = out_find(t->os, path);
	size_t olen;
	unsigned omode;
	char *old = old_bytes(a, t->dfd, path, &olen, &omode);

	if ((f != NULL && out_is_secret(f)) || (old != NULL &&
	    (omode & 077) == 0)) {
		fprintf(t->report, "# %s/%s holds secrets: not shown\n", t->dir,
		    path);
		return;
	}
	udiff(t->report, old != NULL ? arena_printf(a, "a/%s", path) :
	    "/dev/null", old != NULL ? old : "", olen, f != NULL ?
	    arena_printf(a, "b/%s", path) : "/dev/null", f != NULL &&
	    f->data != NULL ? f->data : "", f != NULL ? f->len : 0);
}

/* The staged tree, durable, in DIR's place; the old one removed. */
static int
swap(struct tree *t)
{
	struct place *pl = &t->pl;
	const char *gone = t->stage;

	/* every file in the stage, then on disk: what the syncer has not
	 * done yet, in one call */
	{
		char *at = NULL;
		int rc = stage_finish(t->st, &at);

		t->st = NULL;
		if (rc == -1) {
			int err = errno;

			t->failed_at = at != NULL ? arena_strdup(t->arena, at) :
			    t->stage;
			free(at);
			errno = err;
			return -1;
		}
	}
	t->failed_at = t->stage;
	if (syncfs(t->sfd) == -1)
		return -1;
	if (caught) {
		errno = EINTR;
		return -1;
	}
	t->failed_at = NULL;
	if (!t->exists) {
		if (renameat(pl->pfd, t->stage, pl->pfd, pl->base) == -1)
			return -1;
		gone = NULL;
	} else if (renameat2(pl->pfd, t->stage, pl->pfd, pl->base,
	    RENAME_EXCHANGE) == -1) {
		/* no atomic exchange here: two renames, old tree kept aside */
		const char *aside;
		int err;

		if (errno == EXDEV)
			return -1;
		if ((aside = make_stage(t, "old", 0)) == NULL ||
		    renameat(pl->pfd, pl->base, pl->pfd, aside) == -1)
			return -1;
		if (renameat(pl->pfd, t->stage, pl->pfd, pl->base) == -1) {
			err = errno;
			(void)renameat(pl->pfd, aside, pl->pfd, pl->base);
			errno = err;
			return -1;
		}
		gone = aside;
	}
	/* the swap itself on disk */
	(void)fsync(pl->pfd);
	close(t->sfd);
	t->sfd = -1;
	t->stage = NULL;
	if (gone != NULL && rm_at(pl->pfd, gone) == -1)
		fprintf(t->err, "ztopo: warning: could not remove the old "
		    "tree %s/%s: %s\n", pl->parent, gone, strerror(errno));
	return 0;
}

/*
 * Only the stamp changed: every other file is what it was, so the tree
 * stays and the stamp alone is replaced -- written beside the tree,
 * synced, renamed over the old one, the directory synced.  Killed
 * before the rename, the old stamp stays (the next compile generates
 * and compares again) and the file beside is a stale stage.
 */
static int
restamp(struct tree *t)
{
	struct place *pl = &t->pl;
	const struct outfile *f = t->stamp;
	char *tmp = arena_printf(t->arena, "%s/.%s.ztopo-new.XXXXXX",
	    pl->parent, pl->base);
	const char *name = strrchr(tmp, '/') + 1;
	size_t off = 0;
	int fd;

	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		fprintf(t->err, "ztopo: cannot create a file in %s: %s\n",
		    pl->parent, strerror(errno));
		return -1;
	}
	t->stage = name;	/* removed by tree_end unless renamed */
	while (off < f->len) {
		ssize_t n = write(fd, t->stamp_data + off, f->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (fchmod(fd, f->mode) == -1 || fsync(fd) == -1)
		goto fail;
	close(fd);
	fd = -1;
	if (caught) {
		fprintf(t->err, "ztopo: interrupted; %s left unchanged\n",
		    t->dir);
		return -1;
	}
	if (renameat(pl->pfd, name, t->dfd, f->path) == -1)
		goto fail;
	t->stage = NULL;
	(void)fsync(t->dfd);
	return 0;
fail:
	fprintf(t->err, "ztopo: %s/%s: %s; %s left unchanged\n", pl->parent,
	    name, strerror(errno), t->dir);
	if (fd != -1)
		close(fd);
	return -1;
}

/* Where a stat cache is written before it is renamed into the tree. */
static char *
cache_tmpl(struct tree *t)
{
	return arena_printf(t->arena, "%s/.%s.ztopo-tmp.XXXXXX", t->pl.parent,
	    t->pl.base);
}

/*
 * The tree just swapped in, recorded in its .ztopo-stat.  Every change
 * this compile made (the old tree's removal changed the inodes the new
 * one shares with it) is older than the record's start: the clock is
 * let tick past the last of them first -- a millisecond or so.
 */
static void
record_new(struct tree *t)
{
	struct outset *os = t->os;
	const char **paths, **shas;
	const struct filestat **sts;
	struct timespec done, now;
	size_t i, n = 0;
	int dfd;

	if (caught || (dfd = openat(t->pl.pfd, t->pl.base, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	paths = arena_alloc(t->arena, (os->files.n + 1) * sizeof(*paths));
	shas = arena_alloc(t->arena, (os->files.n + 1) * sizeof(*shas));
	sts = arena_alloc(t->arena, (os->files.n + 1) * sizeof(*sts));
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		if (strcmp(f->path, "MANIFEST") == 0 ||
		    strcmp(f->path, STAMP_FILE) == 0 || f->hash == NULL)
			continue;
		paths[n] = f->path;
		/* written, not linked: nothing has touched it since */
		sts[n] = f->staged;
		shas[n++] = f->hash;
	}
	clock_gettime(CLOCK_REALTIME, &done);
	for (;;) {
		struct timespec ms = { 0, 1000000 };

		now = statcache_now();
		if (now.tv_sec > done.tv_sec || (now.tv_sec == done.tv_sec &&
		    now.tv_nsec > done.tv_nsec))
			break;
		nanosleep(&ms, NULL);
	}
	statcache_write(dfd, t->pl.pfd, cache_name(t), cache_tmpl(t), paths,
	    shas, sts, n, now);
	close(dfd);
}

/* The old tree, read whole and found to be what it should (nothing is
 * replaced), recorded from when that reading began. */
static void
record_old(struct tree *t)
{
	const char **paths, **shas;
	size_t i, n = 0;

	if (caught)
		return;
	paths = arena_alloc(t->arena, (t->old.n + 1) * sizeof(*paths));
	shas = arena_alloc(t->arena, (t->old.n + 1) * sizeof(*shas));
	for (i = 0; i < t->old.n; i++) {
		const char *path = t->old.v[i];
		const struct scanned *sc = found_at(t, path);
		char *hex;

		if (strcmp(path, STAMP_FILE) == 0)
			continue;
		if (sc == NULL)
			return;
		hex = arena_alloc(t->arena, 65);
		hex32(sc->sha, hex);
		paths[n] = path;
		shas[n++] = hex;
	}
	statcache_write(t->dfd, t->pl.pfd, cache_name(t), cache_tmpl(t),
	    paths, shas, NULL, n, t->scan_start);
}

int
out_close_tree(struct outset *os, int commit)
{
	struct tree *t = os->tree;
	struct arena *a;
	struct change *chg;
	size_t i, nchg = 0;
	int rc = -1, n = 0;

	if (t == NULL)
		return -1;	/* a signal ended it: said so */
	a = t->arena;
	if (!commit) {
		tree_end(t, 0);
		if (t->catching)
			release_signals();
		return -1;
	}
	if (t->failed)
		goto out;
	if (t->current) {
		rc = 0;		/* nothing was generated: nothing changes */
		goto out;
	}
	/* what the old tree has that the new one does not */
	chg = arena_alloc(a, (os->files.n + t->old.n + 1) * sizeof(*chg));
	for (i = 0; i < t->old.n; i++) {
		const char *path = t->old.v[i];

		if (out_find(os, path) != NULL)
			continue;
		chg[nchg].path = path;
		chg[nchg++].what = "removed";
		note_edited(t, path);
	}
	/* a generated file edited by hand: the edit would be lost */
	if (!t->check_only && hash_count(t->edited) > 0) {
		for (i = 0; i < t->old.n; i++)
			if (hash_get(t->edited, t->old.v[i]) != NULL && n++ < 5)
				fprintf(t->err, "ztopo: %s/%s: edited since ztopo "
				    "wrote it (not the bytes MANIFEST hashed)\n",
				    t->dir, (const char *)t->old.v[i]);
		fprintf(t->err, "ztopo: %s: refusing to overwrite %d edited "
		    "file%s: make the change in the description, or restore "
		    "or remove %s, then compile again\n", t->dir, n, n == 1 ?
		    "" : "s", n == 1 ? "it" : "them");
		goto out;
	}
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		if (f->state == OUT_SAME)
			continue;
		/* a checkout lacks the (gitignored) secret files, and
		 * placeholders never equal real values: --check is about what
		 * is committed */
		if (t->check_only && out_is_secret(f) &&
		    (f->state == OUT_NEW || os->redacted))
			continue;
		/* the stamp changes with anything else: bookkeeping, which
		 * --check does not list */
		if (t->check_only && strcmp(f->path, STAMP_FILE) == 0)
			continue;
		chg[nchg].path = f->path;
		chg[nchg++].what = f->state == OUT_NEW ? "new" :
		    hash_get(t->edited, f->path) != NULL ? "edited" : "changed";
	}
	if (t->check_only) {
		qsort(chg, nchg, sizeof(*chg), cmp_change);
		for (i = 0; t->report != NULL && i < nchg; i++)
			fprintf(t->report, "%s %s/%s\n", chg[i].what, t->dir,
			    chg[i].path);
		for (i = 0; os->diff && t->report != NULL && i < nchg; i++)
			show_change(t, chg[i].path);
		rc = nchg ? 1 : 0;
		goto out;
	}
	if (t->exists && nchg == 0) {
		rc = 0;		/* nothing changed: nothing was staged */
		goto out;
	}
	if (t->stage == NULL && t->stamp != NULL && nchg == 1) {
		/* only the stamp: a comment, a rebuilt ztopo */
		rc = restamp(t);
		goto out;
	}
	if (t->stage == NULL && stage_open(t) == -1) {
		stage_failed(t);
		goto out;
	}
	if (swap(t) == -1) {
		int err = errno;

		if (caught)
			fprintf(t->err, "ztopo: interrupted; %s left "
			    "unchanged\n", t->dir);
		else if (err == EXDEV)
			fprintf(t->err, "ztopo: %s: is a mount point, or on "
			    "another file system than %s; ztopo stages the new "
			    "tree next to it and needs both on one file system; "
			    "%s left unchanged\n", t->dir, t->pl.parent, t->dir);
		else if (t->failed_at == NULL)
			fprintf(t->err, "ztopo: %s: %s; left unchanged\n",
			    t->dir, strerror(err));
		else {
			errno = err;
			stage_failed(t);
		}
		goto out;
	}
	t->scanned = 0;	/* the old tree is gone */
	record_new(t);
	rc = 0;
out:
	if (rc == 0 && t->scanned && t->exists && !t->check_only &&
	    t->dfd != -1 && hash_count(t->edited) == 0)
		record_old(t);
	tree_end(t, 1);
	if (t->catching)
		release_signals();
	return rc;
}
