/*
 * scan.h -- reading the old output tree once (scan.c), for the tree
 * writer (tree.c): what is there, and the hash of every file.
 */
#ifndef ZTOPO_SCAN_H
#define ZTOPO_SCAN_H

#include <stddef.h>
#include <stdio.h>

struct hash;

/* One path the old MANIFEST lists, as found on disk. */
struct scanned {
	unsigned char	 sha[32];	/* SHA-256 of its bytes */
	size_t		 size;
	unsigned	 mode;		/* permission bits */
	int		 found;		/* a regular file, read whole */
};

/*
 * Walk the tree open as DFD (named DIR in messages) and hash every file
 * INDEX lists (its MANIFEST's, and MANIFEST): it maps each path to its
 * index + 1 in OUT, whose entries the caller zeroed; DIRS holds every
 * directory above a listed path.  Anything else -- a file not listed, what
 * is neither a file nor a directory, an empty directory not in DIRS -- is
 * foreign: *FOREIGN counts them and the first five (by path) are named on
 * ERR.  Errors of the walk are named on ERR too.  Several threads share
 * the work; the result does not depend on how.  Returns the number of
 * errors.
 */
int	scan_tree(int dfd, const char *dir, const struct hash *index,
	    const struct hash *dirs, struct scanned *out, int *foreign,
	    FILE *err);

#endif
