/*
 * vmadm.h -- what the vmadm backend (vmadm.c) shares with the live diff
 * (vmadm_diff.c): vmadm's property table, read by both, and the payload
 * of a zone instance.
 */
#ifndef ZTOPO_VMADM_H
#define ZTOPO_VMADM_H

#include <jansson.h>

#include "backend.h"

/* What `vmadm update' does with a change to a property (vmadm-update.md,
 * section 4). */
enum vm_effect {
	VE_LIVE,	/* applied to the running zone (or bookkeeping) */
	VE_RCTL,	/* live where the brand has live_rctls, else boot */
	VE_ROUTES,	/* live where the brand has live_routes, else boot */
	VE_BOOT,	/* stored; takes effect at the next boot */
	VE_STOP,	/* the zone must be stopped for the update */
	VE_REPROVISION,	/* only `vmadm reprovision' changes it */
	VE_RECREATE	/* create-only: delete the zone and create it again */
};

/* How a property is updated. */
enum vm_form {
	VF_SCALAR,	/* the key itself */
	VF_MAP,		/* set_KEY and remove_KEY */
	VF_LIST		/* add_KEY, update_KEY, remove_KEY by a member */
};

struct vmadm_prop {
	const char	*name;
	unsigned	 create;	/* BP_*: brand classes it is written for */
	enum vm_form	 form;
	enum vm_effect	 effect;
	const char	*id;		/* VF_LIST: the member naming an item */
};

/* Every top-level property ztopo writes, sorted by name; NULL-ended. */
extern const struct vmadm_prop vmadm_props[];
const struct vmadm_prop *vmadm_prop(const char *);

/* The tag every payload carries: its value is the target, so a zone the
 * description no longer holds is still known as ztopo's. */
#define VMADM_TAG	"ztopo_target"

/* The create payload of ZI, as written to its artifact; NULL after errors
 * (reported).  *UUID: the zone's uuid; *SECRET: 1 if it holds a secret. */
json_t	*vmadm_payload(const struct ir *, const struct ir_zinst *,
	    const struct emit_opts *, struct diag *, const char **uuid,
	    int *secret);

/*
 * `ztopo diff': IR's zone instances against the live state in LIVE
 * (LIVE/<host>.json, the array `vmadm lookup -j' prints), printed to FP
 * as text or JSON; with OUT, the update payloads and the report written
 * there.  1 if anything would change, 0 if not, -1 after errors in the
 * input (reported in D), -2 after a system error (printed).
 */
int	vmadm_diff(struct arena *, struct diag *, const struct ir *,
	    const struct emit_opts *, const char *live, const char *out,
	    int json, FILE *fp);

#endif
