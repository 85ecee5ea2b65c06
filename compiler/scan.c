/*
 * scan.c -- the old output tree, read once: one walk that finds what is
 * there and hashes every file its MANIFEST lists.
 *
 * Both questions the tree writer asks of the old tree are answered from
 * it: may the tree be replaced (nothing foreign in it), and which of the
 * files a compile publishes are unchanged (tree.c compares hashes and
 * never reads an old file again).  An unchanged recompile is little more
 * than this walk, so it is made cheap:
 *  - the entries of the tree's top directory are shared out to threads
 *    (one per processor, at most WORKERS_MAX), each walking and hashing
 *    its part; results go to the caller's array by index, and messages
 *    are sorted before they are printed, so nothing depends on which
 *    thread did what;
 *  - every directory is opened relative to its parent and read with
 *    getdents64(2) into one buffer, every file opened relative to its
 *    directory: no path is looked up twice, no directory stream kept;
 *  - a file is hashed as it is read, READ_CHUNK bytes at a time, so what
 *    a walk holds does not grow with the files it reads.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ztopo.h"
#include "digest.h"
#include "scan.h"

#define WORKERS_MAX	8
#define READ_CHUNK	(256 << 10)
#define DENTS_MIN	(32 << 10)
#define FOREIGN_SHOWN	5

/* An entry of a directory, as getdents64(2) returns it. */
struct dent64 {
	uint64_t	 ino;
	int64_t		 off;
	unsigned short	 reclen;
	unsigned char	 type;
	char		 name[];
};

struct scan {
	int			 dfd;
	const char		*dir;
	const struct hash	*index, *dirs;
	struct scanned		*out;
	char			*top;	/* the top directory's entries */
	size_t			 toplen;
	size_t			 next;	/* offset of the next to take */
	pthread_mutex_t		 mu;
};

struct note {
	char		*path;
	int		 err;		/* errno, or 0: foreign */
	int		 empty;		/* an empty directory */
};

struct worker {
	struct scan	*s;
	pthread_t	 tid;
	int		 started;
	struct digest	*dg;
	char		*buf;		/* READ_CHUNK bytes */
	char		*path;		/* of the entry at hand */
	size_t		 plen, pcap;
	struct note	 shown[FOREIGN_SHOWN];	/* smallest paths first */
	int		 nshown, foreign;
	struct note	*errs;
	size_t		 nerrs, ecap;
};

/* All entries of the directory FD, in a malloc'ed buffer; NULL on error. */
static char *
read_dir(int fd, size_t *len)
{
	size_t cap = DENTS_MIN, n = 0;
	char *b = xmalloc(cap);
	ssize_t got;

	for (;;) {
		if (cap - n < DENTS_MIN / 2)
			b = xrealloc(b, cap *= 2);
		got = getdents64(fd, b + n, cap - n);
		if (got == 0)
			break;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(b);
			return NULL;
		}
		n += (size_t)got;
	}
	*len = n;
	return b;
}

static int
dot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' ||
	    (name[1] == '.' && name[2] == '\0'));
}

static void
path_push(struct worker *w, const char *name)
{
	size_t n = strlen(name), need = w->plen + 1 + n + 1;

	if (need > w->pcap) {
		while (need > w->pcap)
			w->pcap = w->pcap ? w->pcap * 2 : 256;
		w->path = xrealloc(w->path, w->pcap);
	}
	if (w->plen > 0)
		w->path[w->plen++] = '/';
	memcpy(w->path + w->plen, name, n + 1);
	w->plen += n;
}

static void
path_pop(struct worker *w, size_t to)
{
	w->plen = to;
	w->path[to] = '\0';
}

static void
note_error(struct worker *w, int err)
{
	if (w->nerrs == w->ecap)
		w->errs = xrealloc(w->errs, (w->ecap = w->ecap ? w->ecap * 2 :
		    8) * sizeof(*w->errs));
	w->errs[w->nerrs].path = xstrdup(w->path);
	w->errs[w->nerrs].err = err;
	w->errs[w->nerrs++].empty = 0;
}

/* The path at hand is foreign: counted, and kept if among the first. */
static void
note_foreign(struct worker *w, int empty)
{
	int i = w->nshown;

	w->foreign++;
	if (i == FOREIGN_SHOWN) {
		if (strcmp(w->path, w->shown[i - 1].path) >= 0)
			return;
		free(w->shown[--i].path);
	} else
		w->nshown++;
	for (; i > 0 && strcmp(w->path, w->shown[i - 1].path) < 0; i--)
		w->shown[i] = w->shown[i - 1];
	w->shown[i].path = xstrdup(w->path);
	w->shown[i].err = 0;
	w->shown[i].empty = empty;
}

/* The listed file NAME in DFD, as OUT: hashed as it is read. */
static void
hash_file(struct worker *w, int dfd, const char *name, struct scanned *out)
{
	struct stat st;
	size_t got = 0;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;		/* unreadable: not found, so written anew */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	for (;;) {
		size_t want = (size_t)st.st_size > got ?
		    (size_t)st.st_size - got : 0;
		ssize_t n;

		/* the size fstat gave, and one read more only past it */
		n = read(fd, w->buf, want == 0 ? READ_CHUNK :
		    want < READ_CHUNK ? want : READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return;
		}
		if (n == 0)
			break;
		digest_add(w->dg, w->buf, (size_t)n);
		got += (size_t)n;
		if (got == (size_t)st.st_size)
			break;
	}
	close(fd);
	digest_end(w->dg, out->sha);
	out->size = got;
	out->mode = (unsigned)st.st_mode & 07777;
	out->found = 1;
}

static void walk_dir(struct worker *, int);

/* The entry NAME of directory DFD, of TYPE (a d_type); the path at hand
 * already names it. */
static void
entry(struct worker *w, int dfd, const char *name, unsigned char type)
{
	struct scan *s = w->s;
	void *idx;

	if (type == DT_UNKNOWN) {
		struct stat st;

		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT)
				note_error(w, errno);
			return;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
		    DT_REG : DT_LNK;
	}
	if (type == DT_DIR) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);

		if (fd == -1) {
			note_error(w, errno);
			return;
		}
		walk_dir(w, fd);
		close(fd);
	} else if (type == DT_REG && (idx = hash_get(s->index, w->path)) !=
	    NULL)
		hash_file(w, dfd, name, &s->out[(uintptr_t)idx - 1]);
	else
		note_foreign(w, 0);
}

static void
walk_dir(struct worker *w, int fd)
{
	size_t len, at, base = w->plen;
	int entries = 0;
	char *b = read_dir(fd, &len);

	if (b == NULL) {
		note_error(w, errno);
		return;
	}
	for (at = 0; at < len; at += ((struct dent64 *)(b + at))->reclen) {
		struct dent64 *de = (struct dent64 *)(b + at);

		if (dot(de->name))
			continue;
		entries++;
		path_push(w, de->name);
		entry(w, fd, de->name, de->type);
		path_pop(w, base);
	}
	free(b);
	/* ztopo makes directories only to hold files: an empty one that
	 * holds no listed file (a checkout lacks the git-ignored secret
	 * files) is the user's, and replacing the tree would delete it */
	if (entries == 0 && hash_get(w->s->dirs, w->path) == NULL)
		note_foreign(w, 1);
}

/* Take entries of the top directory until none is left. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;

	for (;;) {
		struct dent64 *de;

		pthread_mutex_lock(&s->mu);
		while (s->next < s->toplen &&
		    dot(((struct dent64 *)(s->top + s->next))->name))
			s->next += ((struct dent64 *)(s->top + s->next))->reclen;
		if (s->next >= s->toplen) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		de = (struct dent64 *)(s->top + s->next);
		s->next += de->reclen;
		pthread_mutex_unlock(&s->mu);
		path_pop(w, 0);
		path_push(w, de->name);
		entry(w, s->dfd, de->name, de->type);
	}
}

static int
cmp_note(const void *a, const void *b)
{
	return strcmp(((const struct note *)a)->path,
	    ((const struct note *)b)->path);
}

int
scan_tree(int dfd, const char *dir, const struct hash *index,
    const struct hash *dirs, struct scanned *out, int *foreign, FILE *err)
{
	struct scan s;
	struct worker w[WORKERS_MAX];
	struct note *all;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nall = 0, i;
	int nw, k, errors = 0;

	memset(&s, 0, sizeof(s));
	s.dfd = dfd;
	s.dir = dir;
	s.index = index;
	s.dirs = dirs;
	s.out = out;
	*foreign = 0;
	if ((s.top = read_dir(dfd, &s.toplen)) == NULL) {
		fprintf(err, "ztopo: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	pthread_mutex_init(&s.mu, NULL);
	nw = cpus < 1 ? 1 : cpus > WORKERS_MAX ? WORKERS_MAX : (int)cpus;
	memset(w, 0, sizeof(w));
	for (k = 0; k < nw; k++) {
		w[k].s = &s;
		w[k].dg = digest_new();
		w[k].buf = xmalloc(READ_CHUNK);
		path_push(&w[k], "");
	}
	/* the caller's thread is the first worker */
	for (k = 1; k < nw; k++)
		w[k].started = pthread_create(&w[k].tid, NULL, work,
		    &w[k]) == 0;
	work(&w[0]);
	for (k = 1; k < nw; k++)
		if (w[k].started)
			pthread_join(w[k].tid, NULL);
	pthread_mutex_destroy(&s.mu);
	free(s.top);

	/* what is wrong, in the order of paths */
	for (k = 0; k < nw; k++)
		nall += (size_t)w[k].nshown + w[k].nerrs;
	all = xmalloc((nall + 1) * sizeof(*all));
	for (k = 0, nall = 0; k < nw; k++) {
		for (i = 0; i < (size_t)w[k].nshown; i++)
			all[nall++] = w[k].shown[i];
		for (i = 0; i < w[k].nerrs; i++)
			all[nall++] = w[k].errs[i];
		*foreign += w[k].foreign;
		free(w[k].errs);
		free(w[k].path);
		free(w[k].buf);
		digest_free(w[k].dg);
	}
	qsort(all, nall, sizeof(*all), cmp_note);
	for (i = 0, k = 0; i < nall; i++) {
		if (all[i].err != 0) {
			fprintf(err, "ztopo: %s/%s: %s\n", dir, all[i].path,
			    strerror(all[i].err));
			errors++;
		} else if (k++ >= FOREIGN_SHOWN)
			;
		else if (all[i].empty)
			fprintf(err, "ztopo: %s/%s: an empty directory ztopo "
			    "did not make\n", dir, all[i].path);
		else
			fprintf(err, "ztopo: %s/%s: not written by ztopo (not in "
			    "%s/MANIFEST)\n", dir, all[i].path, dir);
		free(all[i].path);
	}
	free(all);
	return errors;
}
