/*
 * fmt.h -- `ztopo fmt' (fmt.c).
 */
#ifndef ZTOPO_FMT_H
#define ZTOPO_FMT_H

#include <stdio.h>

#include "ztopo.h"

enum { FMT_SAME, FMT_CHANGED, FMT_INPUT, FMT_ERROR };

/*
 * Lay out each of FILES (none, or "-": standard input to OUT) in the
 * canonical layout, rewriting those that change (atomically, mode kept);
 * with CHECK, write nothing and print on OUT the name of each file that
 * would change.  FMT_SAME, FMT_CHANGED (some file would change, or did
 * with CHECK), FMT_INPUT (a syntax error, reported in D; that file is left
 * alone) or FMT_ERROR (a system error, printed).
 */
int	fmt_files(struct arena *, struct diag *, char *const *files, size_t n,
	    int check, FILE *out);

#endif
