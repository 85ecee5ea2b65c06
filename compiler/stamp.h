/*
 * stamp.h -- the fingerprint of a compile's inputs (stamp.c), kept in
 * the tree so that an unchanged recompile need not generate it again.
 */
#ifndef ZTOPO_STAMP_H
#define ZTOPO_STAMP_H

#include "ir.h"

struct lock;
struct outset;
struct emit_opts;

#define STAMP_FILE	".ztopo-stamp"
#define STAMP_INPUTS	"inputs "

/* The fingerprint of the inputs of compiling IR (read from TOP, with the
 * lock LK) with EO, as hex; -1 if one of them cannot be read. */
int	stamp_inputs(struct arena *, const struct ast_dir *top, struct lock *,
	    const struct ir *, const struct emit_opts *, char hex[65]);
/* Add .ztopo-stamp to OS: INPUTS, and the hash of every secret file so
 * far (MANIFEST lists those unhashed). */
void	stamp_add(struct outset *, const char *inputs);

#endif
