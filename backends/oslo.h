/*
 * oslo.h -- what the two files of the oslo.config backend share: oslo.c
 * derives and writes the configuration of every OpenStack service;
 * oslocheck.c checks the options a description sets against the option
 * registry of the service's own project (oslo_options.c, generated).
 */
#ifndef ZTOPO_OSLO_H
#define ZTOPO_OSLO_H

#include "backend.h"
#include "oslo_options.h"

/* The registry of PROJECT's main file in REL, or NULL: ztopo writes no
 * configuration for it there.  EXTRA: the second file's (ml2_conf.ini). */
const struct oslo_registry *oslo_registry(enum ir_project, enum ir_release,
			    int extra);
/* Option SEC/KEY of registry R (KEY NULL: the first of section SEC), or
 * NULL. */
const struct oslo_opt	*oslo_opt_find(const struct oslo_registry *,
			    const char *sec, const char *key);
/* The option SEC/KEY of PROJECT in REL, in its main file (*EXTRA 0) or
 * its extra file (*EXTRA 1); NULL if neither has it. */
const struct oslo_opt	*oslo_lookup(enum ir_project, enum ir_release,
			    const char *sec, const char *key, int *extra);
/* The current name of deprecated option SEC/KEY of PROJECT in REL when
 * it has exactly one, else NULL. */
const struct oslo_alias	*oslo_alias_of(enum ir_project, enum ir_release,
			    const char *sec, const char *key);
/* The located checks of every option the description sets for a service
 * with an oslo.config role (errors counted by the caller). */
void			 oslo_check_config(const struct ir *, struct diag *);
/* V (not a secret) as the text oslo.config reads, lists joined by ','. */
const char		*oslo_literal(struct arena *, const struct ir_value *);

#endif
