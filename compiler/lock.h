/*
 * lock.h -- the lock file (lock.c): the pool address each zone instance
 * holds, recorded so that a later compile hands it the same one.
 *
 * The lock sits beside the description (dev.zt: dev.lock).  The lower
 * pass claims an instance's locked address before it hands out new ones,
 * reserves the addresses of lines no instance claims (released: not
 * handed out again in the same run) and records every pool address of
 * the target.  Whether the lock changed is then a comparison of bytes;
 * only `compile -o' and `lock' write it.
 */
#ifndef ZTOPO_LOCK_H
#define ZTOPO_LOCK_H

#include <stdint.h>
#include <stdio.h>

#include "ztopo.h"

struct lock_entry {
	const char	*target, *zone, *host;
	const char	*net;		/* NETWORK, or NETWORK#N: the zone's
					 * Nth nic on that network (N >= 2) */
	uint32_t	 addr;
	struct loc	 loc;		/* the line (src NULL: recorded) */
	struct loc	 addr_loc;	/* its address */
	int		 claimed;	/* by an instance in this run */
};

struct lock;

/* The lock file for description ZT: ZT with .zt replaced by .lock; NULL
 * for standard input. */
const char	*lock_path_for(struct arena *, const char *zt);
/* Read the lock at PATH; a missing file is an empty lock.  Malformed
 * lines are located errors in D.  NULL after a system error (printed). */
struct lock	*lock_read(struct arena *, struct diag *, const char *path);
/* The same from LEN bytes of TEXT named NAME (the fuzzer; never written). */
struct lock	*lock_from_text(struct arena *, struct diag *, const char *name,
		    const char *text, size_t len);
const char	*lock_path(const struct lock *);
/* Targets the description declares: lines of any other are dropped. */
void		 lock_declared(struct lock *, const char *const *, size_t);
/* The lower pass of TARGET starts: its lines will be recomputed. */
void		 lock_begin(struct lock *, const char *target);
/* The lines the file holds for TARGET, in file order. */
struct lock_entry **lock_entries(struct lock *, const char *target,
		    size_t *);
/* TARGET's instance ZONE@HOST holds ADDR on NET (its lock key). */
void		 lock_record(struct lock *, const char *target,
		    const char *zone, const char *host, const char *net,
		    uint32_t addr);
/* Would the file change?  Lines added and removed go to FP when it is not
 * NULL, as "+ LINE" and "- LINE". */
int		 lock_changed(struct lock *, FILE *);
/* Write the lock (atomically) if it changed; 1 written, 0 unchanged,
 * -1 error (printed). */
int		 lock_write(struct lock *);
/* The text lock_write would write, into SB (sb_init'ed here). */
struct strbuf;
void		 lock_text(struct lock *, struct strbuf *);

#endif
