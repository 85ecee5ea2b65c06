/*
 * statcache.c -- the tree's .ztopo-stat: for every file and directory of
 * an output tree, what stat(2) said of it when ztopo last knew its
 * bytes, so that a recompile that changes nothing, and a --check of an
 * up-to-date tree, cost a stat of each path instead of reading and
 * hashing every file (scan.c).
 *
 * A record is trusted, as git trusts its index, only while the path
 * still has the same inode, size, mode, modification and change times:
 * writing a file, or adding, removing or renaming an entry of a
 * directory, moves its times, and the change time cannot be set back by
 * hand.  What changed in the same clock tick as the records were taken
 * would keep its times, so each cache holds the moment its pass began
 * (statcache_now), and a record with a time at or after it is in doubt:
 * the whole cache is then ignored and the tree read as always.  So is a
 * cache of another tree (device and inode of its top directory), of
 * another layout (the paths must be exactly the tree's), or one whose
 * bytes do not hash to its own checksum (torn by a crash).  The top
 * directory, which the cache file itself changes, is always listed.
 *
 * A file the compile wrote is recorded as the writer's fstat left it
 * (stage.c): nothing touches it after, and a lookup by path costs more
 * than the rest of the record.  Directories, and files hard-linked from
 * the old tree (whose removal changes them), are stated after the swap.
 *
 * The file is machine-local (inodes), so it is git-ignored like
 * .ztopo-stamp, and 0600: it holds the hashes of the secret files.
 *
 * Layout, native byte order (the order mark is checked): a header, then
 * records of a fixed part, the path, and for files their SHA-256.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ztopo.h"
#include "digest.h"
#include "output.h"
#include "scan.h"
#include "statcache.h"

#define MAGIC		"ZTSTAT1"	/* and its NUL: 8 bytes */
#define ORDER		0x01020304u
#define THREADS_MAX	8
#define REC_FILE	'f'
#define REC_DIR		'd'

struct header {
	char		magic[8];
	uint32_t	order;
	uint32_t	zero;
	uint64_t	dev, ino;	/* the tree's top directory */
	int64_t		tstart;		/* ns since the epoch */
	uint64_t	nfiles, ndirs;
	uint64_t	bodylen;
	unsigned char	sum[32];	/* SHA-256 of the body */
};

struct rec {
	uint32_t	kind;		/* REC_FILE, REC_DIR */
	uint32_t	pathlen;	/* the path follows, then for a file
					 * its 32-byte hash */
	uint64_t	ino, size;
	int64_t		mtime, ctime;	/* ns since the epoch */
	uint32_t	mode;		/* st_mode, whole */
	uint32_t	zero;
};

static int64_t
ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct timespec
statcache_now(void)
{
	struct timespec ts;

	/* file systems stamp from the coarse clock, or finer: a coarse
	 * reading is never later than a stamp taken after it */
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts;
}

/* ---- stat every path, on one thread per processor */

struct stat_job {
	int		 dfd;
	const char	**paths;
	struct stat	*st;
	size_t		 from, to;
	int		 failed;
};

static void *
stat_part(void *arg)
{
	struct stat_job *j = arg;
	size_t i;

	for (i = j->from; i < j->to; i++)
		if (fstatat(j->dfd, j->paths[i], &j->st[i],
		    AT_SYMLINK_NOFOLLOW) == -1) {
			j->failed = 1;
			break;
		}
	return NULL;
}

/* Stat the N PATHS under DFD into ST; -1 if one cannot be. */
static int
stat_all(int dfd, const char **paths, size_t n, struct stat *st)
{
	struct stat_job job[THREADS_MAX];
	pthread_t tid[THREADS_MAX];
	int started[THREADS_MAX];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k, nt;
	int failed = 0;

	nt = cpus < 1 ? 1 : cpus > THREADS_MAX ? THREADS_MAX : (size_t)cpus;
	if (n < 1024)
		nt = 1;		/* not worth a thread */
	for (k = 0; k < nt; k++) {
		job[k].dfd = dfd;
		job[k].paths = paths;
		job[k].st = st;
		job[k].from = n * k / nt;
		job[k].to = n * (k + 1) / nt;
		job[k].failed = 0;
	}
	for (k = 1; k < nt; k++)
		started[k] = pthread_create(&tid[k], NULL, stat_part,
		    &job[k]) == 0;
	stat_part(&job[0]);
	for (k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			stat_part(&job[k]);
	}
	for (k = 0; k < nt; k++)
		failed |= job[k].failed;
	return failed ? -1 : 0;
}

/* ---- writing */

void
filestat_of(struct filestat *fs, const struct stat *st)
{
	fs->ino = (uint64_t)st->st_ino;
	fs->size = (uint64_t)st->st_size;
	fs->mtime = ns(st->st_mtim);
	fs->ctime = ns(st->st_ctim);
	fs->mode = (uint32_t)st->st_mode;
	fs->known = 1;
}

static void
put_rec(struct strbuf *sb, unsigned kind, const char *path,
    const struct filestat *fs, const unsigned char *sha)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.pathlen = (uint32_t)strlen(path);
	r.ino = fs->ino;
	r.size = kind == REC_FILE ? fs->size : 0;
	r.mtime = fs->mtime;
	r.ctime = fs->ctime;
	r.mode = fs->mode;
	sb_putn(sb, (const char *)&r, sizeof(r));
	sb_putn(sb, path, r.pathlen);
	if (kind == REC_FILE)
		sb_putn(sb, (const char *)sha, 32);
}

static int
unhex32(const char *hex, unsigned char out[32])
{
	size_t i;

	for (i = 0; i < 64; i++) {
		int c = hex[i], v = c >= '0' && c <= '9' ? c - '0' :
		    c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
statcache_write(int dfd, int parent, const char *cache, char *tmpl,
    const char **paths, const char **shas, const struct filestat *const *sts,
    size_t n, struct timespec tstart)
{
	struct arena *a = arena_new();
	struct hash *seen = hash_new(a);
	struct vec dirs;
	struct stat top, *st;
	struct filestat *fs;
	struct header h;
	struct strbuf sb;
	const char **all, **ask, *name = strrchr(tmpl, '/') + 1;
	unsigned char sha[32];
	size_t i, k, nall, nask = 0, *at;
	int64_t t0 = ns(tstart);
	int fd;

	memset(&dirs, 0, sizeof(dirs));
	memset(sha, 0, sizeof(sha));
	for (i = 0; i < n; i++) {
		char *up = arena_strdup(a, paths[i]), *sl;

		while ((sl = strrchr(up, '/')) != NULL) {
			*sl = '\0';
			if (!hash_put(seen, up, (void *)1))
				break;	/* and so are the ones above it */
			vec_push(a, &dirs, up);
			up = arena_strdup(a, up);
		}
	}
	nall = n + dirs.n;
	all = arena_alloc(a, (nall + 1) * sizeof(*all));
	memcpy(all, paths, n * sizeof(*all));
	if (dirs.n > 0)
		memcpy(all + n, dirs.v, dirs.n * sizeof(*all));
	/* what the writer did not state, stated now */
	fs = arena_alloc(a, (nall + 1) * sizeof(*fs));
	ask = arena_alloc(a, (nall + 1) * sizeof(*ask));
	at = arena_alloc(a, (nall + 1) * sizeof(*at));
	for (i = 0; i < nall; i++) {
		if (i < n && sts != NULL && sts[i] != NULL && sts[i]->known)
			fs[i] = *sts[i];
		else {
			ask[nask] = all[i];
			at[nask++] = i;
		}
	}
	st = xmalloc((nask + 1) * sizeof(*st));
	sb_init(&sb);
	if (fstat(dfd, &top) == -1 || stat_all(dfd, ask, nask, st) == -1)
		goto out;
	for (k = 0; k < nask; k++)
		filestat_of(&fs[at[k]], &st[k]);
	for (i = 0; i < nall; i++) {
		int file = i < n;

		/* changed since the pass began: no use.  A file system
		 * without fine times (nanoseconds 0) cannot tell two changes
		 * in one second apart: no cache there */
		if ((file ? !S_ISREG(fs[i].mode) : !S_ISDIR(fs[i].mode)) ||
		    fs[i].mtime >= t0 || fs[i].ctime >= t0 ||
		    fs[i].mtime % 1000000000 == 0 ||
		    fs[i].ctime % 1000000000 == 0 ||
		    (file && unhex32(shas[i], sha) == -1))
			goto out;
		put_rec(&sb, file ? REC_FILE : REC_DIR, all[i], &fs[i], sha);
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(MAGIC));
	h.order = ORDER;
	h.dev = (uint64_t)top.st_dev;
	h.ino = (uint64_t)top.st_ino;
	h.tstart = t0;
	h.nfiles = n;
	h.ndirs = dirs.n;
	h.bodylen = sb.len;
	sha256(sb.buf != NULL ? sb.buf : "", sb.len, h.sum);
	if ((fd = mkostemp(tmpl, O_CLOEXEC)) == -1)
		goto out;
	if (fchmod(fd, 0600) == -1 || write_all(fd, (const char *)&h,
	    sizeof(h)) == -1 || write_all(fd, sb.buf, sb.len) == -1) {
		close(fd);
		(void)unlinkat(parent, name, 0);
		goto out;
	}
	if (close(fd) == -1 || renameat(parent, name, parent, cache) == -1)
		(void)unlinkat(parent, name, 0);
out:
	sb_free(&sb);
	free(st);
	arena_free(a);
}

/* ---- reading */

/* Are the top directory's entries all the tree's: a file INDEX lists, a
 * directory of DIRS? */
static int
top_ok(int dfd, const struct hash *index, const struct hash *dirs)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ok = 1;
	struct dirent *de;
	DIR *d;

	if (fd == -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		const char *nm = de->d_name;

		if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' &&
		    nm[2] == '\0')))
			continue;
		ok = de->d_type == DT_REG ? hash_get(index, nm) != NULL :
		    de->d_type == DT_DIR ? hash_get(dirs, nm) != NULL : 0;
	}
	closedir(d);
	return ok;
}

int
statcache_load(int dfd, int parent, const char *name,
    const struct hash *index, const struct hash *dirs,
    const char *const *skip, size_t nskip, struct scanned *out)
{
	struct arena *a = arena_new();
	struct hash *dseen = hash_new(a);
	struct header h;
	struct stat top, *st = NULL, cst;
	const char **recs = NULL;
	const char **paths = NULL;
	char *buf = NULL, *p, *end;
	unsigned char sum[32];
	size_t i, n, got = 0, nfiles = 0, nidx = hash_count(index);
	unsigned char *seen = NULL;
	int fd, ok = 0;

	if ((fd = openat(parent, name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto out;
	if (fstat(fd, &cst) == -1 || !S_ISREG(cst.st_mode) ||
	    (size_t)cst.st_size < sizeof(h) || fstat(dfd, &top) == -1) {
		close(fd);
		goto out;
	}
	buf = xmalloc((size_t)cst.st_size + 1);
	while (got < (size_t)cst.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)cst.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)cst.st_size)
		goto out;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(MAGIC)) != 0 || h.order != ORDER ||
	    h.dev != (uint64_t)top.st_dev || h.ino != (uint64_t)top.st_ino ||
	    h.bodylen != got - sizeof(h) ||
	    h.ndirs != hash_count(dirs) || h.nfiles + nskip != nidx)
		goto out;
	sha256(buf + sizeof(h), (size_t)h.bodylen, sum);
	if (memcmp(sum, h.sum, sizeof(sum)) != 0)
		goto out;

	/* every record names a path of the tree, once */
	n = (size_t)(h.nfiles + h.ndirs);
	recs = arena_alloc(a, (n + 1) * sizeof(*recs));
	paths = arena_alloc(a, (n + 1) * sizeof(*paths));
	seen = arena_alloc(a, nidx + 1);
	for (i = 0; i < nskip; i++) {
		void *idx = hash_get(index, skip[i]);

		if (idx == NULL)
			goto out;
		seen[(uintptr_t)idx - 1] = 1;
	}
	p = buf + sizeof(h);
	end = buf + got;
	for (i = 0; i < n; i++) {
		struct rec r;
		size_t need;
		char *path;
		void *idx;

		if ((size_t)(end - p) < sizeof(r))
			goto out;
		memcpy(&r, p, sizeof(r));
		need = sizeof(r) + r.pathlen + (r.kind == REC_FILE ? 32 : 0);
		if ((size_t)(end - p) < need || r.pathlen == 0 ||
		    r.mtime >= h.tstart || r.ctime >= h.tstart)
			goto out;
		path = arena_strndup(a, p + sizeof(r), r.pathlen);
		if (r.kind == REC_FILE) {
			if ((idx = hash_get(index, path)) == NULL ||
			    seen[(uintptr_t)idx - 1])
				goto out;
			seen[(uintptr_t)idx - 1] = 1;
			nfiles++;
		} else if (r.kind != REC_DIR || hash_get(dirs, path) == NULL ||
		    !hash_put(dseen, path, (void *)1))
			goto out;
		recs[i] = p;
		paths[i] = path;
		p += need;
	}
	if (p != end || nfiles != h.nfiles)
		goto out;

	/* and is still as it was */
	st = xmalloc((n + 1) * sizeof(*st));
	if (stat_all(dfd, paths, n, st) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		struct rec r;

		memcpy(&r, recs[i], sizeof(r));
		if ((uint64_t)st[i].st_dev != h.dev ||
		    (uint64_t)st[i].st_ino != r.ino ||
		    (uint32_t)st[i].st_mode != r.mode ||
		    ns(st[i].st_mtim) != r.mtime ||
		    ns(st[i].st_ctim) != r.ctime ||
		    (r.kind == REC_FILE && (uint64_t)st[i].st_size != r.size))
			goto out;
	}
	if (!top_ok(dfd, index, dirs))
		goto out;
	for (i = 0; i < n; i++) {
		struct rec r;
		struct scanned *sc;

		memcpy(&r, recs[i], sizeof(r));
		if (r.kind != REC_FILE)
			continue;
		sc = &out[(uintptr_t)hash_get(index, paths[i]) - 1];
		memcpy(sc->sha, recs[i] + sizeof(r) + r.pathlen, 32);
		sc->size = (size_t)r.size;
		sc->mode = r.mode & 07777;
		sc->found = 1;
	}
	ok = 1;
out:
	free(st);
	free(buf);
	arena_free(a);
	return ok;
}
