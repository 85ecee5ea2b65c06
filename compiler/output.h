/*
 * output.h -- writing an output set as a directory tree (output.c).
 */
#ifndef ZTOPO_OUTPUT_H
#define ZTOPO_OUTPUT_H

#include <stdio.h>

struct outset;

/* Sort the files by path (the order MANIFEST and --check use). */
void	out_sort(struct outset *);
/* Add MANIFEST: sha256sum lines for every file so far. */
void	out_manifest(struct outset *);
/*
 * Replace DIR by the set, atomically; unchanged files keep their mtime.
 * CHECK_ONLY: write nothing; list differences on REPORT and return 1 if
 * the tree would change.  0: done (or no change), -1: error (printed).
 */
int	out_write_tree(struct outset *, const char *dir, int check_only,
	    FILE *report);

#endif
