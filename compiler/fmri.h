/*
 * fmri.h -- SMF names and service FMRIs (fmri.c).
 */
#ifndef ZTOPO_FMRI_H
#define ZTOPO_FMRI_H

#include "ir.h"

#define SMF_NAME_MAX	119	/* REP_PROTOCOL_NAME_LEN - 1 */
#define SMF_VALUE_MAX	4095	/* REP_PROTOCOL_VALUE_LEN - 1 */
#define SMF_FMRI_MAX	719

/* A service FMRI, split: svc:/<service>[:<instance>]. */
struct fmri {
	const char	*service;
	const char	*instance;	/* NULL: the service itself */
};

/* Is S[0..N) an SMF identifier (a letter, then letters, digits, '-' and
 * '_'; '.' too where DOT)? */
int		 smf_is_ident(const char *, size_t, int dot);
/* Why S is not a valid SMF service name ('/'-separated components, or
 * one component when !PATH), or NULL. */
const char	*smf_name_problem(struct arena *, const char *, int path);
/* Parse an FMRI as written in a `fmri' setting; NULL, or why it is not
 * one. */
const char	*fmri_parse(struct arena *, const char *, struct fmri *);
/* The FMRI of S's own manifest ("default" instance unless given); -1 if
 * its `fmri' is invalid. */
int		 fmri_own(struct arena *, const struct ir_service *,
		    struct fmri *);
/* "svc:/S[:I]" of S's SMF instance; NULL: unknown (packaged, none known)
 * or invalid. */
const char	*fmri_of_service(struct arena *, const struct ir_service *);

#endif
