/*
 * output.c -- the output set backends fill, and writing it as a tree.
 *
 * A compile either replaces the whole output directory or leaves it
 * untouched:
 *  - the new tree is staged in a sibling directory (same file system),
 *    then swapped in with one renameat2(RENAME_EXCHANGE) -- readers see
 *    the old tree or the new one, never a mixture;
 *  - a file whose bytes and mode did not change is hard-linked from the
 *    old tree, so it keeps its inode and mtime (make, rsync and git stay
 *    quiet);
 *  - the tree carries a MANIFEST (sha256sum format) of every file ztopo
 *    wrote; a directory that holds anything else -- or that is not empty
 *    and has no MANIFEST -- is not ztopo's to replace, and is refused.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "output.h"
#include "sha256.h"

void
out_init(struct outset *os, struct arena *a)
{
	memset(os, 0, sizeof(*os));
	os->arena = a;
	os->index = hash_new(a);
}

struct outfile *
out_add(struct outset *os, const char *path, const char *data, size_t len,
    unsigned mode, int secret)
{
	struct outfile *f = arena_alloc(os->arena, sizeof(*f));

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

/* Add DIR/MANIFEST: "sha256  path" for every file, sorted by path. */
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

		sha256_hex(f->data, f->len, hex);
		sb_printf(&sb, "%s  %s\n", hex, f->path);
	}
	out_add(os, "MANIFEST", sb.buf ? sb.buf : "", sb.len, 0644, 0);
	sb_free(&sb);
	out_sort(os);
}

/* ---- reading the old tree */

static char *
read_file(const char *path, size_t *len, mode_t *mode)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*len = got;
	if (mode)
		*mode = st.st_mode & 07777;
	return buf;
}

struct walk {
	struct arena	*arena;
	const char	*root;
	struct hash	*listed;	/* paths in the old MANIFEST */
	int		 foreign;	/* files ztopo did not write */
	int		 errors;
};

static void
walk(struct walk *w, const char *rel)
{
	char *path = rel[0] ? arena_printf(w->arena, "%s/%s", w->root, rel) :
	    arena_strdup(w->arena, w->root);
	struct dirent *de;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "ztopo: %s: %s\n", path, strerror(errno));
		w->errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *sub;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sub = rel[0] ? arena_printf(w->arena, "%s/%s", rel, de->d_name) :
		    arena_strdup(w->arena, de->d_name);
		if (lstat(arena_printf(w->arena, "%s/%s", w->root, sub),
		    &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(w, sub);
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
}

/*
 * Check that DIR may be replaced: absent, empty, or a tree whose MANIFEST
 * lists every file in it.  *exists tells whether there is an old tree.
 */
static int
check_old(struct arena *a, const char *dir, int *exists)
{
	struct walk w;
	struct stat st;
	char *man, *p, *nl;
	size_t len;

	*exists = 0;
	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "ztopo: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ztopo: %s: exists and is not a directory\n",
		    dir);
		return -1;
	}
	*exists = 1;
	memset(&w, 0, sizeof(w));
	w.arena = a;
	w.root = dir;
	w.listed = hash_new(a);
	man = read_file(arena_printf(a, "%s/MANIFEST", dir), &len, NULL);
	if (man == NULL) {
		DIR *d = opendir(dir);
		struct dirent *de;
		int empty = 1;

		while (d != NULL && (de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				empty = 0;
		if (d != NULL)
			closedir(d);
		if (empty)
			return 0;
		fprintf(stderr, "ztopo: %s: not empty and has no MANIFEST; "
		    "refusing to replace a directory ztopo did not write\n",
		    dir);
		return -1;
	}
	for (p = man; *p; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		if (nl - p > 66)
			hash_put(w.listed, arena_strndup(a, p + 66,
			    (size_t)(nl - p - 66)), (void *)1);
		if (nl[1] == '\0')
			break;
	}
	free(man);
	walk(&w, "");
	if (w.foreign) {
		fprintf(stderr, "ztopo: %s: holds %d file%s ztopo did not "
		    "write; refusing to replace it (move %s away, or choose "
		    "another -o)\n", dir, w.foreign, w.foreign == 1 ? "" : "s",
		    w.foreign == 1 ? "it" : "them");
		return -1;
	}
	return w.errors ? -1 : 0;
}

/* ---- comparing and writing */

enum fstate { F_SAME, F_CHANGED, F_NEW };

static enum fstate
compare(const char *dir, const struct outfile *f, struct arena *a)
{
	mode_t mode;
	size_t len;
	char *old = read_file(arena_printf(a, "%s/%s", dir, f->path), &len,
	    &mode);
	enum fstate st;

	if (old == NULL)
		return F_NEW;
	st = len == f->len && memcmp(old, f->data, len) == 0 &&
	    mode == f->mode ? F_SAME : F_CHANGED;
	free(old);
	return st;
}

static int
mkdirs(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int
write_one(const char *path, const struct outfile *f)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	while (off < f->len) {
		if ((n = write(fd, f->data + off, f->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, f->mode) == -1 || close(fd) == -1)
		return -1;
	return 0;
}

static int
rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		    de->d_name) >= sizeof(sub) || rm_rf(sub) == -1)
			rc = -1;
	}
	closedir(d);
	if (rmdir(path) == -1)
		rc = -1;
	return rc;
}

static char *
sibling(struct arena *a, const char *dir, const char *tag)
{
	const char *slash;
	char *d = arena_strdup(a, dir);
	size_t n = strlen(d);

	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	slash = strrchr(d, '/');
	if (slash == NULL)
		return arena_printf(a, ".%s.ztopo-%s.XXXXXX", d, tag);
	return arena_printf(a, "%.*s/.%s.ztopo-%s.XXXXXX",
	    (int)(slash - d), d, slash + 1, tag);
}

int
out_write_tree(struct outset *os, const char *dir, int check_only,
    FILE *report)
{
	struct arena *a = os->arena;
	enum fstate *st;
	char *stage, *path;
	size_t i, changed = 0;
	int exists, rc = -1;

	out_sort(os);
	if (check_old(a, dir, &exists) == -1)
		return -1;
	st = arena_alloc(a, (os->files.n + 1) * sizeof(*st));
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		st[i] = exists ? compare(dir, f, a) : F_NEW;
		if (st[i] != F_SAME) {
			changed++;
			if (check_only && report)
				fprintf(report, "%s %s/%s\n", st[i] == F_NEW ?
				    "new" : "changed", dir, f->path);
		}
	}
	if (exists) {
		/* files of the old tree the new one drops */
		char *man;
		size_t len;

		man = read_file(arena_printf(a, "%s/MANIFEST", dir), &len,
		    NULL);
		if (man != NULL) {
			char *p, *nl;

			for (p = man; *p; p = nl + 1) {
				if ((nl = strchr(p, '\n')) == NULL)
					break;
				if (nl - p > 66) {
					char *rel = arena_strndup(a, p + 66,
					    (size_t)(nl - p - 66));

					if (out_find(os, rel) == NULL) {
						changed++;
						if (check_only && report)
							fprintf(report,
							    "removed %s/%s\n",
							    dir, rel);
					}
				}
			}
			free(man);
		}
	}
	if (check_only)
		return changed ? 1 : 0;
	if (exists && changed == 0)
		return 0;

	stage = sibling(a, dir, "new");
	if (mkdtemp(stage) == NULL) {
		fprintf(stderr, "ztopo: cannot create a staging directory "
		    "next to %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (chmod(stage, 0755) == -1)
		goto fail;
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		path = arena_printf(a, "%s/%s", stage, f->path);
		if (mkdirs(path) == -1)
			goto fail;
		if (st[i] == F_SAME &&
		    link(arena_printf(a, "%s/%s", dir, f->path), path) == 0)
			continue;
		if (write_one(path, f) == -1)
			goto fail;
	}
	if (!exists) {
		if (rename(stage, dir) == -1)
			goto fail;
		return 0;
	}
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, dir, RENAME_EXCHANGE) == -1) {
		/* no atomic exchange here: two renames, old tree kept aside */
		char *old = sibling(a, dir, "old");

		if (mkdtemp(old) == NULL || rmdir(old) == -1 ||
		    rename(dir, old) == -1)
			goto fail;
		if (rename(stage, dir) == -1) {
			(void)rename(old, dir);
			goto fail;
		}
		stage = old;
	}
	if (rm_rf(stage) == -1)
		fprintf(stderr, "ztopo: warning: could not remove %s: %s\n",
		    stage, strerror(errno));
	return 0;
fail:
	fprintf(stderr, "ztopo: %s: %s; %s left unchanged\n", stage,
	    strerror(errno), dir);
	(void)rm_rf(stage);
	return rc;
}
