/*
 * check.c -- the check pass: the rules that relate declarations to each
 * other, run once per description after resolve and before any target is
 * lowered.  Every role exists in the description's release; a service
 * does not use itself; credentials match the role of the service they are
 * used with; the uses graph is acyclic (with the cycle named); a zone
 * runs services only where its brand runs SMF, and never one whose role
 * needs a global zone.  After the targets have been read, check_unused
 * warns about every declaration nothing uses.
 */
#include <string.h>

#include "model.h"

/* Uses cycles: iterative DFS over services with white/grey/black marks. */
static void
check_cycles(struct model *m)
{
	struct vec *all = &m->decls[K_SERVICE];
	int *mark = arena_alloc(m->arena, (all->n + 1) * sizeof(*mark));
	size_t *stack = arena_alloc(m->arena, (all->n + 1) * sizeof(*stack));
	size_t *edge = arena_alloc(m->arena, (all->n + 1) * sizeof(*edge));
	size_t root;

	for (root = 0; root < all->n; root++) {
		size_t sp = 0;

		if (mark[root])
			continue;
		stack[sp] = root;
		edge[sp++] = 0;
		mark[root] = 1;
		while (sp > 0) {
			struct ir_service *s = ((struct decl *)
			    all->v[stack[sp - 1]])->obj;
			struct ir_service *t;

			if (edge[sp - 1] >= s->nuses) {
				mark[stack[--sp]] = 2;
				continue;
			}
			t = s->uses[edge[sp - 1]++].service;
			if (mark[t->index] == 0) {
				mark[t->index] = 1;
				stack[sp] = (size_t)t->index;
				edge[sp++] = 0;
			} else if (mark[t->index] == 1) {
				/* a cycle: from t's frame to the top */
				size_t i = sp;
				char *chain = arena_strdup(m->arena, t->name);
				struct ir_service *top;

				while (i > 0 && stack[i - 1] != (size_t)t->index)
					i--;
				for (; i < sp; i++) {
					top = ((struct decl *)all->v[stack[i]])
					    ->obj;
					if (top != t)
						chain = arena_printf(m->arena,
						    "%s -> %s", chain,
						    top->name);
				}
				chain = arena_printf(m->arena, "%s -> %s",
				    chain, t->name);
				diag_error(m->diag, s->uses[edge[sp - 1] - 1]
				    .loc, "services use each other in a cycle: "
				    "%s", chain);
			}
		}
	}
}

static void
check_services(struct model *m)
{
	struct vec *all = &m->decls[K_SERVICE];
	size_t i, j;

	for (i = 0; i < all->n; i++) {
		struct ir_service *s = ((struct decl *)all->v[i])->obj;

		if (!ROLE_IN(s->role, m->release)) {
			diag_error(m->diag, s->role_loc, "role \"%s\" does not "
			    "exist in OpenStack %s", role_table[s->role].name,
			    release_name(m->release));
			if (m->release_set)
				diag_note(m->diag, m->release_loc, "release "
				    "set here");
		}
		if (s->admin != NULL && s->admin->kind != CRED_KEYSTONE) {
			diag_error(m->diag, s->loc, "admin of \"%s\" is "
			    "credential \"%s\", a %s credential; keystone "
			    "bootstraps a keystone credential", s->name,
			    s->admin->name, credkind_name(s->admin->kind));
			diag_note(m->diag, s->admin->loc, "credential \"%s\" "
			    "is defined here", s->admin->name);
		}
		for (j = 0; j < s->nuses; j++) {
			struct ir_use *u = &s->uses[j];
			enum ir_role want;

			if (u->service == s) {
				diag_error(m->diag, u->loc, "service \"%s\" "
				    "uses itself", s->name);
				continue;
			}
			if (u->cred == NULL) {
				/* keystone: the oslo backend says where a
				 * service must log in */
				if (role_table[u->service->role].serves >= 0 &&
				    role_table[u->service->role].serves !=
				    CRED_KEYSTONE)
					diag_warning(m->diag, W_NO_CREDENTIAL,
					    u->loc, "\"%s\" is "
					    "a %s server, used without a "
					    "credential", u->service->name,
					    role_table[u->service->role].name);
				continue;
			}
			want = role_serving(u->cred->kind);
			if (u->service->role != want) {
				if (u->service->role == ROLE_NONE)
					diag_error(m->diag, u->loc, "credential "
					    "\"%s\" is a %s credential, but "
					    "service \"%s\" has no role; only a "
					    "%s service takes one", u->cred->name,
					    role_table[want].name,
					    u->service->name,
					    role_table[want].name);
				else
					diag_error(m->diag, u->loc, "credential "
					    "\"%s\" is a %s credential, but "
					    "service \"%s\" is a %s server",
					    u->cred->name, role_table[want].name,
					    u->service->name,
					    role_table[u->service->role].name);
				diag_note(m->diag, u->cred->loc, "credential "
				    "\"%s\" is defined here", u->cred->name);
				continue;
			}
			if (u->cred->kind == CRED_MYSQL &&
			    s->role != ROLE_NONE &&
			    !(role_table[s->role].db_releases &
			    (1u << m->release)))
				u->needed = 0;
		}
	}
	check_cycles(m);
}

static void
warn_unused(struct model *m)
{
	static const enum kind kinds[] = { K_NETWORK, K_IMAGE, K_SECRET,
	    K_CREDENTIAL, K_SERVICE, K_HOST };
	size_t i, j;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (j = 0; j < m->decls[kinds[i]].n; j++) {
			struct decl *d = m->decls[kinds[i]].v[j];

			/* a file without targets is a library: what
			 * places its services is not in it */
			if (kinds[i] == K_SERVICE && m->decls[K_TARGET].n == 0)
				continue;
			if (!d->used)
				diag_warning(m->diag, W_UNUSED,
				    d->loc, "%s \"%s\" is "
				    "never used%s", kind_name(d->kind), d->name,
				    kinds[i] == K_SERVICE ? ": no zone runs it, "
				    "no target places it and no service uses "
				    "it" : "");
		}
}


/* What a zone may run: SMF services where its brand has SMF (brands.c),
 * and no role that must run in a global zone (roles.c). */
static void
check_zones(struct model *m)
{
	struct vec *all = &m->decls[K_ZONE];
	size_t i, j;

	for (i = 0; i < all->n; i++) {
		struct ir_zone *z = ((struct decl *)all->v[i])->obj;
		int smf = z->image == NULL || brand_table[z->image->brand].smf;

		for (j = 0; j < z->nservices; j++) {
			const struct ir_service *s = z->services[j];

			if (role_table[s->role].zone == RZ_GLOBAL) {
				diag_error(m->diag, z->service_locs[j],
				    "service \"%s\" (role %s) must run in a "
				    "global zone, not in zone \"%s\": place it "
				    "with `global %s on HOST;' in the target",
				    s->name, role_table[s->role].name, z->name,
				    s->name);
				continue;
			}
			if (!smf) {
				diag_error(m->diag, z->service_locs[j],
				    "zone \"%s\" (brand %s) runs no SMF for ztopo "
				    "to configure, so service \"%s\" would never "
				    "start; services run in %s zones", z->name,
				    brand_name(z->image->brand), s->name,
				    brand_list(m->arena, BP_ALL, 1, "and"));
				diag_note(m->diag, z->image->brand_loc, "brand "
				    "set here");
				break;		/* once per zone */
			}
		}
	}
}

/* Two secrets must not share their variable and placeholder:
 * ZTOPO_SECRET_DB_PW and @@DB_PW@@ would serve db-pw and db_pw alike. */
static void
check_secrets(struct model *m)
{
	struct vec *all = &m->decls[K_SECRET];
	struct hash *byvar = hash_new(m->arena);
	size_t i;

	for (i = 0; i < all->n; i++) {
		struct decl *d = all->v[i], *prev;
		const char *var = secret_env_name(m->arena, d->name);

		if ((prev = hash_get(byvar, var)) == NULL) {
			hash_put(byvar, var, d);
			continue;
		}
		diag_error(m->diag, d->loc, "secrets \"%s\" and \"%s\" would "
		    "share the variable %s and the placeholder %s; rename "
		    "one", prev->name, d->name, var,
		    secret_placeholder(m->arena, d->name));
		diag_note(m->diag, prev->loc, "secret \"%s\" is declared here",
		    prev->name);
	}
}

int
check(struct model *m)
{
	int mark = diag_mark(m->diag);

	check_secrets(m);
	check_services(m);
	check_zones(m);
	return diag_since(m->diag, mark);
}

void
check_unused(struct model *m)
{
	/* after an error, a declaration may look unused only because the
	 * statement naming it was not read: say nothing rather than invent */
	if (diag_failed(m->diag))
		return;
	warn_unused(m);
}
