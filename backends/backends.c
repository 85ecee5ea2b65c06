/*
 * backends.c -- the table of backends, in the order they run.
 */
#include "backend.h"

extern const struct backend mysql_backend;
extern const struct backend rabbitmq_backend;
extern const struct backend vmadm_backend;
extern const struct backend smf_backend;
extern const struct backend oslo_backend;
extern const struct backend catalog_backend;
extern const struct backend connect_backend;
extern const struct backend ansible_backend;

const struct backend *const backends[] = {
	&mysql_backend,
	&rabbitmq_backend,
	&vmadm_backend,
	&smf_backend,
	&oslo_backend,
	&catalog_backend,
	&connect_backend,
	&ansible_backend,	/* last: it deploys what the others wrote */
	NULL
};
