/*
 * output.c -- the output set backends fill, and writing it as a tree.
 *
 * A compile either replaces the whole output directory or leaves it
 * untouched:
 *  - the new tree is staged in a sibling directory (same file system,
 *    named .<dir>.ztopo-new.XXXXXX), then swapped in with one
 *    renameat2(RENAME_EXCHANGE) -- readers see the old tree or the new
 *    one, never a mixture (where the file system cannot exchange, two
 *    renames, the old tree kept aside until the new one is in place);
 *  - a file whose bytes and mode did not change is hard-linked from the
 *    old tree, so it keeps its inode and mtime (make, rsync and git stay
 *    quiet); where no link can be made it is copied with its old times;
 *  - written files and the staged directories are fsync(2)ed before the
 *    swap, and the parent after it, so a crash leaves the old tree or the
 *    complete new one, never empty files;
 *  - SIGINT, SIGTERM and SIGHUP while staging remove the staging
 *    directory and leave the old tree as it was; after the swap they wait
 *    until the old tree is removed; then the signal is delivered;
 *  - writers of the same directory are serialised (flock(2) on the
 *    parent), and staging directories left by a killed run are removed;
 *  - the tree carries a MANIFEST (sha256sum format) of every file ztopo
 *    wrote; a directory that holds anything else -- or that is not empty
 *    and has no MANIFEST -- is not ztopo's to replace, and is refused.
 *    A file that holds secret values is listed on a comment line without
 *    its hash: the MANIFEST is committed, the file is not, and a hash of
 *    a short password is a password.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "sha256.h"

/* The MANIFEST line of a secret file: sha256sum skips '#' lines. */

int
out_is_secret(const struct outfile *f)
{
	return f->secret || (f->mode & 077) == 0;
}

void
out_init(struct outset *os, struct arena *a)
{
	memset(os, 0, sizeof(*os));
	os->arena = a;
	os->index = hash_new(a);
}

struct outfile *
out_add(struct outset *os, enum art_kind kind, const char *path,
    const char *data, size_t len, unsigned mode, int secret)
{
	struct outfile *f = arena_alloc(os->arena, sizeof(*f));

	f->kind = kind;
	f->path = arena_strdup(os->arena, path);
	f->data = arena_alloc(os->arena, len + 1);
	memcpy(f->data, data, len);
	f->len = len;
	f->mode = mode;
	f->secret = secret;
	if (!hash_put(os->index, f->path, f)) {
		fprintf(stderr, "ztopo: internal error: %s emitted twice\n",
		    path);
		abort();
	}
	vec_push(os->arena, &os->files, f);
	return f;
}

void
out_for(struct outfile *f, const struct ir_sinst *si, enum art_apply apply,
    const char *dest)
{
	f->host = si->host;
	f->zinst = si->zone;
	f->sinst = si;
	f->apply = apply;
	f->dest = dest;
}

struct outfile *
out_add_split(struct outset *os, enum art_kind kind, const char *path,
    const struct strbuf *structure, unsigned mode, const char *secret_path,
    const struct strbuf *secrets)
{
	struct outfile *f = out_add(os, kind, path, structure->buf ?
	    structure->buf : "", structure->len, mode, 0);

	/* secret even with --redact: MANIFEST and .gitignore stay the same */
	f->companion = out_add(os, ART_CONFIG, secret_path, secrets->buf ?
	    secrets->buf : "", secrets->len, 0600, 1);
	return f;
}

void
out_companion_for(struct outfile *f, const char *dest)
{
	struct outfile *c = f->companion;

	c->host = f->host;
	c->zinst = f->zinst;
	c->sinst = f->sinst;
	c->apply = APPLY_INSTALL;
	c->dest = dest;
}

struct outfile *
out_find(const struct outset *os, const char *path)
{
	return hash_get(os->index, path);
}

static int
cmp_path(const void *a, const void *b)
{
	const struct outfile *x = *(struct outfile *const *)a;
	const struct outfile *y = *(struct outfile *const *)b;

	return strcmp(x->path, y->path);
}

void
out_sort(struct outset *os)
{
	if (os->files.n > 1)
		qsort(os->files.v, os->files.n, sizeof(void *), cmp_path);
}

/*
 * Add MANIFEST: "sha256  path" for every file, sorted by path; a secret
 * file gets "# secret, not hashed: path" instead.
 */
void
out_manifest(struct outset *os)
{
	struct strbuf sb;
	size_t i;

	out_sort(os);
	sb_init(&sb);
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];
		char hex[65];

		if (out_is_secret(f)) {
			sb_printf(&sb, "%s%s\n", SECRET_LINE, f->path);
			continue;
		}
		sha256_hex(f->data, f->len, hex);
		sb_printf(&sb, "%s  %s\n", hex, f->path);
	}
	out_add(os, ART_TREE, "MANIFEST", sb.buf ? sb.buf : "", sb.len, 0644,
	    0);
	sb_free(&sb);
	out_sort(os);
}

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
		if (rm_at(fd, de->d_name) == -1)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1)
		rc = -1;
	return rc;
}

/* ---- the old tree: may it be replaced? */

struct walk {
	struct arena	*arena;
	const char	*root;		/* for messages */
	struct hash	*listed;	/* paths in the old MANIFEST */
	struct hash	*dirs;		/* ...and the directories above them */
	int		 foreign;	/* files ztopo did not write */
	int		 errors;
};

static void
walk(struct walk *w, int dfd, const char *rel)
{
	struct dirent *de;
	DIR *d;
	int fd, entries = 0;

	fd = openat(dfd, rel[0] ? rel : ".",
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		fprintf(stderr, "ztopo: %s/%s: %s\n", w->root, rel,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		w->errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *sub;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		entries++;
		sub = rel[0] ? arena_printf(w->arena, "%s/%s", rel, de->d_name) :
		    arena_strdup(w->arena, de->d_name);
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(w, dfd, sub);
		else if (!S_ISREG(st.st_mode) ||
		    (strcmp(sub, "MANIFEST") != 0 &&
		    hash_get(w->listed, sub) == NULL)) {
			if (w->foreign++ < 5)
				fprintf(stderr, "ztopo: %s/%s: not written by "
				    "ztopo (not in %s/MANIFEST)\n", w->root,
				    sub, w->root);
		}
	}
	closedir(d);
	/* ztopo makes directories only to hold files: an empty one that
	 * holds no listed file (a checkout lacks the git-ignored secret
	 * files) is the user's, and replacing the tree would delete it */
	if (entries == 0 && rel[0] != '\0' && hash_get(w->dirs, rel) == NULL &&
	    w->foreign++ < 5)
		fprintf(stderr, "ztopo: %s/%s: an empty directory ztopo did not "
		    "make\n", w->root, rel);
}

/*
 * The paths a MANIFEST lists, hashed or secret, in its order.  Lines
 * that are neither (a hand edit) list nothing.
 */
static void
manifest_paths(struct arena *a, const char *man, struct vec *out,
    struct hash *hashes)
{
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
		vec_push(a, out, (void *)path);
		if (hashed)
			hash_put(hashes, path, arena_strndup(a, p, 64));
	}
}

/*
 * Check that DIR (open as DFD) may be replaced: empty, or a tree whose
 * MANIFEST lists every file in it.  Fills OLD with the paths the old
 * MANIFEST lists, and EDITED with those whose bytes are no longer the
 * ones MANIFEST hashed: edited by hand since ztopo wrote them.
 */
static int
check_old(struct arena *a, const char *dir, int dfd, struct vec *old,
    struct hash *edited)
{
	struct hash *hashes = hash_new(a);
	struct walk w;
	struct dirent *de;
	size_t len, i;
	char *man;

	memset(&w, 0, sizeof(w));
	w.arena = a;
	w.root = dir;
	w.listed = hash_new(a);
	w.dirs = hash_new(a);
	man = read_at(dfd, "MANIFEST", &len, NULL, NULL);
	if (man == NULL) {
		int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = fd == -1 ? NULL : fdopendir(fd);
		int empty = 1;

		if (d == NULL) {
			fprintf(stderr, "ztopo: %s: %s\n", dir, strerror(errno));
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
		fprintf(stderr, "ztopo: %s: not empty and has no MANIFEST; "
		    "refusing to replace a directory ztopo did not write\n",
		    dir);
		return -1;
	}
	manifest_paths(a, man, old, hashes);
	free(man);
	for (i = 0; i < old->n; i++) {
		const char *want = hash_get(hashes, old->v[i]);
		char *data, hex[65];
		size_t dlen;

		hash_put(w.listed, old->v[i], (void *)1);
		{
			char *up = arena_strdup(a, old->v[i]), *sl;

			while ((sl = strrchr(up, '/')) != NULL) {
				*sl = '\0';
				hash_put(w.dirs, arena_strdup(a, up), (void *)1);
			}
		}
		if (want == NULL || (data = read_at(dfd, old->v[i], &dlen,
		    NULL, NULL)) == NULL)
			continue;
		sha256_hex(data, dlen, hex);
		free(data);
		if (strcmp(hex, want) != 0)
			hash_put(edited, old->v[i], (void *)1);
	}
	walk(&w, dfd, "");
	if (w.foreign) {
		fprintf(stderr, "ztopo: %s: holds %d file%s ztopo did not "
		    "write; refusing to replace it (move %s away, or choose "
		    "another -o)\n", dir, w.foreign, w.foreign == 1 ? "" : "s",
		    w.foreign == 1 ? "it" : "them");
		return -1;
	}
	return w.errors ? -1 : 0;
}

/* ---- comparing */

enum fstate { F_SAME, F_CHANGED, F_NEW };

static enum fstate
compare(int dfd, const struct outfile *f, struct stat *oldst)
{
	mode_t mode;
	size_t len;
	char *old = read_at(dfd, f->path, &len, &mode, oldst);
	enum fstate st;

	if (old == NULL)
		return F_NEW;
	st = len == f->len && memcmp(old, f->data, len) == 0 &&
	    mode == f->mode ? F_SAME : F_CHANGED;
	free(old);
	return st;
}

struct change {
	const char	*path;
	const char	*what;		/* "new", "changed", "removed" */
};

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* ---- staging */

struct stage {
	struct arena	*arena;
	int		 fd;		/* the staging directory */
	struct vec	 dirs;		/* directories created, to fsync */
	const char	*failed;	/* what failed, for the message */
};

/* Create the directories leading to PATH (relative) under the stage. */
static int
stage_mkdirs(struct stage *s, const char *path)
{
	char *p, *buf = arena_strdup(s->arena, path);

	for (p = strchr(buf, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(s->fd, buf, 0755) == 0)
			vec_push(s->arena, &s->dirs, arena_strdup(s->arena, buf));
		else if (errno != EEXIST) {
			s->failed = buf;
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Write F into the stage; OLDST: the unchanged old file's times. */
static int
stage_write(struct stage *s, const struct outfile *f,
    const struct stat *oldst)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	s->failed = f->path;
	fd = openat(s->fd, f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (off < f->len) {
		if ((n = write(fd, f->data + off, f->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, f->mode) == -1)
		goto fail;
	if (oldst != NULL) {
		struct timespec ts[2] = { oldst->st_atim, oldst->st_mtim };

		(void)futimens(fd, ts);
	}
	if (fsync(fd) == -1)
		goto fail;
	return close(fd);
fail:
	n = errno;
	close(fd);
	errno = (int)n;
	return -1;
}

static int
fsync_at(int dfd, const char *path)
{
	int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ---- where DIR is: its parent, and its name in the parent */

struct place {
	const char	*dir;		/* as given, for messages */
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

static int
locate(struct arena *a, const char *dir, struct place *pl, int check_only)
{
	char *d = arena_strdup(a, dir), *slash;
	size_t n = strlen(d);

	pl->dir = dir;
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	slash = strrchr(d, '/');
	pl->base = slash ? slash + 1 : d;
	if (strcmp(pl->base, ".") == 0 || strcmp(pl->base, "..") == 0 ||
	    pl->base[0] == '\0') {
		/* "out/..", ".", "/": name the directory by its real path */
		char *real = realpath(d, NULL);

		if (real == NULL) {
			fprintf(stderr, "ztopo: %s: %s\n", dir, strerror(errno));
			return -1;
		}
		d = arena_strdup(a, real);
		free(real);
		if (strcmp(d, "/") == 0) {
			fprintf(stderr, "ztopo: refusing to replace /\n");
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
	if (pl->pfd == -1 && errno == ENOENT && check_only)
		return 0;	/* nothing there yet; --check creates nothing */
	if (pl->pfd == -1 && errno == ENOENT) {
		if (mkdir_p(pl->parent) == -1) {
			fprintf(stderr, "ztopo: cannot create %s: %s\n",
			    pl->parent, strerror(errno));
			return -1;
		}
		pl->pfd = open(pl->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (pl->pfd == -1) {
		fprintf(stderr, "ztopo: %s: %s\n", pl->parent, strerror(errno));
		return -1;
	}
	return 0;
}

/* Remove staging directories of DIR that a killed run left behind. */
static void
remove_stale(struct arena *a, const struct place *pl)
{
	char *pfx = arena_printf(a, ".%s.ztopo-", pl->base);
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
		    strncmp(rest, "old.", 4) != 0) || strlen(rest) != 10)
			continue;
		if (rm_at(pl->pfd, de->d_name) == 0)
			fprintf(stderr, "ztopo: removed %s/%s, left by an "
			    "interrupted run\n", pl->parent, de->d_name);
	}
	closedir(d);
}

/* A fresh staging directory's name (mkdtemp(3) in the parent). */
static char *
make_stage(struct arena *a, const struct place *pl, const char *tag,
    int create)
{
	char *path = arena_printf(a, "%s/.%s.ztopo-%s.XXXXXX", pl->parent,
	    pl->base, tag);

	if (mkdtemp(path) == NULL)
		return NULL;
	if (!create && rmdir(path) == -1)
		return NULL;
	return strrchr(path, '/') + 1;
}

/* The bytes of the tree's PATH, or NULL (and *MODE 0) when there are
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
show_change(struct outset *os, FILE *out, const char *dir, int dfd,
    const char *path)
{
	struct arena *a = os->arena;
	const struct outfile *f = out_find(os, path);
	size_t olen;
	unsigned omode;
	char *old = old_bytes(a, dfd, path, &olen, &omode);

	if ((f != NULL && out_is_secret(f)) || (old != NULL &&
	    (omode & 077) == 0)) {
		fprintf(out, "# %s/%s holds secrets: not shown\n", dir, path);
		return;
	}
	udiff(out, old != NULL ? arena_printf(a, "a/%s", path) : "/dev/null",
	    old != NULL ? old : "", olen, f != NULL ? arena_printf(a, "b/%s",
	    path) : "/dev/null", f != NULL ? f->data : "", f != NULL ?
	    f->len : 0);
}

int
out_write_tree(struct outset *os, const char *dir, int check_only,
    FILE *report)
{
	struct arena *a = os->arena;
	struct place pl;
	struct stage s;
	struct stat *oldst;
	struct change *chg;
	struct vec old;
	struct hash *edited = hash_new(os->arena);
	enum fstate *st;
	const char *stage, *gone;
	size_t i, nchg = 0;
	int dfd = -1, exists = 0, err;

	if (dir[0] == '\0') {
		fprintf(stderr, "ztopo: -o: empty directory name\n");
		return -1;
	} else {
		/* "out/" is named "out" in messages and in the --check list */
		char *d = arena_strdup(a, dir);
		size_t n = strlen(d);

		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		dir = d;
	}
	out_sort(os);
	memset(&old, 0, sizeof(old));
	memset(&pl, 0, sizeof(pl));
	pl.pfd = -1;
	if (locate(a, dir, &pl, check_only) == -1)
		return -1;
	/* one writer per parent at a time; waits for the other to finish */
	if (!check_only && flock(pl.pfd, LOCK_EX) == -1) {
		fprintf(stderr, "ztopo: %s: cannot lock: %s\n", pl.parent,
		    strerror(errno));
		goto out;
	}
	if (!check_only)
		remove_stale(a, &pl);

	dfd = pl.pfd == -1 ? -1 : openat(pl.pfd, pl.base, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pl.pfd == -1)
		;		/* --check, and not even the parent exists */
	else if (dfd == -1) {
		struct stat lst;

		if (fstatat(pl.pfd, pl.base, &lst, AT_SYMLINK_NOFOLLOW) == 0) {
			fprintf(stderr, "ztopo: %s: %s; refusing to replace "
			    "it\n", dir, S_ISLNK(lst.st_mode) ? "is a symbolic "
			    "link (give the directory it points to)" :
			    "exists and is not a directory");
			goto out;
		}
		if (errno != ENOENT) {
			fprintf(stderr, "ztopo: %s: %s\n", dir, strerror(errno));
			goto out;
		}
	} else {
		exists = 1;
		if (check_old(a, dir, dfd, &old, edited) == -1)
			goto out;
	}
	/* a generated file edited by hand: the edit would be lost */
	if (!check_only && hash_count(edited) > 0) {
		int n = 0;

		for (i = 0; i < old.n; i++)
			if (hash_get(edited, old.v[i]) != NULL && n++ < 5)
				fprintf(stderr, "ztopo: %s/%s: edited since ztopo "
				    "wrote it (not the bytes MANIFEST hashed)\n",
				    dir, (const char *)old.v[i]);
		fprintf(stderr, "ztopo: %s: refusing to overwrite %d edited "
		    "file%s: make the change in the description, or restore "
		    "or remove %s, then compile again\n", dir, n, n == 1 ?
		    "" : "s", n == 1 ? "it" : "them");
		goto out;
	}

	st = arena_alloc(a, (os->files.n + 1) * sizeof(*st));
	oldst = arena_alloc(a, (os->files.n + 1) * sizeof(*oldst));
	chg = arena_alloc(a, (os->files.n + old.n + 1) * sizeof(*chg));
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		st[i] = exists ? compare(dfd, f, &oldst[i]) : F_NEW;
		if (st[i] == F_SAME)
			continue;
		/* a checkout lacks the (gitignored) secret files, and
		 * placeholders never equal real values: --check is about what
		 * is committed */
		if (check_only && out_is_secret(f) &&
		    (st[i] == F_NEW || os->redacted))
			continue;
		chg[nchg].path = f->path;
		chg[nchg++].what = st[i] == F_NEW ? "new" :
		    hash_get(edited, f->path) != NULL ? "edited" : "changed";
	}
	for (i = 0; i < old.n; i++)
		if (out_find(os, old.v[i]) == NULL) {
			chg[nchg].path = old.v[i];
			chg[nchg++].what = "removed";
		}
	if (check_only) {
		qsort(chg, nchg, sizeof(*chg), cmp_change);
		for (i = 0; report != NULL && i < nchg; i++)
			fprintf(report, "%s %s/%s\n", chg[i].what, dir,
			    chg[i].path);
		for (i = 0; os->diff && report != NULL && i < nchg; i++)
			show_change(os, report, dir, dfd, chg[i].path);
		err = nchg ? 1 : 0;
		goto done;
	}
	if (exists && nchg == 0) {
		err = 0;
		goto done;
	}

	/* stage the new tree */
	catch_signals();
	memset(&s, 0, sizeof(s));
	s.arena = a;
	s.fd = -1;
	if ((stage = make_stage(a, &pl, "new", 1)) == NULL) {
		fprintf(stderr, "ztopo: cannot create a staging directory in "
		    "%s: %s\n", pl.parent, strerror(errno));
		release_signals();
		goto out;
	}
	s.failed = stage;
	if ((s.fd = openat(pl.pfd, stage, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || fchmod(s.fd, 0755) == -1)
		goto fail;
	for (i = 0; i < os->files.n && !caught; i++) {
		const struct outfile *f = os->files.v[i];

		if (stage_mkdirs(&s, f->path) == -1)
			goto fail;
		if (st[i] == F_SAME &&
		    linkat(dfd, f->path, s.fd, f->path, 0) == 0)
			continue;
		/* EXDEV, EPERM (no hard links here): copy, times kept */
		if (stage_write(&s, f, st[i] == F_SAME ? &oldst[i] : NULL) == -1)
			goto fail;
	}
	for (i = 0; i < s.dirs.n && !caught; i++)
		if (fsync_at(s.fd, s.dirs.v[i]) == -1) {
			s.failed = s.dirs.v[i];
			goto fail;
		}
	if (!caught && fsync(s.fd) == -1)
		goto fail;
	if (caught) {
		errno = EINTR;
		s.failed = NULL;
		goto fail;
	}

	/* swap it in */
	s.failed = dir;
	gone = stage;
	if (!exists) {
		if (renameat(pl.pfd, stage, pl.pfd, pl.base) == -1)
			goto fail;
		gone = NULL;
	} else if (renameat2(pl.pfd, stage, pl.pfd, pl.base,
	    RENAME_EXCHANGE) == -1) {
		/* no atomic exchange here: two renames, old tree kept aside */
		const char *aside;

		if (errno == EXDEV)
			goto fail;
		if ((aside = make_stage(a, &pl, "old", 0)) == NULL ||
		    renameat(pl.pfd, pl.base, pl.pfd, aside) == -1)
			goto fail;
		if (renameat(pl.pfd, stage, pl.pfd, pl.base) == -1) {
			err = errno;
			(void)renameat(pl.pfd, aside, pl.pfd, pl.base);
			errno = err;
			goto fail;
		}
		gone = aside;
	}
	(void)fsync(pl.pfd);
	if (gone != NULL && rm_at(pl.pfd, gone) == -1)
		fprintf(stderr, "ztopo: warning: could not remove the old "
		    "tree %s/%s: %s\n", pl.parent, gone, strerror(errno));
	close(s.fd);
	err = 0;
	release_signals();
	goto done;
fail:
	err = errno;
	if (caught)
		fprintf(stderr, "ztopo: interrupted; %s left unchanged\n", dir);
	else if (err == EXDEV)
		fprintf(stderr, "ztopo: %s: is a mount point, or on another "
		    "file system than %s; ztopo stages the new tree next to it "
		    "and needs both on one file system; %s left unchanged\n",
		    dir, pl.parent, dir);
	else if (s.failed == dir)
		fprintf(stderr, "ztopo: %s: %s; left unchanged\n", dir,
		    strerror(err));
	else
		fprintf(stderr, "ztopo: staging %s/%s: %s; %s left "
		    "unchanged\n", pl.parent, s.failed == stage ? stage :
		    arena_printf(a, "%s/%s", stage, s.failed), strerror(err),
		    dir);
	if (s.fd != -1)
		close(s.fd);
	if (rm_at(pl.pfd, stage) == -1)
		fprintf(stderr, "ztopo: warning: could not remove %s/%s: %s\n",
		    pl.parent, stage, strerror(errno));
	release_signals();
out:
	err = -1;
done:
	if (dfd != -1)
		close(dfd);
	if (pl.pfd != -1)
		close(pl.pfd);	/* releases the lock */
	return err;
}
