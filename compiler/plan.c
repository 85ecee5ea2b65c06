/*
 * plan.c -- the order in which a target is deployed.
 *
 * The unit of ordering is a zone instance, or the global zone of a host
 * that runs services.  A unit depends on every other unit one of whose
 * services its services use (the IR's edges), across hosts too, except
 * on the other replicas of its own zone (a replica set comes up
 * together).  Units that use each other in a cycle cannot be ordered:
 * plan_check reports the cycle as a located error.
 *
 * A unit's stage is one more than the latest stage of what it uses;
 * stage 1 imports the images.  Steps are numbered stage by stage, host by
 * host (placement order), unit by unit, so the numbering is one valid
 * order, and every step also lists the steps it needs (`after`), so a
 * runner may do the hosts of one stage at once.  A unit's own steps:
 *
 *	create the zone			its payload (ART_PAYLOAD)
 *	install its config files	ART_CONFIG, by path
 *	import its SMF manifests	ART_MANIFEST, in service order
 *	for each service, in the order of the uses between them:
 *	    start it			svcadm enable -s FMRI
 *	    apply MySQL grants		its ART_GRANTS
 *	    set up RabbitMQ		its ART_BROKER
 *
 * Everything comes from the artifacts the backends published (output.h):
 * which unit and service each belongs to, where it is installed and as
 * whom, the FMRI a manifest defines, the zone's uuid.  Nothing is looked
 * up by path or re-parsed.  Steps whose artifact was not generated are
 * left out: the plan describes the tree that was compiled.  A service is
 * started by its FMRI (ir_service.smf_fmri) when ztopo wrote its manifest
 * or its package ships one; without a known FMRI it is not started.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "plan.h"

/* ---- units and their dependencies */

enum { WHITE, GREY, BLACK };

struct unit {
	const struct ir_host	 *host;
	const struct ir_zinst	 *zi;		/* NULL: the global zone */
	struct vec		  sinsts;	/* const struct ir_sinst * */
	struct vec		  deps;		/* struct unit * */
	struct vec		  via;		/* an edge per dep */
	int			  index;
	int			  mark;
	int			  level;
	int			  seen;		/* reaches(): its last walk */
	int			  last;		/* its last step */
	struct vec		  arts;		/* its artifacts, emit order */
};

struct graph {
	struct arena	*arena;
	struct diag	*diag;
	struct vec	 units;		/* struct unit *, placement order */
	struct unit	**zunit;	/* by ir_zinst.index */
	struct unit	**gunit;	/* global zones, by ir_host.index */
	size_t		 nzunit, ngunit;
	struct vec	 stack;		/* DFS path */
	struct vec	 todo;		/* reaches() */
	int		 walk;
	struct hash	*reported;	/* cycles already reported */
	int		 cycles;
};

/* The unit of host H's zone instance ZI (NULL: its global zone). */
static struct unit *
unit_at(const struct graph *g, const struct ir_host *h,
    const struct ir_zinst *zi)
{
	if (zi != NULL)
		return (size_t)zi->index < g->nzunit ? g->zunit[zi->index] :
		    NULL;
	return (size_t)h->index < g->ngunit ? g->gunit[h->index] : NULL;
}

static struct unit *
unit_of(const struct graph *g, const struct ir_sinst *si)
{
	return unit_at(g, si->host, si->zone);
}

static const char *
unit_name(struct arena *a, const struct unit *u)
{
	if (u->zi == NULL)
		return arena_printf(a, "global zone of %s", u->host->name);
	return u->zi->zone->name;
}

static struct unit *
new_unit(struct graph *g, const struct ir_host *h, const struct ir_zinst *zi)
{
	struct unit *u = arena_alloc(g->arena, sizeof(*u));

	u->host = h;
	u->zi = zi;
	u->index = (int)g->units.n;
	vec_push(g->arena, &g->units, u);
	if (zi != NULL)
		g->zunit[zi->index] = u;
	else
		g->gunit[h->index] = u;
	return u;
}

/* Does SI use a database through a credential in this release? */
static int
uses_db(const struct ir_sinst *si)
{
	size_t i;

	for (i = 0; i < si->nout; i++)
		if (si->out[i]->use->needed && si->out[i]->use->cred != NULL &&
		    si->out[i]->use->cred->kind == CRED_MYSQL)
			return 1;
	return 0;
}

/* Does unit FROM depend on TO, directly or not? */
static int
reaches(struct graph *g, struct unit *from, const struct unit *to)
{
	struct vec *todo = &g->todo;
	size_t i;

	g->walk++;		/* a unit is seen in this walk: seen == walk */
	todo->n = 0;
	vec_push(g->arena, todo, from);
	while (todo->n > 0) {
		struct unit *u = todo->v[--todo->n];

		if (u == to)
			return 1;
		if (u->seen == g->walk)
			continue;
		u->seen = g->walk;
		for (i = 0; i < u->deps.n; i++)
			vec_push(g->arena, todo, u->deps.v[i]);
	}
	return 0;
}

/*
 * A project's database is prepared by the first instance of its role
 * with db_sync (roles.c): the units of the project's other services come
 * after that unit -- unless that unit already needs them (then the start
 * order within the uses decides).
 */
static void
sync_deps(struct graph *g, const struct ir *ir)
{
	size_t i, j;
	int r;

	for (r = 0; r < ROLE__COUNT; r++) {
		const struct role_info *ri = &role_table[r];
		const struct ir_sinst *sy;
		struct unit *su;

		if (ri->db_sync[ir->release][0] == NULL ||
		    ir->nrole_sinsts[r] == 0)
			continue;
		sy = ir->role_sinsts[r][0];
		if (!uses_db(sy) || (su = unit_of(g, sy)) == NULL)
			continue;
		for (i = 0; i < ir->nsinsts; i++) {
			const struct ir_sinst *si = ir->sinsts[i];
			const struct role_info *ci = &role_table[si->service->role];
			struct unit *cu = unit_of(g, si);

			if (ci->conf != CONF_OSLO || ci->project != ri->project ||
			    si->service->role == (enum ir_role)r ||
			    cu == NULL || cu == su)
				continue;
			for (j = 0; j < cu->deps.n; j++)
				if (cu->deps.v[j] == su)
					break;
			if (j < cu->deps.n || reaches(g, su, cu))
				continue;
			vec_push(g->arena, &cu->deps, su);
			vec_push(g->arena, &cu->via, NULL);
		}
	}
}

static void
graph_build(struct graph *g, struct arena *a, struct diag *d,
    const struct ir *ir)
{
	size_t i, j;

	memset(g, 0, sizeof(*g));
	g->arena = a;
	g->diag = d;
	g->nzunit = ir->nzinsts;
	g->zunit = arena_alloc(a, (g->nzunit + 1) * sizeof(*g->zunit));
	for (i = 0; i < ir->nhosts; i++)
		if ((size_t)ir->hosts[i]->index + 1 > g->ngunit)
			g->ngunit = (size_t)ir->hosts[i]->index + 1;
	g->gunit = arena_alloc(a, (g->ngunit + 1) * sizeof(*g->gunit));
	g->reported = hash_new(a);
	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];

		for (j = 0; j < h->nzones; j++) {
			struct unit *u = new_unit(g, h, h->zones[j]);
			size_t k;

			for (k = 0; k < h->zones[j]->nservices; k++)
				vec_push(a, &u->sinsts,
				    h->zones[j]->services[k]);
		}
		if (h->nglobal > 0) {
			struct unit *u = new_unit(g, h, NULL);

			for (j = 0; j < h->nglobal; j++)
				vec_push(a, &u->sinsts, h->global[j]);
		}
	}
	for (i = 0; i < ir->nedges; i++) {
		const struct ir_edge *e = ir->edges[i];
		struct unit *cu = unit_of(g, e->client);
		struct unit *su = unit_of(g, e->server);

		if (cu == NULL || su == NULL || cu == su)
			continue;
		/* replicas of one zone come up together */
		if (cu->zi != NULL && su->zi != NULL &&
		    cu->zi->zone == su->zi->zone)
			continue;
		for (j = 0; j < cu->deps.n; j++)
			if (cu->deps.v[j] == su)
				break;
		if (j == cu->deps.n) {
			vec_push(a, &cu->deps, su);
			vec_push(a, &cu->via, (void *)e);
		}
	}
}

static const char *
edge_text(struct arena *a, const struct ir_edge *e)
{
	const struct ir_sinst *c = e->client, *s = e->server;

	return arena_printf(a, "\"%s\" in %s%s%s uses \"%s\" in %s%s%s",
	    c->service->name, c->zone ? "zone \"" : "the global zone of ",
	    c->zone ? c->zone_name : c->host->name, c->zone ? "\"" : "",
	    s->service->name, s->zone ? "zone \"" : "the global zone of ",
	    s->zone ? s->zone_name : s->host->name, s->zone ? "\"" : "");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The DFS path from unit TO (on the stack) back to TO is a cycle. */
static void
report_cycle(struct graph *g, const struct unit *to)
{
	struct arena *a = g->arena;
	size_t i, p, n, k;
	const char **names;
	const char *text, *key;
	const struct ir_edge **edges;

	for (p = 0; p < g->stack.n && g->stack.v[p] != to; p++)
		;
	n = g->stack.n - p;
	names = arena_alloc(a, (n + 1) * sizeof(*names));
	edges = arena_alloc(a, (n + 1) * sizeof(*edges));
	text = "";
	for (i = 0; i < n; i++) {
		const struct unit *u = g->stack.v[p + i];
		const struct unit *next = i + 1 < n ? g->stack.v[p + i + 1] :
		    to;

		names[i] = unit_name(a, u);
		text = arena_printf(a, "%s%s -> ", text, names[i]);
		for (k = 0; k < u->deps.n; k++)
			if (u->deps.v[k] == next)
				edges[i] = u->via.v[k];
	}
	text = arena_printf(a, "%s%s", text, names[0]);
	/* replicas repeat a cycle on every host, and may chain into longer
	 * ones through the other replicas: one report per set of zones */
	qsort(names, n, sizeof(*names), cmp_str);
	key = "";
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			key = arena_printf(a, "%s%s\n", key, names[i]);
	if (!hash_put(g->reported, key, (void *)1))
		return;
	g->cycles++;
	diag_error(g->diag, edges[0]->use->loc, "zones use each other's "
	    "services in a cycle, so none of them can be deployed first: %s "
	    "(here %s)", text, edge_text(a, edges[0]));
	for (i = 1; i < n; i++)
		diag_note(g->diag, edges[i]->use->loc, "%s",
		    edge_text(a, edges[i]));
}

static void
dfs(struct graph *g, struct unit *u)
{
	size_t i;

	u->mark = GREY;
	vec_push(g->arena, &g->stack, u);
	for (i = 0; i < u->deps.n; i++) {
		struct unit *d = u->deps.v[i];

		if (d->mark == GREY) {
			report_cycle(g, d);
			continue;
		}
		if (d->mark == WHITE)
			dfs(g, d);
		if (d->level + 1 > u->level)
			u->level = d->level + 1;
	}
	g->stack.n--;
	u->mark = BLACK;
}

/* Order the units; the number of cycles found (reported). */
static int
graph_order(struct graph *g)
{
	size_t i;

	for (i = 0; i < g->units.n; i++)
		if (((struct unit *)g->units.v[i])->mark == WHITE)
			dfs(g, g->units.v[i]);
	return g->cycles;
}

int
plan_check(const struct ir *ir, struct diag *d)
{
	struct graph g;

	graph_build(&g, ir->arena, d, ir);
	return graph_order(&g);
}

/* ---- building */

struct build {
	struct arena		*arena;
	const struct ir		*ir;
	const struct outset	*os;
	struct graph		 g;
	struct vec		 steps;
	int			 stage;
	const char		*uuid, *zpool;	/* of the current unit */
	struct vec		 computes;	/* nova-compute start steps */
	struct pair {
		int	 step, after;
	}			*pairs;		/* add_after, set_after */
	size_t			 npairs, cpairs;
};

static struct plan_step *
add_step(struct build *b, enum plan_action act, const struct unit *u,
    const struct ir_sinst *si, const struct outfile *f)
{
	struct plan_step *s = arena_alloc(b->arena, sizeof(*s));

	s->num = (int)b->steps.n + 1;
	s->stage = b->stage;
	s->action = act;
	s->host = u->host;
	s->zone = u->zi;
	s->sinst = si;
	s->file = f;
	s->zone_uuid = b->uuid;
	s->zpool = b->zpool;
	vec_push(b->arena, &b->steps, s);
	return s;
}

/* Step S needs step NUM: noted as a pair, sorted and deduplicated into
 * every step's `after' once the plan is done (set_after). */
static void
add_after(struct build *b, struct plan_step *s, int num)
{
	if (b->npairs == b->cpairs) {
		b->cpairs = b->cpairs ? 2 * b->cpairs : 256;
		b->pairs = xrealloc(b->pairs, b->cpairs * sizeof(*b->pairs));
	}
	b->pairs[b->npairs].step = s->num;
	b->pairs[b->npairs++].after = num;
}

static int
cmp_pair(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	if (p->step != q->step)
		return p->step < q->step ? -1 : 1;
	return p->after < q->after ? -1 : p->after > q->after;
}

static void
set_after(struct build *b)
{
	size_t i, j, k;

	if (b->npairs > 1)
		qsort(b->pairs, b->npairs, sizeof(*b->pairs), cmp_pair);
	for (i = 0; i < b->npairs; i = j) {
		struct plan_step *s = b->steps.v[b->pairs[i].step - 1];

		for (j = i; j < b->npairs && b->pairs[j].step ==
		    b->pairs[i].step; j++)
			;
		s->after = arena_alloc(b->arena, (j - i) * sizeof(int));
		for (k = i; k < j; k++)
			if (k == i || b->pairs[k].after != b->pairs[k - 1].after)
				s->after[s->nafter++] = b->pairs[k].after;
	}
	free(b->pairs);
}

/* The unit's artifact of KIND for SI (NULL: any), or NULL. */
static const struct outfile *
art_of(const struct unit *u, enum art_kind kind, const struct ir_sinst *si)
{
	size_t i;

	for (i = 0; i < u->arts.n; i++) {
		const struct outfile *f = u->arts.v[i];

		if (f->kind == kind && (si == NULL || f->sinst == si))
			return f;
	}
	return NULL;
}

static int
cmp_file(const void *a, const void *b)
{
	const struct outfile *x = *(const struct outfile *const *)a;
	const struct outfile *y = *(const struct outfile *const *)b;

	return strcmp(x->path, y->path);
}

/* The unit's services in an order that starts what a service uses in
 * the same zone before it (resolve.c rejects cycles among services). */
static void
start_order(struct arena *a, const struct unit *u,
    const struct ir_sinst *si, struct hash *done, struct vec *out)
{
	const char *key = arena_printf(a, "%d", si->index);
	size_t i;

	if (!hash_put(done, key, (void *)1))
		return;
	for (i = 0; i < si->nout; i++) {
		const struct ir_sinst *s = si->out[i]->server;
		size_t j;

		for (j = 0; j < u->sinsts.n; j++)
			if (u->sinsts.v[j] == s && s != si)
				start_order(a, u, s, done, out);
	}
	vec_push(a, out, (void *)si);
}

/* The scripts SI's zone runs before it starts (BEFORE) or after. */
static void
run_steps(struct build *b, struct unit *u, const struct ir_sinst *si,
    int before)
{
	struct plan_step *s;
	size_t i;

	for (i = 0; i < u->arts.n; i++) {
		const struct outfile *f = u->arts.v[i];

		if (f->kind != ART_BOOTSTRAP || f->sinst != si ||
		    f->before_start != before)
			continue;
		s = add_step(b, PLAN_RUN, u, si, f);
		s->dest = f->dest;
		s->command = arena_printf(b->arena, "/bin/sh %s",
		    sh_word(b->arena, f->dest));
	}
}

static void
unit_steps(struct build *b, struct unit *u, const int *image_step)
{
	struct arena *a = b->arena;
	const struct outfile *f;
	struct plan_step *s, *first;
	struct vec conf, order;
	struct hash *done = hash_new(a);
	size_t i, j, start = b->steps.n;

	b->uuid = NULL;
	b->zpool = NULL;
	if (u->zi != NULL) {
		if ((f = art_of(u, ART_PAYLOAD, NULL)) != NULL) {
			b->uuid = f->zone_uuid;
			b->zpool = f->zpool;
		}
		first = add_step(b, PLAN_ZONE, u, NULL, f);
		for (i = 0; i < b->ir->nimages; i++)
			if (image_step[i] > 0 &&
			    (b->ir->images[i] == u->zi->zone->image))
				add_after(b, first, image_step[i]);
		for (i = 0; i < u->zi->zone->ndisks; i++)
			for (j = 0; j < b->ir->nimages; j++)
				if (image_step[j] > 0 &&
				    b->ir->images[j] == u->zi->zone->disks[i].image)
					add_after(b, first, image_step[j]);
	}

	/* configuration files, by path */
	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < u->arts.n; i++) {
		f = u->arts.v[i];
		if (f->kind == ART_CONFIG && f->dest != NULL)
			vec_push(a, &conf, (void *)f);
	}
	if (conf.n > 1)
		qsort(conf.v, conf.n, sizeof(void *), cmp_file);
	for (i = 0; i < conf.n; i++) {
		f = conf.v[i];
		s = add_step(b, PLAN_CONFIG, u, f->sinst, f);
		s->dest = f->dest;
		s->owner = f->owner;
		s->group = f->group;
	}

	/* manifests */
	for (i = 0; i < u->sinsts.n; i++) {
		const struct ir_sinst *si = u->sinsts.v[i];

		if ((f = art_of(u, ART_MANIFEST, si)) == NULL)
			continue;
		s = add_step(b, PLAN_MANIFEST, u, si, f);
		s->dest = f->dest;
		s->fmri = f->fmri;
	}

	/* start, and set up the servers as soon as they run */
	memset(&order, 0, sizeof(order));
	for (i = 0; i < u->sinsts.n; i++)
		start_order(a, u, u->sinsts.v[i], done, &order);
	for (i = 0; i < order.n; i++) {
		const struct ir_sinst *si = order.v[i];
		const struct ir_service *sv = si->service;

		/* the first instance prepares the service's database */
		if (si == sv->instances[0] && uses_db(si)) {
			const char *const *c =
			    role_table[sv->role].db_sync[b->ir->release];

			for (j = 0; c[j] != NULL; j++) {
				s = add_step(b, PLAN_DBSYNC, u, si, NULL);
				s->command = ir_expand(a, c[j], si);
			}
		}
		run_steps(b, u, si, 1);
		/* a manifest ztopo wrote, or the package's */
		if (sv->smf_fmri != NULL && (sv->packaged ||
		    art_of(u, ART_MANIFEST, si) != NULL)) {
			s = add_step(b, PLAN_START, u, si, NULL);
			s->fmri = sv->smf_fmri;
			if (sv->role == ROLE_NOVA_COMPUTE)
				vec_push(a, &b->computes, s);
		}
		run_steps(b, u, si, 0);
		/* the grants with their passwords, in one session */
		if ((f = art_of(u, ART_GRANTS, si)) != NULL) {
			s = add_step(b, PLAN_GRANTS, u, si, f);
			s->dest = f->dest;
			s->command = f->companion != NULL ? arena_printf(a,
			    "cat %s %s | %s/bin/mysql -u root",
			    sh_word(a, f->companion->dest), sh_word(a, f->dest),
			    si->prefix) : arena_printf(a,
			    "%s/bin/mysql -u root < %s", si->prefix,
			    sh_word(a, f->dest));
		}
		if ((f = art_of(u, ART_BROKER, si)) != NULL) {
			s = add_step(b, PLAN_RABBITMQ, u, si, f);
			s->dest = f->dest;
			s->command = sh_word(a, f->dest);
		}
	}

	/* chain: the unit's first step needs what the unit uses, every
	 * other step the one before it */
	for (i = start + 1; i < b->steps.n; i++)
		add_after(b, b->steps.v[i], (int)i);
	for (i = 0; i < u->deps.n; i++) {
		const struct unit *d = u->deps.v[i];

		if (d->last > 0 && start < b->steps.n)
			add_after(b, b->steps.v[start], d->last);
		/* a unit without steps is ready when what it uses is */
		if (d->last > u->last)
			u->last = d->last;
	}
	if (start < b->steps.n)
		u->last = (int)b->steps.n;
}

/* Last, once every compute node runs: what the API instance that runs
 * it (the first of a role with after_compute) does then. */
static void
discover(struct build *b)
{
	const struct ir *ir = b->ir;
	const struct ir_sinst *si = NULL;
	const struct unit *u;
	struct plan_step *s;
	size_t i;
	int r;

	if (b->computes.n == 0)
		return;
	for (r = 0; r < ROLE__COUNT && si == NULL; r++)
		if (role_table[r].after_compute[ir->release] != NULL &&
		    ir->nrole_sinsts[r] > 0)
			si = ir->role_sinsts[r][0];
	if (si == NULL || (u = unit_of(&b->g, si)) == NULL)
		return;
	b->uuid = NULL;
	b->zpool = NULL;
	for (i = 0; i < u->arts.n; i++) {
		const struct outfile *f = u->arts.v[i];

		if (f->kind == ART_PAYLOAD) {
			b->uuid = f->zone_uuid;
			b->zpool = f->zpool;
		}
	}
	b->stage++;
	s = add_step(b, PLAN_DISCOVER, u, si, NULL);
	s->command = ir_expand(b->arena, role_table[si->service->role].
	    after_compute[ir->release], si);
	for (i = 0; i < b->computes.n; i++)
		add_after(b, s, ((struct plan_step *)b->computes.v[i])->num);
}

/* Units in the order their steps are numbered: level, host, placement. */
static int
cmp_unit(const void *a, const void *b)
{
	const struct unit *x = *(const struct unit *const *)a;
	const struct unit *y = *(const struct unit *const *)b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->host->index != y->host->index)
		return x->host->index < y->host->index ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

struct plan *
plan_build(const struct ir *ir, const struct outset *os, struct diag *d)
{
	struct arena *a = ir->arena;
	struct build b;
	struct plan *p;
	struct unit **order;
	int *host_image, level = -1;
	size_t i, j, k, *pos, npos = 0;

	memset(&b, 0, sizeof(b));
	b.arena = a;
	b.ir = ir;
	b.os = os;
	graph_build(&b.g, a, d, ir);
	sync_deps(&b.g, ir);
	if (graph_order(&b.g) > 0)
		return NULL;
	/* each artifact to the unit it is deployed in */
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];
		struct unit *u;

		if (f->host == NULL || (u = unit_at(&b.g, f->host,
		    f->zinst)) == NULL)
			continue;
		vec_push(a, &u->arts, (void *)f);
	}

	/* stage 1: every host imports the images its zones boot from;
	 * host_image[host position * nimages + image] is its step */
	host_image = arena_alloc(a, (ir->nhosts * ir->nimages + 1) *
	    sizeof(int));
	for (i = 0; i < ir->nhosts; i++)
		if ((size_t)ir->hosts[i]->index + 1 > npos)
			npos = (size_t)ir->hosts[i]->index + 1;
	pos = arena_alloc(a, (npos + 1) * sizeof(*pos));
	b.stage = 1;
	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];

		pos[h->index] = i;
		for (j = 0; j < ir->nimages; j++) {
			const struct ir_image *im = ir->images[j];
			int used = 0;

			for (k = 0; k < h->nzones && !used; k++) {
				const struct ir_zone *z = h->zones[k]->zone;
				size_t m;

				used = z->image == im;
				for (m = 0; m < z->ndisks && !used; m++)
					used = z->disks[m].image == im;
			}
			if (used) {
				struct plan_step *s = arena_alloc(a,
				    sizeof(*s));

				s->num = (int)b.steps.n + 1;
				s->stage = 1;
				s->action = PLAN_IMAGE;
				s->host = h;
				s->image = im;
				vec_push(a, &b.steps, s);
				host_image[i * ir->nimages + j] = s->num;
			}
		}
	}
	if (b.steps.n == 0)
		b.stage = 0;

	/* then level by level, host by host, unit by unit: one sort, so the
	 * cost does not grow with units x hosts */
	order = arena_alloc(a, (b.g.units.n + 1) * sizeof(*order));
	if (b.g.units.n > 0)
		memcpy(order, b.g.units.v, b.g.units.n * sizeof(*order));
	if (b.g.units.n > 1)
		qsort(order, b.g.units.n, sizeof(*order), cmp_unit);
	for (i = 0; i < b.g.units.n; i++) {
		struct unit *u = order[i];

		b.stage += u->level - level;
		level = u->level;
		unit_steps(&b, u, &host_image[pos[u->host->index] *
		    ir->nimages]);
	}
	discover(&b);
	set_after(&b);
	p = arena_alloc(a, sizeof(*p));
	p->ir = ir;
	p->steps = (struct plan_step **)b.steps.v;
	p->nsteps = b.steps.n;
	p->nstages = b.stage;
	return p;
}
