/*
 * plan.h -- the deployment order of a target (plan.c), shared by
 * `ztopo plan` and the Ansible playbook (backends/ansible.c).
 */
#ifndef ZTOPO_PLAN_H
#define ZTOPO_PLAN_H

#include <stdio.h>

#include "ir.h"

struct outset;
struct outfile;

enum plan_action {
	PLAN_IMAGE,		/* image: import it on host */
	PLAN_ZONE,		/* zone: create it (file: vmadm payload) */
	PLAN_CONFIG,		/* file: install as dest (nova fragment) */
	PLAN_MANIFEST,		/* file: install as dest, svccfg import */
	PLAN_START,		/* sinst: svcadm enable -s fmri */
	PLAN_GRANTS,		/* file: install as dest, feed to mysql */
	PLAN_RABBITMQ,		/* file: install as dest, run it */
	PLAN_DBSYNC,		/* command: prepare sinst's database */
	PLAN_RUN,		/* file: install as dest, run it (keystone's
				 * bootstrap and catalog) */
	PLAN_DISCOVER,		/* command: after every nova-compute */
	PLAN__COUNT
};

struct plan_step {
	int			 num;		/* 1-based: the order */
	int			 stage;		/* 1-based */
	enum plan_action	 action;
	const struct ir_host	*host;
	const struct ir_zinst	*zone;		/* NULL: global zone, image */
	const struct ir_sinst	*sinst;		/* the service, if any */
	const struct ir_image	*image;		/* PLAN_IMAGE */
	const struct outfile	*file;		/* the artifact, or NULL */
	const char		*dest;		/* path inside the zone */
	const char		*fmri;		/* PLAN_START, PLAN_MANIFEST */
	const char		*owner, *group;	/* PLAN_CONFIG: chown, or NULL */
	const char		*zone_uuid;	/* from the payload, or NULL */
	const char		*zpool;		/* from the payload: "zones" */
	const char		*command;	/* PLAN_DBSYNC, _DISCOVER,
						 * _GRANTS, _RABBITMQ, _RUN:
						 * sh(1) text run in the zone,
						 * as root */
	int			*after;		/* steps that must be done */
	size_t			 nafter;
};

struct plan {
	const struct ir		*ir;
	struct plan_step	**steps;
	size_t			 nsteps;
	int			 nstages;
};

/* Zones that use each other's services in a cycle: located errors.
 * Returns the number of errors. */
int		 plan_check(const struct ir *, struct diag *);
/* The plan of IR, with the artifacts of OS; NULL after errors. */
struct plan	*plan_build(const struct ir *, const struct outset *,
		    struct diag *);
/* Text for people, or JSON (sorted keys, trailing newline); -1 on a
 * write error. */
int		 plan_print_text(const struct plan *, FILE *);
int		 plan_print_json(const struct plan *, FILE *);
const char	*plan_action_name(enum plan_action);
/* One line saying what STEP does, e.g. "start mysql in zone db". */
const char	*plan_step_title(struct arena *, const struct plan_step *);

#endif
