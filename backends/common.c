/*
 * common.c -- what the backends of servers that hold accounts (mysql.c,
 * rabbitmq.c) share: which credentials a server serves, and the located
 * checks of those servers.
 */
#include "backend.h"

int
cred_serves(const struct ir_credential *c, const struct ir_sinst *si)
{
	size_t i;

	for (i = 0; i < c->nconsumers; i++)
		if (c->consumers[i]->server == si)
			return 1;
	return 0;
}

/*
 * Is SI the second server of CK's role in its zone?  Report it once
 * (1 error).  ZONES: "host/zone" -> the zone's first server.
 */
static int
one_per_zone(const struct ir *ir, struct diag *d, struct hash *zones,
    const struct ir_sinst *si, const struct server_check *ck)
{
	const struct ir_sinst *prev;
	const char *key;
	struct loc l;

	key = arena_printf(ir->arena, "%s/%s", si->host->name, si->zone_name);
	if ((prev = hash_get(zones, key)) == NULL) {
		hash_put(zones, key, (void *)si);
		return 0;
	}
	/* the zone's services list, or the global placement */
	l = si->zone != NULL ? ir_zone_loc(si->zone->zone, ZP_SERVICES) : si->loc;
	diag_error(d, l, "zone \"%s\" of host \"%s\" runs two %s servers, "
	    "\"%s\" and \"%s\"; ztopo writes one %s per zone", si->zone_name,
	    si->host->name, ck->server_kind, prev->service->name,
	    si->service->name, ck->file);
	if (si->zone == NULL)
		diag_note(d, prev->loc, "\"%s\" is placed here",
		    prev->service->name);
	return 1;
}

/* The last of a user's credentials met so far on one server. */
struct user_last {
	size_t	 k;
};

/*
 * The conflicting pairs of CK's credentials of one user on SI: the
 * earlier and the later in declaration order, by the earlier then the
 * later.  DONE: the pairs reported already, on an earlier server.
 */
static int
user_pairs(const struct ir *ir, struct diag *d, struct hash *done,
    const struct ir_sinst *si, const struct server_check *ck)
{
	struct arena *a = ir->arena;
	struct hash *users = hash_new(a);
	const struct ir_credential **cs;
	size_t *next;		/* cs[next[k]]: the next of cs[k]'s user; 0: none */
	size_t n = 0, i, j;
	int errors = 0;

	cs = arena_alloc(a, (ir->ncredentials + 1) * sizeof(*cs));
	next = arena_alloc(a, (ir->ncredentials + 1) * sizeof(*next));
	for (i = 0; i < ir->ncredentials; i++) {
		const struct ir_credential *c = ir->credentials[i];
		struct user_last *u;

		if (c->kind != ck->kind || c->user == NULL ||
		    !cred_serves(c, si))
			continue;
		if ((u = hash_get(users, c->user)) != NULL)
			next[u->k] = n;
		else {
			u = arena_alloc(a, sizeof(*u));
			hash_put(users, c->user, u);
		}
		u->k = n;
		cs[n++] = c;
	}
	for (i = 0; i < n; i++) {
		for (j = next[i]; j != 0; j = next[j]) {
			const struct ir_credential *ci = cs[i], *cj = cs[j];

			if (!ck->conflict(ci, cj))
				continue;
			if (!hash_put(done, arena_printf(a, "%d:%d", ci->index,
			    cj->index), (void *)cj))
				continue;
			ck->report(d, ci, cj, si);
			diag_note(d, ci->loc, "credential \"%s\" is defined "
			    "here", ci->name);
			errors++;
		}
	}
	return errors;
}

int
check_servers(const struct ir *ir, struct diag *d,
    const struct server_check *ck)
{
	struct hash *zones = hash_new(ir->arena), *done = hash_new(ir->arena);
	size_t s;
	int errors = 0;

	for (s = 0; s < ir->nsinsts; s++) {
		const struct ir_sinst *si = ir->sinsts[s];

		if (si->service->role != ck->role)
			continue;
		errors += one_per_zone(ir, d, zones, si, ck);
		errors += user_pairs(ir, d, done, si, ck);
	}
	return errors;
}

/* The variable a companion file gives secret S's value in (grants and
 * setup scripts): ztopo_secret_<name>, lower case. */
const char *
secret_var_name(struct arena *a, const struct ir_secret *s)
{
	char *v = secret_env_name(a, s->name), *p;

	for (p = v; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return v;
}

/* The credentials of KIND that have a consumer on SI, in declaration
 * order. */
const struct ir_credential **
creds_served(const struct ir *ir, const struct ir_sinst *si,
    enum ir_credkind kind, size_t *n)
{
	const struct ir_credential **v;
	size_t i;

	v = arena_alloc(ir->arena, (ir->ncredentials + 1) * sizeof(*v));
	*n = 0;
	for (i = 0; i < ir->ncredentials; i++)
		if (ir->credentials[i]->kind == kind &&
		    cred_serves(ir->credentials[i], si))
			v[(*n)++] = ir->credentials[i];
	return v;
}
