/*
 * stage.h -- filling a staging directory in the background (stage.c),
 * for the output tree (tree.c).
 */
#ifndef ZTOPO_STAGE_H
#define ZTOPO_STAGE_H

#include <stddef.h>

struct stage;
struct filestat;

/* Start filling the staging directory SFD; DFD: the old tree (or -1);
 * UMASK: the process's, to know when a mode needs fchmod. */
struct stage	*stage_start(int sfd, int dfd, unsigned umask);
/* PATH (relative): LEN bytes of DATA (copied) with MODE; what fstat
 * says of it once written goes to *FS (if not NULL), which must outlive
 * stage_finish or stage_abort.  Read it only after either. */
void		 stage_put(struct stage *, const char *path, const char *data,
		    size_t len, unsigned mode, struct filestat *fs);
/* PATH, unchanged: from the old tree. */
void		 stage_link(struct stage *, const char *path);
/* Wait until every file is in the stage; 0, or -1 with errno and
 * *FAILED_AT (malloc'ed, or NULL) the path it was about.  Frees S. */
int		 stage_finish(struct stage *, char **failed_at);
/* Stop now, what waits dropped; frees S. */
void		 stage_abort(struct stage *);

#endif
