/*
 * check.c -- the check pass: the rules that relate declarations to each
 * other, run once per description after resolve and before any target is
 * lowered.  Every role exists in the description's release; a service
 * does not use itself; credentials match the role of the service they are
 * used with; the uses graph is acyclic (with the cycle named).  After the
 * targets have been read, check_unused warns about every declaration
 * nothing uses.
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
		for (j = 0; j < s->nuses; j++) {
			struct ir_use *u = &s->uses[j];
			enum ir_role want;

			if (u->service == s) {
				diag_error(m->diag, u->loc, "service \"%s\" "
				    "uses itself", s->name);
				continue;
			}
			if (u->cred == NULL) {
				if (role_table[u->service->role].serves >= 0)
					diag_warning(m->diag, u->loc, "\"%s\" is "
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
	    K_CREDENTIAL, K_HOST };
	size_t i, j;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (j = 0; j < m->decls[kinds[i]].n; j++) {
			struct decl *d = m->decls[kinds[i]].v[j];

			if (!d->used)
				diag_warning(m->diag, d->loc, "%s \"%s\" is "
				    "never used", kind_name(d->kind), d->name);
		}
}


int
check(struct model *m)
{
	int mark = diag_mark(m->diag);

	check_services(m);
	return diag_since(m->diag, mark);
}

void
check_unused(struct model *m)
{
	warn_unused(m);
}
