/*
 * lower.c -- the lower pass: the bound declarations and one target's
 * placement become a fresh IR of that target.
 *
 * Every target's placements are read (so that names are checked and uses
 * are counted for all of them), then the selected target is lowered:
 * zones are placed on hosts and global-zone services on hosts' global
 * zones, in directive order; fixed addresses are reserved, then the
 * addresses the lock file gives instances (lock.c), then new pool addresses
 * are handed out lowest first in placement order; every service instance is
 * located; every "uses" becomes one edge per (client instance, server
 * instance) with the addresses each end sees; host capacity is checked.
 */
#include <string.h>

#include "lock.h"
#include "model.h"

struct placement {
	int		 global;	/* global-zone services, else zones */
	void		**objs;		/* struct ir_zone * / ir_service * */
	struct loc	*obj_locs;
	size_t		 nobjs;
	struct ir_host	**hosts;
	struct loc	*host_locs;
	size_t		 nhosts;
	struct loc	 loc;
};

struct target {
	struct decl		*decl;
	struct placement	*pl;
	size_t			 npl;
};

static int
read_names(struct model *m, struct ast_value *v, enum kind k, void ***objs,
    struct loc **locs, size_t *n)
{
	struct ast_value **it, *one[1];
	size_t ni, i;

	if (v->kind == AV_LIST) {
		it = v->items;
		ni = v->nitems;
	} else {
		one[0] = v;
		it = one;
		ni = 1;
	}
	*objs = arena_alloc(m->arena, (ni + 1) * sizeof(**objs));
	*locs = arena_alloc(m->arena, (ni + 1) * sizeof(**locs));
	*n = 0;
	if (ni == 0) {
		diag_error(m->diag, v->loc, "empty list: name at least one %s",
		    kind_name(k));
		return -1;
	}
	for (i = 0; i < ni; i++) {
		struct decl *d = model_lookup(m, k, it[i]);

		if (d == NULL)
			continue;
		(*objs)[*n] = d->obj;
		(*locs)[(*n)++] = it[i]->loc;
	}
	return ni == *n ? 0 : -1;
}

static void
read_target(struct model *m, struct target *t)
{
	struct ast_dir *d;

	for (d = t->decl->ast->children; d != NULL; d = d->next) {
		struct placement *p;
		void **hosts;
		int global, bad;

		if (strcmp(d->name, "zone") == 0 || strcmp(d->name, "zones") == 0)
			global = 0;
		else if (strcmp(d->name, "global") == 0)
			global = 1;
		else {
			static const char *const words[] = { "zone", "global" };
			const char *s = suggest(d->name, words, 2);

			diag_error(m->diag, d->loc, "unknown placement \"%s\" in "
			    "target \"%s\"%s%s%s (expected zone ... on HOSTS; or "
			    "global SERVICES on HOSTS;)", d->name, t->decl->name,
			    s ? "; did you mean \"" : "", s ? s : "",
			    s ? "\"?" : "");
			continue;
		}
		if (d->has_block || d->nargs != 3 ||
		    d->args->next->kind != AV_WORD ||
		    strcmp(d->args->next->s, "on") != 0) {
			diag_error(m->diag, d->loc, "expected: %s", global ?
			    "global SERVICE on HOST; (names or [lists])" :
			    "zone ZONE on HOST; (names or [lists])");
			continue;
		}
		t->pl = arena_grow(m->arena, t->pl, t->npl, sizeof(*t->pl));
		p = &t->pl[t->npl];
		memset(p, 0, sizeof(*p));
		p->global = global;
		p->loc = d->loc;
		/* both lists are read, so that a bad zone name does not
		 * also make its hosts "never used" */
		bad = read_names(m, d->args, global ? K_SERVICE : K_ZONE,
		    &p->objs, &p->obj_locs, &p->nobjs) != 0;
		if (read_names(m, d->args->next->next, K_HOST, &hosts,
		    &p->host_locs, &p->nhosts) != 0 || bad)
			continue;
		p->hosts = (struct ir_host **)hosts;
		t->npl++;
	}
}

/* ---- lowering */

struct lower {
	struct model	*m;
	struct ir	*ir;
	struct ir_host	**host;		/* this IR's copy of each declared
					 * host, by index */
	struct lock	*lock;		/* NULL: none */
	struct ihash	*used;		/* net, addr / LEAF -> struct leaf * */
	struct ihash	*zplaced;	/* zone, host -> struct ir_zinst * */
	struct ihash	*splaced;	/* service, host -> struct ir_sinst * */
	struct vec	 hosts, zinsts, sinsts, edges;
};

#define APPEND(a, arr, n, x) do {					\
	if (((n) & ((n) - 1)) == 0) {					\
		void *na__ = arena_alloc((a), ((n) ? (n) * 2 : 1) *	\
		    sizeof(*(arr)));					\
		if (n)							\
			memcpy(na__, (arr), (n) * sizeof(*(arr)));	\
		(arr) = na__;						\
	}								\
	(arr)[(n)++] = (x);						\
} while (0)

/* The key of two indexes (or an index and an address) in an ihash. */
static uint64_t
pair(int i, uint32_t j)
{
	return (uint64_t)(uint32_t)i << 32 | j;
}

/*
 * The addresses used on a network, by blocks of LEAF consecutive ones:
 * a pool is handed out in order, so the next address to test is beside
 * the last one, in memory too, and the table of blocks stays small.
 */
#define LEAF	256
struct leaf {
	struct loc	*at[LEAF];	/* where each was taken, or NULL */
};

static struct loc **
used_at(struct lower *lw, const struct ir_network *n, uint32_t a, int make)
{
	uint64_t key = pair(n->index, a / LEAF);
	struct leaf *lf = ihash_get(lw->used, key);

	if (lf == NULL) {
		if (!make)
			return NULL;
		lf = arena_alloc(lw->m->arena, sizeof(*lf));
		ihash_put(lw->used, key, lf);
	}
	return &lf->at[a % LEAF];
}

static int
reserve(struct lower *lw, const struct ir_network *n, uint32_t a,
    struct loc l, const char *what)
{
	struct loc **at = used_at(lw, n, a, 1), *prev = *at, *lp;
	uint32_t bcast = n->net | ~prefix_mask(n->prefix);

	if (a == n->net || a == bcast) {
		diag_error(lw->m->diag, l, "%s %s is the %s address of network "
		    "\"%s\"", what, ipv4_str(lw->m->arena, a),
		    a == n->net ? "network" : "broadcast", n->name);
		return -1;
	}
	if (prev != NULL) {
		diag_error(lw->m->diag, l, "address %s on network \"%s\" is "
		    "used twice in target \"%s\"", ipv4_str(lw->m->arena, a),
		    n->name, lw->ir->target);
		if (prev->src != NULL)
			diag_note(lw->m->diag, *prev, "first used here");
		else
			diag_note(lw->m->diag, n->loc, "it is the gateway of "
			    "network \"%s\"", n->name);
		return -1;
	}
	lp = arena_alloc(lw->m->arena, sizeof(*lp));
	*lp = l;
	*at = lp;
	return 0;
}

static int
is_used(struct lower *lw, const struct ir_network *n, uint32_t a)
{
	struct loc **at = used_at(lw, n, a, 0);

	return at != NULL && *at != NULL;
}

static struct ir_sinst *
new_sinst(struct lower *lw, struct ir_service *s, struct ir_host *h,
    struct ir_zinst *zi, struct loc l)
{
	struct arena *a = lw->m->arena;
	struct ir_sinst *si = arena_alloc(a, sizeof(*si));
	uint64_t key = pair(s->index, h->index);
	struct ir_sinst *prev = ihash_get(lw->splaced, key);

	if (prev != NULL && (prev->zone == NULL) != (zi == NULL)) {
		diag_error(lw->m->diag, l, "service \"%s\" runs both in the "
		    "global zone and in zone \"%s\" of host \"%s\"", s->name,
		    zi != NULL ? zi->zone->name : prev->zone->zone->name,
		    h->name);
		diag_note(lw->m->diag, prev->loc, "also placed here");
	} else if (prev != NULL && zi == NULL) {
		diag_error(lw->m->diag, l, "service \"%s\" is placed in the "
		    "global zone of host \"%s\" twice", s->name, h->name);
		diag_note(lw->m->diag, prev->loc, "first placed here");
		return NULL;
	}
	if (prev == NULL)
		ihash_put(lw->splaced, key, si);
	si->service = s;
	si->host = h;
	si->zone = zi;
	si->loc = l;
	si->zone_name = zi != NULL ? zi->zone->name : "global";
	si->prefix = zi != NULL ? "/opt/local" : "/opt/tools";
	si->index = (int)lw->sinsts.n;
	APPEND(a, s->instances, s->ninstances, si);
	vec_push(a, &lw->sinsts, si);
	return si;
}

static void
place_host(struct lower *lw, struct ir_host *h)
{
	if (!h->placed) {
		h->placed = 1;
		vec_push(lw->m->arena, &lw->hosts, h);
	}
}

static void
place(struct lower *lw, struct placement *p)
{
	struct arena *a = lw->m->arena;
	size_t i, j, k;

	for (i = 0; i < p->nobjs; i++)
		for (j = 0; j < p->nhosts; j++) {
			struct ir_host *h = lw->host[p->hosts[j]->index];
			struct loc l = loc_span(p->obj_locs[i], p->obj_locs[i]);

			place_host(lw, h);
			if (p->global) {
				struct ir_service *sv = p->objs[i];
				struct ir_sinst *si = new_sinst(lw,
				    lw->ir->services[sv->index], h, NULL, l);

				if (si != NULL)
					APPEND(a, h->global, h->nglobal, si);
				continue;
			} else {
				struct ir_zone *z = lw->ir->zones[
				    ((struct ir_zone *)p->objs[i])->index];
				uint64_t key = pair(z->index, h->index);
				struct ir_zinst *zi, *prev;

				if ((prev = ihash_get(lw->zplaced, key)) != NULL) {
					diag_error(lw->m->diag, p->host_locs[j],
					    "zone \"%s\" is placed on host "
					    "\"%s\" twice", z->name, h->name);
					diag_note(lw->m->diag, prev->loc,
					    "first placed here");
					continue;
				}
				zi = arena_alloc(a, sizeof(*zi));
				ihash_put(lw->zplaced, key, zi);
				zi->zone = z;
				zi->host = h;
				zi->loc = l;
				zi->index = (int)lw->zinsts.n;
				APPEND(a, z->instances, z->ninstances, zi);
				APPEND(a, h->zones, h->nzones, zi);
				vec_push(a, &lw->zinsts, zi);
				for (k = 0; k < z->nservices; k++) {
					struct ir_sinst *si = new_sinst(lw,
					    z->services[k], h, zi, l);

					if (si != NULL)
						APPEND(a, zi->services,
						    zi->nservices, si);
				}
			}
		}
}

/* The lock's name for nic J of ZI: its network, NETWORK#N for the zone's
 * Nth nic on the same network. */
static const char *
lock_key(struct lower *lw, const struct ir_zinst *zi, size_t j)
{
	const struct ir_network *n = zi->nics[j].network;
	size_t k, nth = 1;

	for (k = 0; k < j; k++)
		nth += zi->nics[k].network == n;
	return nth == 1 ? n->name : arena_printf(lw->m->arena, "%s#%zu",
	    n->name, nth);
}

/*
 * Pool nics take the address the lock gives them, if it still fits: in
 * the network's pool, and used by nothing the description fixes.  Then
 * the addresses of lines no instance claims any more are set aside, so
 * that no other instance gets a released address in this run.
 */
/*
 * The lock's line for nic J of zone instance I is at[I][J] (at[I] NULL:
 * no line names the instance).  Each line is looked up once, by its zone
 * and host names and then the placement, so no key is printed per nic.
 */
static struct lock_entry ***
lock_lines_by_nic(struct lower *lw, struct lock_entry **les, size_t nles)
{
	struct model *m = lw->m;
	struct lock_entry ***at = arena_alloc(m->arena,
	    (lw->zinsts.n + 1) * sizeof(*at));
	const char *zname = NULL;
	struct decl *zd = NULL, *hd;
	size_t i, j;

	for (i = 0; i < nles; i++) {
		struct lock_entry *le = les[i];
		struct ir_zinst *zi;

		/* lines run in pool order: mostly one zone after another */
		if (zname == NULL || strcmp(zname, le->zone) != 0) {
			zname = le->zone;
			zd = hash_get(m->names[K_ZONE], zname);
		}
		if (zd == NULL ||
		    (hd = hash_get(m->names[K_HOST], le->host)) == NULL ||
		    (zi = ihash_get(lw->zplaced, pair(((struct ir_zone *)
		    zd->obj)->index, ((struct ir_host *)hd->obj)->index))) ==
		    NULL)
			continue;
		for (j = 0; j < zi->nnics; j++) {
			if (strcmp(zi->nics[j].key, le->net) != 0)
				continue;
			if (at[zi->index] == NULL)
				at[zi->index] = arena_alloc(m->arena,
				    zi->nnics * sizeof(**at));
			at[zi->index][j] = le;
			break;
		}
	}
	return at;
}

static void
claim_locked(struct lower *lw)
{
	struct model *m = lw->m;
	struct lock_entry **les, ***at;
	size_t i, j, nles;

	if (lw->lock == NULL)
		return;
	lock_begin(lw->lock, lw->ir->target);
	les = lock_entries(lw->lock, lw->ir->target, &nles);
	at = lock_lines_by_nic(lw, les, nles);
	for (i = 0; i < lw->zinsts.n; i++) {
		struct ir_zinst *zi = lw->zinsts.v[i];

		if (at[i] == NULL)
			continue;
		for (j = 0; j < zi->nnics; j++) {
			struct ir_nic *nic = &zi->nics[j];
			struct ir_network *n = nic->network;
			struct lock_entry *le = at[i][j];

			if (le == NULL || nic->fixed || n->pool_lo == 0)
				continue;
			le->claimed = 1;
			if (le->addr < n->pool_lo || le->addr > n->pool_hi) {
				diag_error(m->diag, le->addr_loc, "the lock gives "
				    "zone \"%s\" on host \"%s\" %s, outside the "
				    "pool of network \"%s\" (%s to %s); remove "
				    "the line to allocate a new address",
				    zi->zone->name, zi->host->name,
				    ipv4_str(m->arena, le->addr), n->name,
				    ipv4_str(m->arena, n->pool_lo),
				    ipv4_str(m->arena, n->pool_hi));
				diag_note(m->diag, n->loc, "network \"%s\" is "
				    "defined here", n->name);
				continue;
			}
			if (reserve(lw, n, le->addr, le->addr_loc,
			    "locked address") == 0)
				nic->addr = le->addr;
		}
	}
	for (i = 0; i < nles; i++) {
		const char *net = les[i]->net, *hash = strchr(net, '#');
		size_t len = hash ? (size_t)(hash - net) : strlen(net);

		if (les[i]->claimed)
			continue;
		for (j = 0; j < lw->ir->nnetworks; j++) {
			struct ir_network *n = lw->ir->networks[j];

			if (strlen(n->name) == len &&
			    strncmp(n->name, net, len) == 0 &&
			    les[i]->addr >= n->pool_lo &&
			    les[i]->addr <= n->pool_hi &&
			    !is_used(lw, n, les[i]->addr))
				reserve(lw, n, les[i]->addr, les[i]->loc,
				    "released address");
		}
	}
}

static void
allocate(struct lower *lw)
{
	struct model *m = lw->m;
	struct arena *a = m->arena;
	uint32_t *cursor;
	size_t i, j;

	cursor = arena_alloc(a, (m->decls[K_NETWORK].n + 1) * sizeof(*cursor));
	for (i = 0; i < m->decls[K_NETWORK].n; i++) {
		struct ir_network *n = ((struct decl *)
		    m->decls[K_NETWORK].v[i])->obj;

		cursor[i] = n->pool_lo;
		if (n->gateway != 0) {
			struct loc none = { NULL, 0, 0, 0 };

			reserve(lw, n, n->gateway, none, "gateway");
		}
	}
	for (i = 0; i < lw->hosts.n; i++) {
		struct ir_host *h = lw->hosts.v[i];

		if (h->naddrs == 0)
			continue;
		for (j = 0; j < h->naddrs; j++)
			reserve(lw, h->addrs[j].network, h->addrs[j].addr,
			    h->addrs[j].loc, "address");
	}
	/* zone instances get their own copy of the nics */
	for (i = 0; i < lw->zinsts.n; i++) {
		struct ir_zinst *zi = lw->zinsts.v[i];
		struct ir_zone *z = zi->zone;

		zi->nnics = z->nnics;
		zi->nics = arena_alloc(a, (z->nnics + 1) * sizeof(*zi->nics));
		memcpy(zi->nics, z->nics, z->nnics * sizeof(*zi->nics));
		for (j = 0; j < z->nnics; j++)
			zi->nics[j].key = lock_key(lw, zi, j);
		for (j = 0; j < z->nnics; j++) {
			if (!z->nics[j].fixed)
				continue;
			if (z->ninstances > 1) {
				if (zi == z->instances[0])
					diag_error(m->diag, z->nics[j].addr_loc,
					    "zone \"%s\" is placed on %zu hosts "
					    "and cannot have a fixed address; "
					    "leave it out to allocate from the "
					    "pool", z->name, z->ninstances);
				continue;
			}
			reserve(lw, z->nics[j].network, z->nics[j].addr,
			    z->nics[j].addr_loc, "address");
		}
	}
	claim_locked(lw);
	for (i = 0; i < lw->zinsts.n; i++) {
		struct ir_zinst *zi = lw->zinsts.v[i];

		for (j = 0; j < zi->nnics; j++) {
			struct ir_nic *nic = &zi->nics[j];
			struct ir_network *n = nic->network;
			uint32_t *c = &cursor[n->index];

			if (nic->fixed || nic->addr != 0)
				continue;
			if (n->pool_lo == 0) {
				diag_error(m->diag, nic->loc, "network \"%s\" "
				    "has no pool; give zone \"%s\" an address "
				    "or give the network a pool", n->name,
				    zi->zone->name);
				diag_note(m->diag, n->loc, "network \"%s\" is "
				    "defined here", n->name);
				continue;
			}
			while (*c != 0 && *c <= n->pool_hi && is_used(lw, n, *c))
				(*c)++;
			if (*c == 0 || *c > n->pool_hi) {
				diag_error(m->diag, zi->loc, "pool of network "
				    "\"%s\" (%s to %s) is exhausted placing "
				    "zone \"%s\" on host \"%s\"", n->name,
				    ipv4_str(a, n->pool_lo),
				    ipv4_str(a, n->pool_hi), zi->zone->name,
				    zi->host->name);
				*c = 0;
				continue;
			}
			nic->addr = *c;
			reserve(lw, n, *c, nic->loc, "address");
		}
	}
	if (lw->lock != NULL)
		for (i = 0; i < lw->zinsts.n; i++) {
			struct ir_zinst *zi = lw->zinsts.v[i];

			for (j = 0; j < zi->nnics; j++)
				if (!zi->nics[j].fixed && zi->nics[j].addr != 0)
					lock_record(lw->lock, lw->ir->target,
					    zi->zone->name, zi->host->name,
					    zi->nics[j].key, zi->nics[j].addr);
		}
}

uint32_t
ir_sinst_addr_on(const struct ir_sinst *si, const struct ir_network *n)
{
	size_t i;

	if (si->zone != NULL) {
		for (i = 0; i < si->zone->nnics; i++)
			if (si->zone->nics[i].network == n)
				return si->zone->nics[i].addr;
	} else {
		for (i = 0; i < si->host->naddrs; i++)
			if (si->host->addrs[i].network == n)
				return si->host->addrs[i].addr;
	}
	return 0;
}

static void
connect(struct lower *lw)
{
	struct model *m = lw->m;
	struct arena *a = m->arena;
	struct hash *reported = hash_new(a);
	size_t i, j, k, n;

	for (i = 0; i < lw->sinsts.n; i++) {
		struct ir_sinst *c = lw->sinsts.v[i];
		struct ir_service *s = c->service;

		for (j = 0; j < s->nuses; j++) {
			struct ir_use *u = &s->uses[j];

			if (u->service->ninstances == 0) {
				const char *key = arena_printf(a, "%s#%zu",
				    s->name, j);

				if (hash_put(reported, key, u))
					diag_error(m->diag, u->loc, "service "
					    "\"%s\" uses \"%s\", which target "
					    "\"%s\" does not place", s->name,
					    u->service->name, lw->ir->target);
				continue;
			}
			for (k = 0; k < u->service->ninstances; k++) {
				struct ir_sinst *sv = u->service->instances[k];
				struct ir_edge *e = arena_alloc(a, sizeof(*e));
				const struct ir_nic *nics = c->zone ?
				    c->zone->nics : c->host->addrs;

				n = c->zone ? c->zone->nnics : c->host->naddrs;
				e->use = u;
				e->client = c;
				e->server = sv;
				e->client_addr = c->addr;
				e->server_addr = sv->addr;
				for (; n > 0; n--, nics++) {
					uint32_t sa = ir_sinst_addr_on(sv,
					    nics->network);

					if (sa != 0) {
						e->client_addr = nics->addr;
						e->server_addr = sa;
						break;
					}
				}
				e->same_zone = c->host == sv->host &&
				    c->zone == sv->zone;
				APPEND(a, c->out, c->nout, e);
				vec_push(a, &lw->edges, e);
				if (u->cred != NULL && u->needed)
					APPEND(a, u->cred->consumers,
					    u->cred->nconsumers, e);
			}
		}
	}
}

#define GUEST_DISK_CAP	(1LL << 50)	/* MiB: far beyond any host */

/* The disks of a kvm or bhyve guest, which live outside the zone's
 * quota, in GiB rounded up (a disk without a size has its image's). */
static long long
guest_disks_gib(const struct ir_zone *z)
{
	long long mib = 0;
	size_t i;

	for (i = 0; i < z->ndisks; i++) {
		const struct ir_disk *dk = &z->disks[i];

		if (dk->size_mib != IR_UNSET)
			mib += dk->size_mib;
		else if (dk->image != NULL && dk->image->size_mib != IR_UNSET)
			mib += dk->image->size_mib;
		if (mib > GUEST_DISK_CAP)	/* no overflow in the sums */
			mib = GUEST_DISK_CAP;
	}
	return (mib + 1023) / 1024;
}

static void
check_capacity(struct lower *lw, struct placement *pl, size_t npl)
{
	struct model *m = lw->m;
	size_t i, j;

	(void)pl;
	(void)npl;
	for (i = 0; i < lw->hosts.n; i++) {
		struct ir_host *h = lw->hosts.v[i];
		long long mem = 0, disk = 0;
		int mem_done = 0, disk_done = 0;

		for (j = 0; j < h->nzones; j++) {
			struct ir_zinst *zi = h->zones[j];

			mem += zi->zone->memory_mib;
			disk += zi->zone->quota_gib + guest_disks_gib(zi->zone);
			if (mem > h->memory_mib && !mem_done) {
				diag_error(m->diag, zi->loc, "zones placed on "
				    "host \"%s\" need %lld MiB of memory, more "
				    "than its %lld MiB", h->name,
				    mem, h->memory_mib);
				diag_note(m->diag, h->loc, "host \"%s\" is "
				    "defined here", h->name);
				mem_done = 1;
			}
			if (disk > h->disk_gib && !disk_done) {
				diag_error(m->diag, zi->loc, "zones placed on "
				    "host \"%s\" need %lld GiB of disk (quotas "
				    "and guest disks), more than its %lld GiB",
				    h->name, disk, h->disk_gib);
				diag_note(m->diag, h->loc, "host \"%s\" is "
				    "defined here", h->name);
				disk_done = 1;
			}
		}
	}
}

uint32_t
ir_sinst_public_addr(const struct ir_sinst *si, uint32_t addr)
{
	const struct ir_nic *nics = si->zone ? si->zone->nics : si->host->addrs;
	size_t n = si->zone ? si->zone->nnics : si->host->naddrs, i;

	for (i = 0; i < n; i++)
		if (nics[i].network->public)
			return nics[i].addr;
	return addr;
}

const char *const ir_iface_name[IFACE__COUNT] = {
	[IFACE_INTERNAL] = "internal", [IFACE_ADMIN] = "admin",
	[IFACE_PUBLIC] = "public",
};

const char *
ir_api_url(const struct ir *ir, const struct ir_sinst *si, enum ir_iface k)
{
	return arena_printf(ir->arena, "http://%s:%d%s", ir_addr(ir,
	    k == IFACE_PUBLIC ? ir_sinst_public_addr(si, si->addr) : si->addr),
	    ir_port(si->service, 0), role_table[si->service->role].catalog_path);
}

int
ir_port(const struct ir_service *s, size_t i)
{
	if (i < s->nports)
		return s->ports[i];
	return i < ROLE_MAX_PORTS ? role_table[s->role].ports[i] : 0;
}

/* A role template (roles.c) for instance SI. */
const char *
ir_expand(struct arena *a, const char *tmpl, const struct ir_sinst *si)
{
	const char *s;
	char *out = arena_strdup(a, "");

	for (s = tmpl; *s; ) {
		if (strncmp(s, "@PREFIX@", 8) == 0) {
			out = arena_printf(a, "%s%s", out, si->prefix);
			s += 8;
		} else if (strncmp(s, "@CONFDIR@", 9) == 0) {
			out = arena_printf(a, "%s%s", out, si->config_dir ?
			    si->config_dir : "");
			s += 9;
		} else if (strncmp(s, "@CONFFILES@", 11) == 0) {
			out = arena_printf(a, "%s%s;%s", out, oslo_fragment[0],
			    oslo_fragment[1]);
			s += 11;
		} else if (strncmp(s, "@SECRETENV@", 11) == 0) {
			out = arena_printf(a, "%s%s/%s", out, si->config_dir ?
			    si->config_dir : "", oslo_secret_env);
			s += 11;
		} else if (strncmp(s, "@EXTRAFILE@", 11) == 0) {
			out = arena_printf(a, "%s%s", out, si->extra_file ?
			    si->extra_file : "");
			s += 11;
		} else if (strncmp(s, "@PORT", 5) == 0 && s[5] >= '0' &&
		    s[5] < '0' + ROLE_MAX_PORTS && s[6] == '@') {
			out = arena_printf(a, "%s%d", out,
			    ir_port(si->service, (size_t)(s[5] - '0')));
			s += 7;
		} else {
			size_t n = strcspn(s + 1, "@") + 1;

			out = arena_printf(a, "%s%.*s", out, (int)n, s);
			s += n;
		}
	}
	return out;
}

static void
finish_instances(struct lower *lw)
{
	struct arena *a = lw->m->arena;
	size_t i;

	for (i = 0; i < lw->zinsts.n; i++) {
		struct ir_zinst *zi = lw->zinsts.v[i];

		zi->hostname = zi->zone->ninstances > 1 ?
		    arena_printf(a, "%s-%s", zi->zone->name, zi->host->name) :
		    zi->zone->name;
		if (strlen(zi->hostname) > 63)
			diag_error(lw->m->diag, zi->loc, "replica host name "
			    "\"%s\" is longer than 63 characters; shorten the "
			    "zone or host name", zi->hostname);
	}
	for (i = 0; i < lw->sinsts.n; i++) {
		struct ir_sinst *si = lw->sinsts.v[i];
		const struct role_info *r = &role_table[si->service->role];
		const char *exec;
		size_t j;

		if (si->zone != NULL) {
			si->nodename = si->zone->hostname;
			for (j = 0; j < si->zone->nnics; j++)
				if (si->zone->nics[j].primary)
					si->addr = si->zone->nics[j].addr;
		} else {
			si->nodename = si->host->name;
			si->addr = si->host->naddrs ? si->host->addrs[0].addr : 0;
		}
		if (r->conf == CONF_OSLO) {
			const struct project_info *p = &project_table[r->project];

			si->config_dir = ir_expand(a, p->confdir, si);
			if (p->extra_dest != NULL)
				si->extra_file = ir_expand(a, p->extra_dest, si);
		}
		if (si->service->start != NULL)
			si->start = si->service->start;
		else if ((exec = role_exec(si->service->role,
		    lw->ir->release)) != NULL)
			si->start = ir_expand(a, exec, si);
		/* a custom service learns where what it uses is, and its
		 * credentials, from a file its start method loads */
		if (si->service->role == ROLE_NONE && si->start != NULL &&
		    si->service->nuses > 0) {
			si->env_file = arena_printf(a, "%s/env/%s.env",
			    ZTOPO_ZONE_DIR, si->service->name);
			si->start = arena_printf(a, ". %s && %s", si->env_file,
			    si->start);
		}
	}
}

static void
warn_unplaced(struct lower *lw)
{
	struct model *m = lw->m;
	size_t i;

	for (i = 0; i < lw->ir->nzones; i++) {
		struct ir_zone *z = lw->ir->zones[i];

		if (z->ninstances == 0)
			diag_warning(m->diag, W_UNPLACED,
			    z->loc, "zone \"%s\" is not "
			    "placed by target \"%s\"", z->name, lw->ir->target);
	}
}

#define SHARE(ir, field, count, k) do {				\
	size_t i__;							\
	(ir)->count = m->decls[k].n;					\
	(ir)->field = arena_alloc(m->arena, ((ir)->count + 1) *		\
	    sizeof(*(ir)->field));					\
	for (i__ = 0; i__ < (ir)->count; i__++)				\
		(ir)->field[i__] = ((struct decl *)m->decls[k].v[i__])->obj; \
} while (0)

/* This IR's own copy of every declaration of kind K, by index: what a
 * lowering attaches (instances, consumers) stays in one IR. */
#define OWN(ir, field, count, k) do {					\
	size_t j__;							\
	SHARE(ir, field, count, k);					\
	for (j__ = 0; j__ < (ir)->count; j__++) {			\
		void *c__ = arena_alloc(m->arena, sizeof(*(ir)->field[0])); \
		memcpy(c__, (ir)->field[j__], sizeof(*(ir)->field[0]));	\
		(ir)->field[j__] = c__;					\
	}								\
} while (0)

/*
 * A fresh IR of the declarations, in declaration order; lower() adds the
 * placement of TARGET ("" for a description without targets).
 * Networks, images and secrets never change after resolution and are
 * shared by every IR of the description; services, zones, hosts and
 * credentials are copied, with their references rebound to the copies,
 * so that IRs of several targets can be alive at once.
 */
static struct ir *
ir_declared(struct model *m, const char *target, struct ir_host ***hostp)
{
	struct ir *ir = arena_alloc(m->arena, sizeof(*ir));
	struct ir_host **hosts;
	size_t i, j, nhosts;

	ir->arena = m->arena;
	ir->target = target;
	ir->release = m->release;
	ir->targets = arena_alloc(m->arena, sizeof(char *));
	SHARE(ir, networks, nnetworks, K_NETWORK);
	SHARE(ir, images, nimages, K_IMAGE);
	SHARE(ir, secrets, nsecrets, K_SECRET);
	OWN(ir, credentials, ncredentials, K_CREDENTIAL);
	OWN(ir, services, nservices, K_SERVICE);
	OWN(ir, zones, nzones, K_ZONE);
	for (i = 0; i < ir->nservices; i++) {
		struct ir_service *s = ir->services[i];
		struct ir_use *u = arena_alloc(m->arena,
		    (s->nuses + 1) * sizeof(*u));

		if (s->nuses > 0)
			memcpy(u, s->uses, s->nuses * sizeof(*u));
		for (j = 0; j < s->nuses; j++) {
			u[j].service = ir->services[u[j].service->index];
			if (u[j].cred != NULL)
				u[j].cred = ir->credentials[u[j].cred->index];
		}
		s->uses = u;
	}
	for (i = 0; i < ir->nzones; i++) {
		struct ir_zone *z = ir->zones[i];
		struct ir_service **sv = arena_alloc(m->arena,
		    (z->nservices + 1) * sizeof(*sv));

		for (j = 0; j < z->nservices; j++)
			sv[j] = ir->services[z->services[j]->index];
		z->services = sv;
	}
	nhosts = m->decls[K_HOST].n;
	hosts = arena_alloc(m->arena, (nhosts + 1) * sizeof(*hosts));
	for (i = 0; i < nhosts; i++) {
		hosts[i] = arena_alloc(m->arena, sizeof(*hosts[i]));
		memcpy(hosts[i], ((struct decl *)m->decls[K_HOST].v[i])->obj,
		    sizeof(*hosts[i]));
	}
	if (hostp != NULL)
		*hostp = hosts;
	return ir;
}

static struct ir *
lower(struct model *m, struct target *t, struct target *all, size_t nall,
    struct lock *lock)
{
	struct lower lw;
	struct ir *ir;
	size_t i;
	int mark = diag_mark(m->diag);

	memset(&lw, 0, sizeof(lw));
	lw.m = m;
	lw.lock = lock;
	lw.used = ihash_new(m->arena);
	lw.zplaced = ihash_new(m->arena);
	lw.splaced = ihash_new(m->arena);
	ir = lw.ir = ir_declared(m, t->decl->name, &lw.host);
	ir->ntargets = nall;
	ir->targets = arena_alloc(m->arena, (nall + 1) * sizeof(char *));
	for (i = 0; i < nall; i++)
		ir->targets[i] = all[i].decl->name;
	for (i = 0; i < t->npl; i++)
		place(&lw, &t->pl[i]);
	/* hosts in declaration order */
	{
		struct vec hosts = { NULL, 0, 0 };

		for (i = 0; i < m->decls[K_HOST].n; i++) {
			struct ir_host *h = lw.host[i];

			if (h->placed)
				vec_push(m->arena, &hosts, h);
		}
		lw.hosts = hosts;
	}
	allocate(&lw);
	finish_instances(&lw);
	connect(&lw);
	check_capacity(&lw, t->pl, t->npl);
	warn_unplaced(&lw);
	ir->hosts = (struct ir_host **)lw.hosts.v;
	ir->nhosts = lw.hosts.n;
	ir->zinsts = (struct ir_zinst **)lw.zinsts.v;
	ir->nzinsts = lw.zinsts.n;
	ir->sinsts = (struct ir_sinst **)lw.sinsts.v;
	ir->nsinsts = lw.sinsts.n;
	for (i = 0; i < ir->nsinsts; i++) {
		enum ir_role r = ir->sinsts[i]->service->role;

		APPEND(m->arena, ir->role_sinsts[r], ir->nrole_sinsts[r],
		    ir->sinsts[i]);
	}
	ir->edges = (struct ir_edge **)lw.edges.v;
	ir->nedges = lw.edges.n;
	return diag_since(m->diag, mark) ? NULL : ir;
}

const char *
ir_addr(const struct ir *ir, uint32_t a)
{
	return ipv4_str(ir->arena, a);
}


/*
 * Resolve the description and lower TARGET (NULL: the only target; "*":
 * every target in turn, for `check`).  Returns the IR of the (last)
 * target, or NULL after errors in any of them.
 */
struct ir *
ir_build(struct arena *a, struct diag *diag, struct ast_dir *top,
    const char *target)
{
	return ir_build_each(a, diag, top, target, NULL, NULL, NULL);
}

/* The same, calling EACH on every target's IR as soon as it is lowered
 * (before the next target reuses the declarations). */
struct ir *
ir_build_each(struct arena *a, struct diag *diag, struct ast_dir *top,
    const char *target, struct lock *lock, ir_each_fn *each, void *arg)
{
	struct model m;
	struct target *ts;
	struct ir *ir = NULL;
	size_t i, nt;
	int found = 0;

	resolve(&m, a, diag, top);
	check(&m);
	nt = m.decls[K_TARGET].n;
	ts = arena_alloc(a, (nt + 1) * sizeof(*ts));
	for (i = 0; i < nt; i++) {
		ts[i].decl = m.decls[K_TARGET].v[i];
		read_target(&m, &ts[i]);
	}
	check_unused(&m);
	if (lock != NULL) {
		const char **names = arena_alloc(a, (nt + 1) * sizeof(*names));

		for (i = 0; i < nt; i++)
			names[i] = ts[i].decl->name;
		lock_declared(lock, names, nt);
	}
	if (nt == 0 && target != NULL && strcmp(target, "*") == 0) {
		if (diag_failed(diag))
			return NULL;
		ir = ir_declared(&m, "", NULL);	/* a library */
		if (each != NULL)
			each(ir, arg);
		return diag_failed(diag) ? NULL : ir;
	}
	if (nt == 0) {
		diag_error(diag, (struct loc){ NULL, 0, 0, 0 },
		    "the description declares no target");
		return NULL;
	}
	if (target == NULL && nt > 1) {
		char *list = arena_strdup(a, "");

		for (i = 0; i < nt; i++)
			list = arena_printf(a, "%s%s%s", list, i ? ", " : "",
			    ts[i].decl->name);
		diag_error(diag, (struct loc){ NULL, 0, 0, 0 }, "the "
		    "description has %zu targets; choose one with -t (%s)",
		    nt, list);
		diag->cmdline = 1;
		return NULL;
	}
	if (diag_failed(diag))
		return NULL;
	for (i = 0; i < nt; i++) {
		if (target != NULL && strcmp(target, "*") != 0 &&
		    strcmp(target, ts[i].decl->name) != 0)
			continue;
		found = 1;
		ir = lower(&m, &ts[i], ts, nt, lock);
		if (ir != NULL && each != NULL)
			each(ir, arg);
	}
	if (!found) {
		const char **names = arena_alloc(a, (nt + 1) * sizeof(*names));
		const char *s, *list = "";

		for (i = 0; i < nt; i++) {
			names[i] = ts[i].decl->name;
			list = arena_printf(a, "%s%s%s", list, i ? ", " : "",
			    names[i]);
		}
		s = suggest(target, names, nt);
		diag_error(diag, (struct loc){ NULL, 0, 0, 0 },
		    "unknown target \"%s\"%s%s%s (the targets: %s)", target,
		    s ? "; did you mean \"" : "", s ? s : "",
		    s ? "\"?" : "", list);
		diag->cmdline = 1;
	}
	return diag_failed(diag) ? NULL : ir;
}
