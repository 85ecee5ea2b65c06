/*
 * backends.c -- the table of backends, in the order they run.
 */
#include "backend.h"

extern const struct backend mysql_backend;
extern const struct backend rabbitmq_backend;
extern const struct backend vmadm_backend;
extern const struct backend smf_backend;
extern const struct backend novaconf_backend;
extern const struct backend ansible_backend;

const struct backend *const backends[] = {
	&mysql_backend,
	&rabbitmq_backend,
	&vmadm_backend,
	&smf_backend,
	&novaconf_backend,
	&ansible_backend,	/* last: it deploys what the others wrote */
	NULL
};
