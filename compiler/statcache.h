/*
 * statcache.h -- what the files of an output tree were when ztopo last
 * knew their bytes (statcache.c), so that an unchanged recompile and a
 * --check stat the tree instead of reading it.
 */
#ifndef ZTOPO_STATCACHE_H
#define ZTOPO_STATCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct hash;
struct scanned;
struct stat;

/* The cache of tree DIR is .DIR.ztopo-stat beside it, in its parent, mode
 * 0600 (it holds the hashes of secret files): not in the tree, which
 * stays what any machine would write. */
#define STAT_SUFFIX	".ztopo-stat"

/* What fstat(2) said of a file just written, on its open descriptor
 * (stage.c): recorded as it is, it costs no lookup by path.  KNOWN is 0
 * until it is filled. */
struct filestat {
	uint64_t	ino, size;
	int64_t		mtime, ctime;	/* ns since the epoch */
	uint32_t	mode;		/* st_mode, whole */
	uint32_t	known;
};

/* ST as a struct filestat. */
void	filestat_of(struct filestat *, const struct stat *st);

/* Now, as file systems stamp files: the start of a stat pass, any
 * change at or after which leaves a file's record in doubt. */
struct timespec	statcache_now(void);

/*
 * Record the tree open as DFD: the N files PATHS, whose bytes hash to
 * SHAS (hex, 64 digits), and every directory above them, as they are
 * now (a file whose entry in STS, if STS is not NULL, is known: as that
 * entry says, without a stat), to be trusted from TSTART back, as NAME
 * in the directory PARENT (open).  TMPL (a path ending in XXXXXX, in
 * PARENT) is where it is written before it is renamed there.  Nothing
 * is kept if anything cannot be stated or written: the cache is only
 * ever an optimisation.
 */
void	statcache_write(int dfd, int parent, const char *name, char *tmpl,
	    const char **paths, const char **shas,
	    const struct filestat *const *sts, size_t n,
	    struct timespec tstart);

/*
 * Does the tree open as DFD still hold what its cache (NAME in PARENT)
 * says: every one
 * of its files and directories with the inode, size, mode, times it had
 * when recorded (none changed since the record's start), exactly the
 * files INDEX maps (path -> index + 1 in OUT) but those in SKIP, and
 * exactly the directories of DIRS?  Then OUT is filled from it (hashes,
 * sizes, modes) and 1 is returned; else 0, OUT untouched.
 */
int	statcache_load(int dfd, int parent, const char *name,
	    const struct hash *index,
	    const struct hash *dirs, const char *const *skip, size_t nskip,
	    struct scanned *out);

#endif
