/*
 * stage.c -- filling a staging directory (tree.c) in the background, so
 * that the disk and the kernel work while ztopo generates.
 *
 * WRITERS writer threads and a syncer.  Each writer has its lane: the
 * files whose path begins with the same name go to the same lane (so
 * that a directory is only ever made by one writer), in the order
 * tree.c hands them over (a copy of their bytes; at most STAGE_QUEUE
 * bytes wait in all).  A writer takes all that waits in its lane at
 * once, and reports back every REPORT_JOBS files, so that the two sides
 * meet at the mutex once per batch, not per file; it makes the files'
 * directories (each once), writes them (and keeps what fstat(2) then
 * says of each, for the stat cache), or hard-links an unchanged one
 * from the old tree (copying it with its times where no link can be
 * made).  Making a file is mostly the kernel's work, which two writers
 * do on two processors.  The syncer syncfs(2)es the stage every
 * SYNC_BATCH bytes written, so that the one syncfs before the swap has
 * little left.  The first error of a lane stops that lane's writing and
 * is kept, with the path it was about, for stage_finish.  Every thread
 * blocks every signal: tree.c's handler runs in the main thread.  Where
 * the threads cannot be started, the work is done in the caller, as it
 * comes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ztopo.h"
#include "stage.h"
#include "statcache.h"

#define STAGE_QUEUE	(8 << 20)	/* bytes handed over, not written */
#define SYNC_BATCH	(8 << 20)	/* bytes written that wake the syncer */
#define REPORT_JOBS	64		/* files a writer does between reports */
#define WRITERS		2

struct job {
	struct job	*next;
	int		 link;		/* 1: from the old tree */
	unsigned	 mode;
	size_t		 len;
	struct filestat	*fs;		/* what fstat says once written, or
					 * NULL */
	char		*path;
	char		 data[];	/* then the path */
};

/* A writer's: its queue, the directories it made, its first error. */
struct lane {
	struct stage	*stage;
	struct arena	*arena;
	struct hash	*dirs;
	pthread_cond_t	 ready;		/* a job waits, or the end */
	struct job	*head, *tail;
	pthread_t	 thread;
	size_t		 unreported;	/* written since its last report */
	int		 err;		/* the first error's errno, or 0 */
	char		*failed_at;	/* ...and the path it was about */
};

struct stage {
	int		 sfd, dfd;
	unsigned	 umask;
	struct lane	 lane[WRITERS];
	pthread_mutex_t	 mu;
	pthread_cond_t	 room, wake;	/* caller, syncer */
	size_t		 queued;	/* bytes waiting, in all lanes */
	size_t		 pending;	/* written since the syncer's last */
	int		 done;		/* no more jobs: finish, and stop */
	int		 written;	/* the writers have stopped: so may the
					 * syncer */
	int		 stop;		/* abort: drop what waits */
	int		 threads;	/* writers and syncer run */
	pthread_t	 syncer;
};

/* ---- the work itself */

static int
make_dirs(struct lane *l, const char *path)
{
	struct stage *s = l->stage;
	const char *sl = strrchr(path, '/');
	char *buf, *p;

	if (sl == NULL || hash_get(l->dirs, arena_strndup(l->arena, path,
	    (size_t)(sl - path))) != NULL)
		return 0;
	buf = arena_strdup(l->arena, path);
	for (p = strchr(buf, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (hash_get(l->dirs, buf) == NULL) {
			if (mkdirat(s->sfd, buf, 0755) == -1 && errno != EEXIST)
				return -1;
			hash_put(l->dirs, arena_strdup(l->arena, buf),
			    (void *)1);
		}
		*p = '/';
	}
	return 0;
}

static void
wrote(struct lane *l, size_t len)
{
	l->unreported += len + 4096;	/* a block of metadata per file */
}

/* PATH in the stage: LEN bytes of DATA, MODE; OLDST: the times to keep;
 * FS (or NULL): what fstat then says of it. */
static int
write_file(struct lane *l, const char *path, const char *data, size_t len,
    unsigned mode, const struct stat *oldst, struct filestat *fs)
{
	struct stage *s = l->stage;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = openat(s->sfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode & 07777);
	if (fd == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	wrote(l, len);
	/* the umask took bits the file must have, or set-id bits */
	if (((mode & s->umask) != 0 || (mode & 07000) != 0) &&
	    fchmod(fd, mode) == -1)
		goto fail;
	if (oldst != NULL) {
		struct timespec ts[2] = { oldst->st_atim, oldst->st_mtim };

		(void)futimens(fd, ts);
	}
	if (fs != NULL) {
		struct stat st;

		/* after the last change: nothing moves its times now (the
		 * record is still checked against its start) */
		if (fstat(fd, &st) == -1)
			goto fail;
		filestat_of(fs, &st);
	}
	return close(fd);
fail:
	n = errno;
	close(fd);
	errno = (int)n;
	return -1;
}

/* The old tree's PATH into the stage: a hard link, or a copy. */
static int
link_file(struct lane *l, const char *path)
{
	struct stage *s = l->stage;
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, rc;

	if (linkat(s->dfd, path, s->sfd, path, 0) == 0)
		return 0;
	/* EPERM, EXDEV: no hard links here */
	if ((fd = openat(s->dfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size && (n = read(fd, buf + got,
	    (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	rc = write_file(l, path, buf, got, st.st_mode & 07777, &st, NULL);
	free(buf);
	return rc;
}

static void
run_job(struct lane *l, struct job *j)
{
	if (l->err != 0)
		return;		/* the first error stopped the writing */
	if (make_dirs(l, j->path) == -1 || (j->link ? link_file(l, j->path) :
	    write_file(l, j->path, j->data, j->len, j->mode, NULL, j->fs)) ==
	    -1) {
		l->err = errno != 0 ? errno : EIO;
		l->failed_at = xstrdup(j->path);
	}
}

/* ---- the threads */

/* With the mutex held: the room FREED bytes of L's jobs done make for
 * the caller, and what L wrote for the syncer. */
static void
report(struct lane *l, size_t freed)
{
	struct stage *s = l->stage;

	s->queued -= freed;
	s->pending += l->unreported;
	l->unreported = 0;
	pthread_cond_signal(&s->room);
	if (s->pending >= SYNC_BATCH)
		pthread_cond_signal(&s->wake);
}

static void *
writer(void *arg)
{
	struct lane *l = arg;
	struct stage *s = l->stage;
	struct job *batch, *j;
	size_t freed, n;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (l->head == NULL && !s->done && !s->stop)
			pthread_cond_wait(&l->ready, &s->mu);
		if (s->stop || l->head == NULL)
			break;
		batch = l->head;	/* all that waits */
		l->head = l->tail = NULL;
		pthread_mutex_unlock(&s->mu);
		for (freed = n = 0; batch != NULL; ) {
			j = batch;
			batch = j->next;
			run_job(l, j);
			freed += j->len;
			free(j);
			if (++n % REPORT_JOBS != 0 && batch != NULL)
				continue;
			pthread_mutex_lock(&s->mu);
			report(l, freed);
			freed = 0;
			if (s->stop)
				break;		/* drop the rest */
			if (batch != NULL)
				pthread_mutex_unlock(&s->mu);
		}
		if (batch != NULL) {	/* stopped, the mutex held */
			while ((j = batch) != NULL) {
				batch = j->next;
				s->queued -= j->len;
				free(j);
			}
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void *
syncer(void *arg)
{
	struct stage *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->written && !s->stop && s->pending < SYNC_BATCH)
			pthread_cond_wait(&s->wake, &s->mu);
		if (s->written || s->stop)
			break;
		s->pending = 0;
		pthread_mutex_unlock(&s->mu);
		/* its errors are the final syncfs's too: that one reports */
		(void)syncfs(s->sfd);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Stop the threads: after the last job (DONE), or dropping what waits;
 * the first NW writers, and the syncer if SYNCER_RUNS. */
static void
stop_threads(struct stage *s, int drop, int nw, int syncer_runs)
{
	int k;

	pthread_mutex_lock(&s->mu);
	if (drop)
		s->stop = 1;
	s->done = 1;
	for (k = 0; k < nw; k++)
		pthread_cond_signal(&s->lane[k].ready);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	for (k = 0; k < nw; k++)
		pthread_join(s->lane[k].thread, NULL);
	if (!syncer_runs)
		return;
	pthread_mutex_lock(&s->mu);
	s->written = 1;		/* the syncer syncs while the writers work */
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->syncer, NULL);
}

struct stage *
stage_start(int sfd, int dfd, unsigned umask)
{
	struct stage *s = xmalloc(sizeof(*s));
	sigset_t all, old;
	int k, nw = 0, syncer_runs;

	memset(s, 0, sizeof(*s));
	s->sfd = sfd;
	s->dfd = dfd;
	s->umask = umask;
	for (k = 0; k < WRITERS; k++) {
		s->lane[k].stage = s;
		s->lane[k].arena = arena_new();
		s->lane[k].dirs = hash_new(s->lane[k].arena);
	}
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return s;	/* no threads: done as it comes */
	pthread_cond_init(&s->room, NULL);
	pthread_cond_init(&s->wake, NULL);
	for (k = 0; k < WRITERS; k++)
		pthread_cond_init(&s->lane[k].ready, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	syncer_runs = pthread_create(&s->syncer, NULL, syncer, s) == 0;
	while (syncer_runs && nw < WRITERS && pthread_create(&s->lane[nw].thread,
	    NULL, writer, &s->lane[nw]) == 0)
		nw++;
	if (nw == WRITERS)
		s->threads = 1;
	else {
		/* all or none: the lanes are fixed */
		stop_threads(s, 0, nw, syncer_runs);
		s->done = s->written = 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s;
}

/* The lane of PATH: that of its first name. */
static struct lane *
lane_of(struct stage *s, const char *path)
{
	unsigned h = 5381;

	for (; *path != '\0' && *path != '/'; path++)
		h = h * 33 + (unsigned char)*path;
	return &s->lane[h % WRITERS];
}

static void
put(struct stage *s, const char *path, const char *data, size_t len,
    unsigned mode, int link, struct filestat *fs)
{
	size_t pl = strlen(path) + 1;
	struct job *j = xmalloc(sizeof(*j) + len + pl);
	struct lane *l = lane_of(s, path);

	j->next = NULL;
	j->link = link;
	j->mode = mode;
	j->len = len;
	j->fs = fs;
	if (len > 0)
		memcpy(j->data, data, len);
	j->path = j->data + len;
	memcpy(j->path, path, pl);
	if (!s->threads) {
		run_job(l, j);
		free(j);
		return;
	}
	pthread_mutex_lock(&s->mu);
	/* a file larger than the queue waits for it to empty */
	while (s->queued > 0 && s->queued + len > STAGE_QUEUE)
		pthread_cond_wait(&s->room, &s->mu);
	if (l->tail != NULL)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	s->queued += len;
	pthread_cond_signal(&l->ready);
	pthread_mutex_unlock(&s->mu);
}

void
stage_put(struct stage *s, const char *path, const char *data, size_t len,
    unsigned mode, struct filestat *fs)
{
	put(s, path, data, len, mode, 0, fs);
}

void
stage_link(struct stage *s, const char *path)
{
	put(s, path, NULL, 0, 0, 1, NULL);
}

/* Stop the threads: after the last job (DONE), or dropping what waits. */
static void
stop(struct stage *s, int drop)
{
	struct job *j;
	int k;

	if (!s->threads)
		return;
	stop_threads(s, drop, WRITERS, 1);
	for (k = 0; k < WRITERS; k++) {
		while ((j = s->lane[k].head) != NULL) {
			s->lane[k].head = j->next;
			free(j);
		}
		pthread_cond_destroy(&s->lane[k].ready);
	}
	pthread_cond_destroy(&s->room);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->mu);
	s->threads = 0;
}

static void
release(struct stage *s)
{
	int k;

	for (k = 0; k < WRITERS; k++) {
		arena_free(s->lane[k].arena);
		free(s->lane[k].failed_at);
	}
	free(s);
}

int
stage_finish(struct stage *s, char **failed_at)
{
	int err = 0, k;

	stop(s, 0);
	*failed_at = NULL;
	for (k = 0; k < WRITERS && err == 0; k++)
		if ((err = s->lane[k].err) != 0) {
			*failed_at = s->lane[k].failed_at;
			s->lane[k].failed_at = NULL;
		}
	release(s);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
stage_abort(struct stage *s)
{
	stop(s, 1);
	release(s);
}
