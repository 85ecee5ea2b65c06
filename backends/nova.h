/*
 * nova.h -- what the two files of the nova backend share: novaconf.c
 * derives and writes nova.conf fragments; novacheck.c checks the options
 * a description sets against nova's registry.
 */
#ifndef ZTOPO_NOVA_H
#define ZTOPO_NOVA_H

#include "backend.h"
#include "nova_options.h"

/* Option SEC/KEY of release R (KEY NULL: the first of section SEC), or
 * NULL. */
const struct nova_opt	*nova_opt_find(enum ir_release, const char *sec,
			    const char *key);
/* The located checks of every nova option the description sets (errors
 * counted by the caller with diag_mark/diag_since). */
void			 nova_check_config(const struct ir *, struct diag *);
/* The secret nova services authenticate to keystone with, or NULL;
 * REPORT: report two different ones. */
const struct ir_secret	*nova_ks_password(const struct ir *, struct diag *,
			    int report);

#endif
