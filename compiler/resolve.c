/*
 * resolve.c -- from the syntax tree to bound, checked declarations.
 *
 * Pass 1 enters the name of every top-level declaration into the table of
 * its kind (duplicates are errors, with a note at the first definition) and
 * creates its IR object, so references may come before definitions.
 * Pass 2 reads each declaration's block against the property table of its
 * kind: unknown properties, wrong value types, properties set twice and
 * missing required ones are all located errors.  References become
 * pointers; a name of the wrong kind is reported as such.
 *
 * Guarantees on return with no errors: every IR object of every
 * declaration is complete and bound; the service "uses" graph is acyclic;
 * credentials match the role of the service they are used with; every role
 * exists in the description's release.  Target-specific work (placement,
 * addresses) is ir.c's.
 */
#include <ctype.h>
#include <string.h>

#include "model.h"

struct prop {
	const char	*name;
	int		 id;
	int		 min, max;	/* number of values */
	unsigned	 flags;
};
#define P_REPEAT	0x1		/* may be given more than once */
#define P_BLOCK		0x2		/* takes a block */
#define P_OPTBLOCK	0x4		/* may take a block */
#define P_REQUIRED	0x8
#define NPROPS(t)	(sizeof(t) / sizeof((t)[0]))

/* One block being read against a property table. */
struct block {
	const struct prop	*props;
	size_t			 nprops;
	struct ast_dir		*seen[64];
	const char		*what;		/* zone "db" */
	struct loc		 loc;
};

static const char *const kind_names[K__COUNT] = {
	"network", "image", "secret", "credential", "service", "zone",
	"host", "target"
};

const char *
kind_name(enum kind k)
{
	return kind_names[k];
}

void
mark_used(struct decl *d)
{
	if (d != NULL)
		d->used = 1;
}

/* ---- reading values */

static struct ast_value **
items_of(struct model *m, struct ast_value *v, size_t *n)
{
	struct ast_value **one;

	if (v->kind == AV_LIST) {
		*n = v->nitems;
		return v->items;
	}
	one = arena_alloc(m->arena, sizeof(*one));
	one[0] = v;
	*n = 1;
	return one;
}

static struct ast_value *
arg(struct ast_dir *d, size_t i)
{
	struct ast_value *v = d->args;

	while (v != NULL && i-- > 0)
		v = v->next;
	return v;
}

static int
type_error(struct model *m, struct ast_value *v, const char *what,
    const char *want)
{
	diag_error(m->diag, v->loc, "%s takes %s, not %s %s", what, want,
	    v->kind == AV_INT || v->kind == AV_ADDR ? "an" : "a",
	    ast_vkind_name(v->kind));
	return -1;
}

/* A name: a word (or a quoted string) that is a valid name. */
const char *
value_name(struct model *m, struct ast_value *v, const char *what)
{
	if (v->kind != AV_WORD && v->kind != AV_STRING) {
		type_error(m, v, what, "a name");
		return NULL;
	}
	if (!valid_name(v->s)) {
		diag_error(m->diag, v->loc, "invalid name \"%s\": names start "
		    "with a letter and contain only letters, digits, '-' and "
		    "'_'", v->s);
		return NULL;
	}
	return v->s;
}

static const char *
get_str(struct model *m, struct ast_value *v, const char *what)
{
	if (v->kind != AV_WORD && v->kind != AV_STRING) {
		type_error(m, v, what, "a string");
		return NULL;
	}
	return v->s;
}

static int
get_int(struct model *m, struct ast_value *v, const char *what,
    long long lo, long long hi, long long *out)
{
	if (v->kind != AV_INT) {
		type_error(m, v, what, "an integer");
		return -1;
	}
	if (v->i < lo || v->i > hi) {
		diag_error(m->diag, v->loc, "%s must be between %lld and %lld, "
		    "not %lld", what, lo, hi, v->i);
		return -1;
	}
	*out = v->i;
	return 0;
}

/* A size, converted to UNIT bytes (1 << 20 for MiB); must divide evenly. */
static int
get_size(struct model *m, struct ast_value *v, const char *what,
    long long unit, const char *uname, long long *out)
{
	if (v->kind == AV_INT) {
		diag_error(m->diag, v->loc, "%s needs a unit, as in %lld%s",
		    what, v->i, unit == (1LL << 30) ? "G" : "M");
		return -1;
	}
	if (v->kind != AV_SIZE)
		return type_error(m, v, what, "a size (512M, 4G, 1T)");
	if (v->i <= 0) {
		diag_error(m->diag, v->loc, "%s must be positive", what);
		return -1;
	}
	if (v->i % unit != 0) {
		diag_error(m->diag, v->loc, "%s must be a whole number of %s",
		    what, uname);
		return -1;
	}
	*out = v->i / unit;
	return 0;
}

static int
get_bool(struct model *m, struct ast_value *v, const char *what, int *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	if (v->kind == AV_WORD)
		for (i = 0; i < 3; i++) {
			if (strcmp(v->s, yes[i]) == 0)
				return *out = 1, 0;
			if (strcmp(v->s, no[i]) == 0)
				return *out = 0, 0;
		}
	diag_error(m->diag, v->loc, "%s takes true or false", what);
	return -1;
}

static int
get_addr(struct model *m, struct ast_value *v, const char *what, uint32_t *out)
{
	if (v->kind != AV_ADDR || strchr(v->s, '/') != NULL)
		return type_error(m, v, what, "an IPv4 address");
	if (ipv4_parse(v->s, out) != 0) {
		diag_error(m->diag, v->loc, "invalid IPv4 address \"%s\"", v->s);
		return -1;
	}
	return 0;
}

/* A keyword among CHOICES; returns its index. */
static int
get_choice(struct model *m, struct ast_value *v, const char *what,
    const char *const *choices, size_t n)
{
	const char *s;
	size_t i;

	if (v->kind != AV_WORD && v->kind != AV_STRING) {
		type_error(m, v, what, "a keyword");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (choices[i] != NULL && strcmp(v->s, choices[i]) == 0)
			return (int)i;
	if ((s = suggest(v->s, choices, n)) != NULL)
		diag_error(m->diag, v->loc, "unknown %s \"%s\"; did you mean "
		    "\"%s\"?", what, v->s, s);
	else {
		char list[512] = "";

		for (i = 0; i < n; i++)
			if (choices[i] != NULL && strlen(list) + strlen(
			    choices[i]) + 3 < sizeof(list)) {
				if (list[0])
					strcat(list, ", ");
				strcat(list, choices[i]);
			}
		diag_error(m->diag, v->loc, "unknown %s \"%s\" (expected one "
		    "of: %s)", what, v->s, list);
	}
	return -1;
}

/* ---- names and references */

static const char *
article(const char *word)
{
	return strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

struct decl *
model_lookup(struct model *m, enum kind k, struct ast_value *v)
{
	struct decl *d;
	const char *name, *s;
	int other;

	if ((name = value_name(m, v, kind_names[k])) == NULL)
		return NULL;
	if ((d = hash_get(m->names[k], name)) != NULL) {
		d->used = 1;
		return d;
	}
	for (other = 0; other < K__COUNT; other++) {
		if (other == (int)k ||
		    (d = hash_get(m->names[other], name)) == NULL)
			continue;
		diag_error(m->diag, v->loc, "\"%s\" is %s %s, not %s %s", name,
		    article(kind_names[other]), kind_names[other],
		    article(kind_names[k]), kind_names[k]);
		diag_note(m->diag, d->loc, "%s \"%s\" is defined here",
		    kind_names[other], name);
		return NULL;
	}
	{
		struct vec *all = &m->decls[k];
		const char **names = arena_alloc(m->arena,
		    (all->n + 1) * sizeof(*names));
		size_t i;

		for (i = 0; i < all->n; i++)
			names[i] = ((struct decl *)all->v[i])->name;
		s = suggest(name, names, all->n);
	}
	if (s != NULL)
		diag_error(m->diag, v->loc, "unknown %s \"%s\"; did you mean "
		    "\"%s\"?", kind_names[k], name, s);
	else
		diag_error(m->diag, v->loc, "unknown %s \"%s\"", kind_names[k],
		    name);
	return NULL;
}

static void *
lookup_obj(struct model *m, enum kind k, struct ast_value *v)
{
	struct decl *d = model_lookup(m, k, v);

	return d != NULL ? d->obj : NULL;
}

/* ---- reading a block against a property table */

static void
block_init(struct block *b, const struct prop *props, size_t n,
    const char *what, struct loc loc)
{
	memset(b, 0, sizeof(*b));
	b->props = props;
	b->nprops = n;
	b->what = what;
	b->loc = loc;
}

/*
 * The property D names, after checking its shape; -1 if it is unknown or
 * malformed (reported).  When a directive has too many values and the
 * extra ones start on a later line, a forgotten ';' is the likely cause.
 */
static int
block_prop(struct model *m, struct block *b, struct ast_dir *d)
{
	const struct prop *p = NULL;
	size_t i;

	for (i = 0; i < b->nprops; i++)
		if (strcmp(b->props[i].name, d->name) == 0) {
			p = &b->props[i];
			break;
		}
	if (p == NULL) {
		const char **names = arena_alloc(m->arena,
		    (b->nprops + 1) * sizeof(*names));
		const char *s;

		for (i = 0; i < b->nprops; i++)
			names[i] = b->props[i].name;
		if (strcmp(d->name, "include") == 0)
			diag_error(m->diag, d->loc, "include is only allowed "
			    "at top level");
		else if ((s = suggest(d->name, names, b->nprops)) != NULL)
			diag_error(m->diag, d->loc, "unknown property \"%s\" "
			    "in %s; did you mean \"%s\"?", d->name, b->what, s);
		else
			diag_error(m->diag, d->loc, "unknown property \"%s\" "
			    "in %s", d->name, b->what);
		return -1;
	}
	if (!(p->flags & P_REPEAT) && i < 64) {
		if (b->seen[i] != NULL) {
			diag_error(m->diag, d->loc, "%s set twice in %s",
			    d->name, b->what);
			diag_note(m->diag, b->seen[i]->loc, "first set here");
			return -1;
		}
	}
	if (i < 64 && b->seen[i] == NULL)
		b->seen[i] = d;
	if ((p->flags & P_BLOCK) && !d->has_block) {
		diag_error(m->diag, d->loc, "%s takes a block: %s { ... }",
		    d->name, d->name);
		return -1;
	}
	if (!(p->flags & (P_BLOCK | P_OPTBLOCK)) && d->has_block) {
		diag_error(m->diag, d->loc, "%s does not take a block",
		    d->name);
		return -1;
	}
	if ((int)d->nargs > p->max) {
		struct ast_value *last = d->args, *v, *extra = arg(d, (size_t)
		    p->max);

		for (v = d->args; v != NULL && v != extra; v = v->next)
			last = v;
		if (extra != NULL && extra->loc.line > d->loc.line &&
		    (p->max == 0 || last->loc.line == d->loc.line)) {
			struct loc l = p->max ? last->loc : d->loc;

			l.col += l.len;
			l.len = 1;
			diag_error(m->diag, l, "expected ';' after %s", d->name);
		} else if (p->max == 0)
			diag_error(m->diag, extra->loc, "%s takes no value",
			    d->name);
		else
			diag_error(m->diag, extra->loc, "too many values for "
			    "%s (at most %d)", d->name, p->max);
		return -1;
	}
	if ((int)d->nargs < p->min) {
		struct loc l = d->loc;

		if (d->args != NULL)
			l = loc_span(d->args->loc, arg(d, d->nargs - 1)->loc);
		diag_error(m->diag, l, "%s takes %s%d value%s", d->name,
		    p->min == p->max ? "" : "at least ", p->min,
		    p->min == 1 ? "" : "s");
		return -1;
	}
	return p->id;
}

static void
block_finish(struct model *m, struct block *b)
{
	size_t i;

	for (i = 0; i < b->nprops && i < 64; i++)
		if ((b->props[i].flags & P_REQUIRED) && b->seen[i] == NULL)
			diag_error(m->diag, b->loc, "%s has no %s", b->what,
			    b->props[i].name);
}

/* Properties set in a block, for located errors from backends. */
static void
record_prop(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	if (z->nprops % 16 == 0) {
		const char **n = arena_alloc(m->arena,
		    (z->nprops + 16) * sizeof(*n));
		struct loc *l = arena_alloc(m->arena,
		    (z->nprops + 16) * sizeof(*l));

		if (z->nprops) {
			memcpy(n, z->prop_names, z->nprops * sizeof(*n));
			memcpy(l, z->prop_locs, z->nprops * sizeof(*l));
		}
		z->prop_names = n;
		z->prop_locs = l;
	}
	z->prop_names[z->nprops] = d->name;
	z->prop_locs[z->nprops++] = d->loc;
}

struct loc
ir_zone_loc(const struct ir_zone *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->nprops; i++)
		if (strcmp(z->prop_names[i], name) == 0)
			return z->prop_locs[i];
	return z->loc;
}

int
ir_zone_sets(const struct ir_zone *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->nprops; i++)
		if (strcmp(z->prop_names[i], name) == 0)
			return 1;
	return 0;
}

/* Append to an arena array of structs; grows by doubling. */
static void *
grow(struct model *m, void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0) {
		void *na = arena_alloc(m->arena, (n ? n * 2 : 1) * size);

		if (n)
			memcpy(na, arr, n * size);
		return na;
	}
	return arr;
}
#define PUSH(m, arr, n) \
	((arr) = grow((m), (arr), (n), sizeof(*(arr))), &(arr)[(n)++])

/* ---- secrets used as values */

static void
secret_use(struct model *m, struct ir_secret *s, struct loc l)
{
	*PUSH(m, s->uses, s->nuses) = l;
}

/*
 * A value for metadata or config: a string, integer, true/false, or
 * `secret NAME`.
 */
static int
get_value(struct model *m, struct ast_dir *d, struct ir_value *out,
    int secrets_ok)
{
	struct ast_value *v = d->args;

	memset(out, 0, sizeof(*out));
	if (d->nargs == 2 && v->kind == AV_WORD && strcmp(v->s, "secret") == 0) {
		if (!secrets_ok) {
			diag_error(m->diag, v->loc, "a secret cannot be used "
			    "here: %s would be written in clear", d->name);
			return -1;
		}
		out->kind = IRV_SECRET;
		out->loc = loc_span(v->loc, v->next->loc);
		if ((out->secret = lookup_obj(m, K_SECRET, v->next)) == NULL)
			return -1;
		secret_use(m, out->secret, out->loc);
		return 0;
	}
	if (d->nargs != 1) {
		diag_error(m->diag, d->loc, "%s takes one value (a string, "
		    "number, true/false%s)", d->name,
		    secrets_ok ? " or secret NAME" : "");
		return -1;
	}
	out->loc = v->loc;
	switch (v->kind) {
	case AV_STRING:
	case AV_ADDR:
		out->kind = IRV_STRING;
		out->s = v->s;
		return 0;
	case AV_INT:
		out->kind = IRV_INT;
		out->i = v->i;
		return 0;
	case AV_WORD:
		if (strcmp(v->s, "true") == 0 || strcmp(v->s, "false") == 0) {
			out->kind = IRV_BOOL;
			out->i = v->s[0] == 't';
		} else {
			out->kind = IRV_STRING;
			out->s = v->s;
		}
		return 0;
	case AV_SIZE:
		out->kind = IRV_STRING;
		out->s = v->s;
		return 0;
	case AV_LIST:
		break;
	}
	type_error(m, v, d->name, "a single value");
	return -1;
}

/* key value; lines of a metadata-like block. */
static struct ir_kv *
get_kvs(struct model *m, struct ast_dir *blk, size_t *n, int secrets_ok,
    const char *what)
{
	struct ir_kv *kv = NULL;
	struct ast_dir *c, *prev;
	struct hash *seen = hash_new(m->arena);
	size_t k = 0;

	for (c = blk->children; c != NULL; c = c->next) {
		struct ir_kv *e;

		if ((prev = hash_get(seen, c->name)) == NULL)
			hash_put(seen, c->name, c);
		else {
			diag_error(m->diag, c->loc, "%s key \"%s\" set twice",
			    what, c->name);
			diag_note(m->diag, prev->loc, "first set here");
			continue;
		}
		if (c->has_block) {
			diag_error(m->diag, c->loc, "%s values cannot be "
			    "blocks", what);
			continue;
		}
		e = PUSH(m, kv, k);
		e->key = c->name;
		e->loc = c->loc;
		if (get_value(m, c, &e->val, secrets_ok) != 0)
			k--;
	}
	*n = k;
	return kv;
}

/* ---- top level: openstack */

static void
read_openstack(struct model *m, struct ast_dir *d)
{
	static const char *const rels[] = { "folsom", "zed" };
	struct ast_value *k = d->args;
	int r;

	if (d->has_block || d->nargs != 2 || k->kind != AV_WORD ||
	    strcmp(k->s, "release") != 0) {
		diag_error(m->diag, d->loc, "expected: openstack release "
		    "RELEASE; (folsom or zed)");
		return;
	}
	if ((r = get_choice(m, k->next, "openstack release", rels, 2)) < 0)
		return;
	if (m->release_set) {
		diag_error(m->diag, d->loc, "openstack release set twice");
		diag_note(m->diag, m->release_loc, "first set here");
		return;
	}
	m->release = (enum ir_release)r;
	m->release_set = 1;
	m->release_loc = d->loc;
}

/* ---- network */

enum { NW_TAG, NW_SUBNET, NW_GATEWAY, NW_RESOLVERS, NW_VLAN, NW_MTU, NW_POOL };
static const struct prop network_props[] = {
	{ "nic_tag", NW_TAG, 1, 1, P_REQUIRED },
	{ "subnet", NW_SUBNET, 1, 1, P_REQUIRED },
	{ "gateway", NW_GATEWAY, 1, 1, 0 },
	{ "resolvers", NW_RESOLVERS, 1, 16, 0 },
	{ "vlan", NW_VLAN, 1, 1, 0 },
	{ "mtu", NW_MTU, 1, 1, 0 },
	{ "pool", NW_POOL, 2, 2, 0 },
};

static uint32_t *
get_addrs(struct model *m, struct ast_dir *d, size_t *n, const char *what)
{
	uint32_t *out = NULL;
	struct ast_value *v;
	size_t k = 0;

	for (v = d->args; v != NULL; v = v->next) {
		struct ast_value **it;
		size_t i, ni;

		it = items_of(m, v, &ni);
		for (i = 0; i < ni; i++) {
			uint32_t a;

			if (get_addr(m, it[i], what, &a) == 0)
				*PUSH(m, out, k) = a;
		}
	}
	*n = k;
	return out;
}

static int
in_net(const struct ir_network *n, uint32_t a)
{
	return (a & prefix_mask(n->prefix)) == n->net;
}

static void
read_network(struct model *m, struct decl *dc)
{
	struct ir_network *n = dc->obj;
	struct ast_dir *d, *gw = NULL, *pool = NULL;
	struct block b;
	int subnet_ok = 0;

	block_init(&b, network_props, NPROPS(network_props),
	    arena_printf(m->arena, "network \"%s\"", n->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		uint32_t a;

		switch (block_prop(m, &b, d)) {
		case NW_TAG:
			n->nic_tag = get_str(m, v, "nic_tag");
			n->tag_loc = v->loc;
			break;
		case NW_SUBNET:
			if (v->kind != AV_ADDR || strchr(v->s, '/') == NULL) {
				type_error(m, v, "subnet",
				    "a CIDR block, as in 10.0.0.0/24");
				break;
			}
			if (cidr_parse(v->s, &a, &n->prefix) != 0) {
				diag_error(m->diag, v->loc, "invalid subnet "
				    "\"%s\"", v->s);
				break;
			}
			if (n->prefix < 8 || n->prefix > 30) {
				diag_error(m->diag, v->loc, "subnet prefix /%d "
				    "is out of range (8 to 30)", n->prefix);
				break;
			}
			n->net = a & prefix_mask(n->prefix);
			if (n->net != a) {
				diag_error(m->diag, v->loc, "subnet \"%s\" has "
				    "host bits set; did you mean \"%s/%d\"?",
				    v->s, ipv4_str(m->arena, n->net), n->prefix);
				break;
			}
			subnet_ok = 1;
			break;
		case NW_GATEWAY:
			if (get_addr(m, v, "gateway", &n->gateway) == 0)
				gw = d;
			break;
		case NW_RESOLVERS:
			n->resolvers = get_addrs(m, d, &n->nresolvers,
			    "resolvers");
			break;
		case NW_VLAN:
			get_int(m, v, "vlan", 1, 4094, &n->vlan);
			break;
		case NW_MTU:
			get_int(m, v, "mtu", 576, 9000, &n->mtu);
			break;
		case NW_POOL:
			if (get_addr(m, v, "pool", &n->pool_lo) == 0 &&
			    get_addr(m, v->next, "pool", &n->pool_hi) == 0)
				pool = d;
			break;
		}
	}
	block_finish(m, &b);
	if (!subnet_ok)
		return;
	if (gw != NULL && (!in_net(n, n->gateway) || n->gateway == n->net ||
	    n->gateway == (n->net | ~prefix_mask(n->prefix)))) {
		diag_error(m->diag, gw->args->loc, "gateway %s is not a host "
		    "address of subnet %s/%d", gw->args->s,
		    ipv4_str(m->arena, n->net), n->prefix);
		n->gateway = 0;
	}
	if (pool != NULL) {
		uint32_t bcast = n->net | ~prefix_mask(n->prefix);

		if (!in_net(n, n->pool_lo) || !in_net(n, n->pool_hi) ||
		    n->pool_lo == n->net || n->pool_hi == bcast) {
			diag_error(m->diag, loc_span(pool->args->loc,
			    pool->args->next->loc), "pool is not inside subnet "
			    "%s/%d", ipv4_str(m->arena, n->net), n->prefix);
			n->pool_lo = n->pool_hi = 0;
		} else if (n->pool_lo > n->pool_hi) {
			diag_error(m->diag, loc_span(pool->args->loc,
			    pool->args->next->loc), "pool starts after it "
			    "ends");
			n->pool_lo = n->pool_hi = 0;
		}
	}
	if (n->vlan == 0)
		n->vlan = IR_UNSET;
}

/* ---- image */

enum { IM_UUID, IM_BRAND, IM_KERNEL, IM_SIZE };
static const struct prop image_props[] = {
	{ "uuid", IM_UUID, 1, 1, P_REQUIRED },
	{ "brand", IM_BRAND, 1, 1, P_REQUIRED },
	{ "kernel_version", IM_KERNEL, 1, 1, 0 },
	{ "size", IM_SIZE, 1, 1, 0 },
};
static const char *const brand_names[BRAND__COUNT] = {
	"joyent", "joyent-minimal", "lx", "kvm", "bhyve"
};

static int
uuid_check(struct model *m, struct ast_value *v)
{
	const char *s = v->s;
	int i, upper = 0;

	for (i = 0; s[i]; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			break;
		if (isupper((unsigned char)s[i]))
			upper = 1;
	}
	if (i != 36 || s[i] != '\0') {
		diag_error(m->diag, v->loc, "invalid uuid \"%s\" (expected "
		    "8-4-4-4-12 hex digits)", s);
		return -1;
	}
	if (upper) {
		char low[37];

		for (i = 0; i < 36; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		low[36] = '\0';
		diag_error(m->diag, v->loc, "uuid \"%s\" has upper-case hex "
		    "digits, which vmadm rejects; write \"%s\"", s, low);
		return -1;
	}
	return 0;
}

static void
read_image(struct model *m, struct decl *dc)
{
	struct ir_image *im = dc->obj;
	struct ast_dir *d, *kernel = NULL, *size = NULL;
	struct block b;
	int r, brand_ok = 0;

	block_init(&b, image_props, NPROPS(image_props),
	    arena_printf(m->arena, "image \"%s\"", im->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;

		switch (block_prop(m, &b, d)) {
		case IM_UUID:
			if (v->kind != AV_STRING) {
				type_error(m, v, "uuid", "a quoted uuid");
				break;
			}
			if (uuid_check(m, v) == 0)
				im->uuid = v->s;
			break;
		case IM_BRAND:
			r = get_choice(m, v, "brand", brand_names, BRAND__COUNT);
			if (r >= 0) {
				im->brand = (enum ir_brand)r;
				im->brand_loc = v->loc;
				brand_ok = 1;
			}
			break;
		case IM_KERNEL:
			im->kernel_version = get_str(m, v, "kernel_version");
			kernel = d;
			break;
		case IM_SIZE:
			if (get_size(m, v, "size", 1LL << 20, "MiB",
			    &im->size_mib) == 0)
				size = d;
			break;
		}
	}
	block_finish(m, &b);
	if (!brand_ok)
		return;
	if (kernel != NULL && im->brand != BRAND_LX) {
		diag_error(m->diag, kernel->loc, "kernel_version applies to lx "
		    "images only, and image \"%s\" is %s", im->name,
		    brand_names[im->brand]);
		diag_note(m->diag, im->brand_loc, "brand set here");
	}
	if (size != NULL && !BRAND_IS_HVM(im->brand)) {
		diag_error(m->diag, size->loc, "size applies to kvm and bhyve "
		    "disk images only, and image \"%s\" is %s", im->name,
		    brand_names[im->brand]);
		diag_note(m->diag, im->brand_loc, "brand set here");
	}
}

/* ---- secret */

static void
read_secret(struct model *m, struct decl *dc)
{
	struct ast_dir *d;

	for (d = dc->ast->children; d != NULL; d = d->next) {
		if (strcmp(d->name, "value") == 0 ||
		    strcmp(d->name, "password") == 0)
			diag_error(m->diag, d->loc, "a secret's value never "
			    "appears in a .zt file; supply it with --secrets "
			    "FILE or %s", secret_env_name(m->arena,
			    dc->name));
		else if (strcmp(d->name, "description") != 0)
			diag_error(m->diag, d->loc, "unknown property \"%s\" "
			    "in secret \"%s\"", d->name, dc->name);
	}
}

/* ---- credential */

enum { CR_KIND, CR_USER, CR_DATABASES, CR_PRIVS, CR_PASSWORD, CR_VHOST,
	CR_PERMS, CR_TAGS, CR_ANYHOST };
static const struct prop cred_props[] = {
	{ "kind", CR_KIND, 1, 1, P_REQUIRED },
	{ "user", CR_USER, 1, 1, P_REQUIRED },
	{ "databases", CR_DATABASES, 1, 32, 0 },
	{ "privileges", CR_PRIVS, 1, 32, 0 },
	{ "password", CR_PASSWORD, 1, 1, P_REQUIRED },
	{ "vhost", CR_VHOST, 1, 1, 0 },
	{ "permissions", CR_PERMS, 3, 3, 0 },
	{ "tags", CR_TAGS, 1, 8, 0 },
	{ "any_host", CR_ANYHOST, 1, 1, 0 },
};

/* MariaDB privileges grantable on db.*, upper case, sorted. */
static const char *const db_privs[] = {
	"ALL", "ALL PRIVILEGES", "ALTER", "ALTER ROUTINE", "CREATE",
	"CREATE ROUTINE", "CREATE TEMPORARY TABLES", "CREATE VIEW", "DELETE",
	"DELETE HISTORY", "DROP", "EVENT", "EXECUTE", "GRANT OPTION", "INDEX",
	"INSERT", "LOCK TABLES", "REFERENCES", "SELECT", "SHOW VIEW",
	"TRIGGER", "UPDATE",
};

static const char **
get_strs(struct model *m, struct ast_dir *d, size_t *n, const char *what,
    int names)
{
	const char **out = NULL;
	struct ast_value *v;
	size_t k = 0;

	for (v = d->args; v != NULL; v = v->next) {
		struct ast_value **it;
		size_t i, ni;

		it = items_of(m, v, &ni);
		for (i = 0; i < ni; i++) {
			const char *s = names ? value_name(m, it[i], what) :
			    get_str(m, it[i], what);

			if (s != NULL)
				*PUSH(m, out, k) = s;
		}
	}
	*n = k;
	return out;
}

static void
read_credential(struct model *m, struct decl *dc)
{
	static const char *const kinds[] = { "mysql", "rabbitmq" };
	struct ir_credential *c = dc->obj;
	struct ast_dir *d, *by[9] = { NULL };
	struct block b;
	size_t i;
	int k = -1;

	block_init(&b, cred_props, NPROPS(cred_props),
	    arena_printf(m->arena, "credential \"%s\"", c->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		int id = block_prop(m, &b, d);

		if (id < 0)
			continue;
		by[id] = d;
		switch (id) {
		case CR_KIND:
			k = get_choice(m, v, "credential kind", kinds, 2);
			if (k >= 0)
				c->kind = (enum ir_credkind)k;
			break;
		case CR_USER:
			if ((c->user = get_str(m, v, "user")) == NULL)
				break;
			if (c->user[0] == '\0' || strlen(c->user) > 80) {
				diag_error(m->diag, v->loc, "user must be 1 to "
				    "80 characters");
				c->user = NULL;
			}
			break;
		case CR_DATABASES:
			c->databases = get_strs(m, d, &c->ndatabases,
			    "databases", 0);
			for (i = 0; i < c->ndatabases; i++)
				if (c->databases[i][0] == '\0' ||
				    strlen(c->databases[i]) > 64 ||
				    strchr(c->databases[i], '`') != NULL ||
				    strchr(c->databases[i], '/') != NULL) {
					diag_error(m->diag, d->loc, "invalid "
					    "database name \"%s\" (1 to 64 "
					    "bytes, without ` or /)",
					    c->databases[i]);
				}
			break;
		case CR_PRIVS: {
			struct ast_value *pv;

			for (pv = d->args; pv != NULL; pv = pv->next) {
				struct ast_value **it;
				size_t ni, j;

				it = items_of(m, pv, &ni);
				for (j = 0; j < ni; j++) {
					char *up;
					const char *s = get_str(m, it[j],
					    "privileges");
					int r;

					if (s == NULL)
						continue;
					up = arena_strdup(m->arena, s);
					for (r = 0; up[r]; r++)
						up[r] = (char)toupper(
						    (unsigned char)up[r]);
					for (r = 0; r < (int)NPROPS(db_privs);
					    r++)
						if (strcmp(up, db_privs[r]) == 0)
							break;
					if (r == (int)NPROPS(db_privs)) {
						const char *sg = suggest(up,
						    db_privs, NPROPS(db_privs));

						diag_error(m->diag, it[j]->loc,
						    "unknown MySQL privilege "
						    "\"%s\"%s%s%s", s,
						    sg ? "; did you mean \"" :
						    "", sg ? sg : "",
						    sg ? "\"?" : "");
						continue;
					}
					*PUSH(m, c->privileges,
					    c->nprivileges) = db_privs[r];
				}
			}
			break;
		}
		case CR_PASSWORD:
			if (v->kind == AV_STRING) {
				diag_error(m->diag, v->loc, "a password cannot "
				    "be written in a .zt file; declare `secret "
				    "NAME;` and write `password NAME;`");
				break;
			}
			c->password = lookup_obj(m, K_SECRET, v);
			if (c->password != NULL)
				secret_use(m, c->password, v->loc);
			break;
		case CR_VHOST:
			c->vhost = get_str(m, v, "vhost");
			break;
		case CR_PERMS:
			c->perm_configure = get_str(m, v, "permissions");
			c->perm_write = get_str(m, v->next, "permissions");
			c->perm_read = get_str(m, v->next->next, "permissions");
			break;
		case CR_TAGS:
			c->rabbit_tags = get_strs(m, d, &c->nrabbit_tags,
			    "tags", 1);
			break;
		case CR_ANYHOST:
			get_bool(m, v, "any_host", &c->any_host);
			break;
		}
	}
	block_finish(m, &b);
	if (k < 0)
		return;
	/* properties of the other kind */
	for (i = 0; i < 9; i++) {
		int mysql_only = i == CR_DATABASES || i == CR_PRIVS;
		int mq_only = i == CR_VHOST || i == CR_PERMS || i == CR_TAGS;

		if (by[i] != NULL && ((mysql_only && c->kind != CRED_MYSQL) ||
		    (mq_only && c->kind != CRED_RABBITMQ)))
			diag_error(m->diag, by[i]->loc, "%s applies to %s "
			    "credentials, and \"%s\" is a %s credential",
			    by[i]->name, mysql_only ? "mysql" : "rabbitmq",
			    c->name, kinds[c->kind]);
	}
	if (c->kind == CRED_MYSQL) {
		if (by[CR_DATABASES] == NULL)
			diag_error(m->diag, dc->loc, "mysql credential \"%s\" "
			    "has no databases", c->name);
		if (c->nprivileges == 0 && by[CR_PRIVS] == NULL)
			*PUSH(m, c->privileges, c->nprivileges) = "ALL";
	} else {
		if (c->vhost == NULL)
			c->vhost = "/";
		if (c->perm_configure == NULL)
			c->perm_configure = c->perm_write = c->perm_read = ".*";
	}
}

/* ---- service */

enum { SV_ROLE, SV_START, SV_STOP, SV_REFRESH, SV_USER, SV_GROUP, SV_PRIVS,
	SV_WORKDIR, SV_ENV, SV_DURATION, SV_TIMEOUT, SV_PORTS, SV_USES,
	SV_CONFIG, SV_MANIFEST, SV_FMRI, SV_DESCRIPTION };
static const struct prop service_props[] = {
	{ "role", SV_ROLE, 1, 1, 0 },
	{ "start", SV_START, 1, 1, 0 },
	{ "stop", SV_STOP, 1, 1, 0 },
	{ "refresh", SV_REFRESH, 1, 1, 0 },
	{ "user", SV_USER, 1, 1, 0 },
	{ "group", SV_GROUP, 1, 1, 0 },
	{ "privileges", SV_PRIVS, 1, 1, 0 },
	{ "working_directory", SV_WORKDIR, 1, 1, 0 },
	{ "environment", SV_ENV, 0, 0, P_BLOCK },
	{ "duration", SV_DURATION, 1, 1, 0 },
	{ "timeout", SV_TIMEOUT, 1, 1, 0 },
	{ "ports", SV_PORTS, 1, 16, 0 },
	{ "uses", SV_USES, 1, 3, P_REPEAT },
	{ "config", SV_CONFIG, 0, 0, P_BLOCK },
	{ "manifest", SV_MANIFEST, 1, 1, 0 },
	{ "fmri", SV_FMRI, 1, 1, 0 },
	{ "description", SV_DESCRIPTION, 1, 1, 0 },
};

static const char *
get_command(struct model *m, struct ast_value *v, const char *what)
{
	if (v->kind != AV_STRING) {
		type_error(m, v, what, "a quoted command");
		return NULL;
	}
	if (v->s[0] == '\0') {
		diag_error(m->diag, v->loc, "%s is empty; write \":true\" for "
		    "a method with nothing to do", what);
		return NULL;
	}
	return v->s;
}

static void
read_config(struct model *m, struct ir_service *s, struct ast_dir *blk)
{
	struct ast_dir *sec, *o;
	struct hash *seen = hash_new(m->arena);	/* "section\nkey" -> index+1 */

	for (sec = blk->children; sec != NULL; sec = sec->next) {
		if (!sec->has_block || sec->nargs != 0) {
			diag_error(m->diag, sec->loc, "config holds sections: "
			    "%s { option value; }", sec->name);
			continue;
		}
		for (o = sec->children; o != NULL; o = o->next) {
			struct ir_opt *op;
			const char *key;
			size_t i;

			if (o->has_block) {
				diag_error(m->diag, o->loc, "config options "
				    "cannot be blocks");
				continue;
			}
			key = arena_printf(m->arena, "%s\n%s", sec->name,
			    o->name);
			i = (size_t)(uintptr_t)hash_get(seen, key);
			if (i-- > 0) {
				diag_error(m->diag, o->loc, "option [%s] %s set "
				    "twice", sec->name, o->name);
				diag_note(m->diag, s->config[i].loc,
				    "first set here");
				continue;
			}
			op = PUSH(m, s->config, s->nconfig);
			op->section = sec->name;
			op->key = o->name;
			op->loc = o->loc;
			op->section_loc = sec->loc;
			if (get_value(m, o, &op->val, 1) != 0)
				s->nconfig--;
			else
				hash_put(seen, key,
				    (void *)(uintptr_t)s->nconfig);
		}
	}
}

static const char *const role_names[ROLE__COUNT] = {
	"none", "mysql", "rabbitmq", "memcached", "keystone", "glance-api",
	"glance-registry", "placement-api", "nova-api", "nova-scheduler",
	"nova-conductor", "nova-compute", "nova-novncproxy",
	"nova-consoleauth", "nova-cert", "nova-network", "horizon"
};

static void
read_service(struct model *m, struct decl *dc)
{
	static const char *const durs[] = { "contract", "child", "transient" };
	static const char *const manifests[] = { "generate", "packaged" };
	struct ir_service *s = dc->obj;
	struct ast_dir *d, *manifest = NULL;
	struct hash *used_once = hash_new(m->arena);	/* name -> ast_dir */
	struct block b;
	size_t i;
	int r;

	s->timeout = IR_UNSET;
	block_init(&b, service_props, NPROPS(service_props),
	    arena_printf(m->arena, "service \"%s\"", s->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;

		switch (block_prop(m, &b, d)) {
		case SV_ROLE:
			r = get_choice(m, v, "role", role_names, ROLE__COUNT);
			if (r >= 0) {
				s->role = (enum ir_role)r;
				s->role_loc = v->loc;
			}
			break;
		case SV_START:
			s->start = get_command(m, v, "start");
			s->start_loc = v->loc;
			break;
		case SV_STOP:
			s->stop = get_command(m, v, "stop");
			s->stop_loc = v->loc;
			break;
		case SV_REFRESH:
			s->refresh = get_command(m, v, "refresh");
			s->refresh_loc = v->loc;
			break;
		case SV_USER:
			s->user = get_str(m, v, "user");
			s->user_loc = v->loc;
			break;
		case SV_GROUP:
			s->group = get_str(m, v, "group");
			s->group_loc = v->loc;
			break;
		case SV_PRIVS:
			s->privileges = get_str(m, v, "privileges");
			s->privileges_loc = v->loc;
			break;
		case SV_WORKDIR:
			s->workdir = get_str(m, v, "working_directory");
			s->workdir_loc = v->loc;
			if (s->workdir != NULL && s->workdir[0] != '/') {
				diag_error(m->diag, v->loc, "working_directory "
				    "must be an absolute path");
				s->workdir = NULL;
			}
			break;
		case SV_ENV:
			s->env = get_kvs(m, d, &s->nenv, 0, "environment");
			for (i = 0; i < s->nenv; i++) {
				if (s->env[i].val.kind != IRV_STRING) {
					s->env[i].val.kind = IRV_STRING;
					s->env[i].val.s = arena_printf(m->arena,
					    "%lld", s->env[i].val.i);
				}
				if (strncmp(s->env[i].key, "SMF_", 4) == 0)
					diag_error(m->diag, s->env[i].loc,
					    "environment variables starting "
					    "with SMF_ are reserved by SMF");
			}
			break;
		case SV_DURATION:
			r = get_choice(m, v, "duration", durs, 3);
			if (r >= 0) {
				s->duration = (enum ir_duration)r;
				s->duration_set = 1;
				s->duration_loc = v->loc;
			}
			break;
		case SV_TIMEOUT:
			get_int(m, v, "timeout", 0, 86400, &s->timeout);
			break;
		case SV_PORTS: {
			struct ast_value *pv;

			for (pv = v; pv != NULL; pv = pv->next) {
				struct ast_value **it;
				size_t ni, j;
				long long port;

				it = items_of(m, pv, &ni);
				for (j = 0; j < ni; j++)
					if (get_int(m, it[j], "port", 1, 65535,
					    &port) == 0)
						*PUSH(m, s->ports, s->nports) =
						    (int)port;
			}
			break;
		}
		case SV_USES: {
			struct ir_credential *cred;
			struct ir_use *u;
			struct decl *used;

			if (d->nargs == 2 || (d->nargs == 3 &&
			    (v->next->kind != AV_WORD ||
			    strcmp(v->next->s, "via") != 0))) {
				diag_error(m->diag, d->loc, "expected: uses "
				    "SERVICE; or uses SERVICE via CREDENTIAL;");
				break;
			}
			if ((used = model_lookup(m, K_SERVICE, v)) == NULL)
				break;
			cred = NULL;
			if (d->nargs == 3 && (cred = lookup_obj(m,
			    K_CREDENTIAL, v->next->next)) == NULL)
				break;
			if (!hash_put(used_once, used->name, d)) {
				struct ast_dir *first = hash_get(used_once,
				    used->name);

				diag_error(m->diag, v->loc, "service \"%s\" "
				    "uses \"%s\" twice; one use takes at most "
				    "one credential", s->name, used->name);
				diag_note(m->diag, first->loc, "first used here");
				break;
			}
			u = PUSH(m, s->uses, s->nuses);
			u->service = used->obj;
			u->cred = cred;
			u->loc = d->loc;
			u->needed = 1;
			break;
		}
		case SV_CONFIG:
			read_config(m, s, d);
			break;
		case SV_MANIFEST:
			r = get_choice(m, v, "manifest", manifests, 2);
			if (r >= 0) {
				s->packaged = r;
				s->manifest_loc = v->loc;
				manifest = d;
			}
			break;
		case SV_FMRI:
			s->fmri = get_str(m, v, "fmri");
			s->fmri_loc = v->loc;
			break;
		case SV_DESCRIPTION:
			s->description = get_str(m, v, "description");
			s->description_loc = v->loc;
			break;
		}
	}
	block_finish(m, &b);
	if (manifest == NULL)
		s->packaged = role_table[s->role].packaged;
	if (!s->duration_set)
		s->duration = role_table[s->role].duration;
	if (s->role == ROLE_NONE && s->start == NULL && !s->packaged &&
	    !b.seen[SV_ROLE] && !b.seen[SV_START])
		diag_error(m->diag, dc->loc, "service \"%s\" has no role and "
		    "no start command", s->name);
	if (s->nports == 0)
		for (i = 0; i < 3 && role_table[s->role].ports[i]; i++)
			*PUSH(m, s->ports, s->nports) =
			    role_table[s->role].ports[i];
	if (s->user == NULL)
		s->user = role_table[s->role].user;
	if (s->group == NULL)
		s->group = role_table[s->role].group;
	if (s->timeout == IR_UNSET)
		s->timeout = 60;
}

/* ---- zone */

enum { ZN_IMAGE, ZN_MEMORY, ZN_SWAP, ZN_LOCKED, ZN_TMPFS, ZN_QUOTA,
	ZN_CPU_CAP, ZN_CPU_SHARES, ZN_LWPS, ZN_IOPRIO, ZN_VCPUS, ZN_RAM,
	ZN_AUTOBOOT, ZN_DELEGATE, ZN_FIREWALL, ZN_DNS, ZN_KERNEL, ZN_SCRIPT,
	ZN_NIC, ZN_RESOLVERS, ZN_ROUTE, ZN_METADATA, ZN_IMETADATA, ZN_TAGS,
	ZN_FS, ZN_DISK, ZN_SERVICES };
static const struct prop zone_props[] = {
	{ "image", ZN_IMAGE, 1, 1, P_REQUIRED },
	{ "memory", ZN_MEMORY, 1, 1, 0 },
	{ "swap", ZN_SWAP, 1, 1, 0 },
	{ "locked_memory", ZN_LOCKED, 1, 1, 0 },
	{ "tmpfs", ZN_TMPFS, 1, 1, 0 },
	{ "quota", ZN_QUOTA, 1, 1, 0 },
	{ "cpu_cap", ZN_CPU_CAP, 1, 1, 0 },
	{ "cpu_shares", ZN_CPU_SHARES, 1, 1, 0 },
	{ "max_lwps", ZN_LWPS, 1, 1, 0 },
	{ "zfs_io_priority", ZN_IOPRIO, 1, 1, 0 },
	{ "vcpus", ZN_VCPUS, 1, 1, 0 },
	{ "ram", ZN_RAM, 1, 1, 0 },
	{ "autoboot", ZN_AUTOBOOT, 1, 1, 0 },
	{ "delegate_dataset", ZN_DELEGATE, 1, 1, 0 },
	{ "firewall", ZN_FIREWALL, 1, 1, 0 },
	{ "dns_domain", ZN_DNS, 1, 1, 0 },
	{ "kernel_version", ZN_KERNEL, 1, 1, 0 },
	{ "user_script", ZN_SCRIPT, 1, 1, 0 },
	{ "nic", ZN_NIC, 1, 2, P_REPEAT | P_OPTBLOCK },
	{ "resolvers", ZN_RESOLVERS, 1, 16, 0 },
	{ "route", ZN_ROUTE, 2, 2, P_REPEAT },
	{ "metadata", ZN_METADATA, 0, 0, P_BLOCK },
	{ "internal_metadata", ZN_IMETADATA, 0, 0, P_BLOCK },
	{ "tags", ZN_TAGS, 0, 0, P_BLOCK },
	{ "filesystem", ZN_FS, 0, 0, P_REPEAT | P_BLOCK },
	{ "disk", ZN_DISK, 0, 0, P_REPEAT | P_BLOCK },
	{ "services", ZN_SERVICES, 1, 64, P_REPEAT },
};

enum { NI_ADDRESS, NI_PRIMARY, NI_MODEL };
static const struct prop nic_props[] = {
	{ "address", NI_ADDRESS, 1, 1, 0 },
	{ "primary", NI_PRIMARY, 1, 1, 0 },
	{ "model", NI_MODEL, 1, 1, 0 },
};
enum { FS_SOURCE, FS_TARGET, FS_TYPE, FS_OPTIONS };
static const struct prop fs_props[] = {
	{ "source", FS_SOURCE, 1, 1, P_REQUIRED },
	{ "target", FS_TARGET, 1, 1, P_REQUIRED },
	{ "type", FS_TYPE, 1, 1, 0 },
	{ "options", FS_OPTIONS, 1, 16, 0 },
};
enum { DK_SIZE, DK_IMAGE, DK_MODEL, DK_BOOT };
static const struct prop disk_props[] = {
	{ "size", DK_SIZE, 1, 1, 0 },
	{ "image", DK_IMAGE, 1, 1, 0 },
	{ "model", DK_MODEL, 1, 1, 0 },
	{ "boot", DK_BOOT, 1, 1, 0 },
};

static void
read_nic(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_nic *nic = PUSH(m, z->nics, z->nnics);
	struct ast_dir *c;
	struct block b;

	nic->loc = d->loc;
	nic->network = lookup_obj(m, K_NETWORK, d->args);
	if (d->nargs == 2 && get_addr(m, d->args->next, "nic",
	    &nic->addr) == 0)
		nic->fixed = 1;
	block_init(&b, nic_props, NPROPS(nic_props), "nic", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_prop(m, &b, c)) {
		case NI_ADDRESS:
			if (nic->fixed) {
				diag_error(m->diag, c->loc, "nic address given "
				    "twice");
				break;
			}
			if (get_addr(m, c->args, "address", &nic->addr) == 0)
				nic->fixed = 1;
			break;
		case NI_PRIMARY:
			get_bool(m, c->args, "primary", &nic->primary);
			break;
		case NI_MODEL:
			nic->model = get_str(m, c->args, "model");
			nic->model_loc = c->args->loc;
			break;
		}
	}
	if (nic->network != NULL && nic->fixed &&
	    !in_net(nic->network, nic->addr))
		diag_error(m->diag, d->loc, "address %s is outside network "
		    "\"%s\" (%s/%d)", ipv4_str(m->arena, nic->addr),
		    nic->network->name, ipv4_str(m->arena, nic->network->net),
		    nic->network->prefix);
	if (nic->network == NULL)
		z->nnics--;
}

static void
read_fs(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_fs *fs = PUSH(m, z->filesystems, z->nfilesystems);
	struct ast_dir *c;
	struct block b;

	fs->loc = d->loc;
	fs->type = "lofs";
	block_init(&b, fs_props, NPROPS(fs_props), "filesystem", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_prop(m, &b, c)) {
		case FS_SOURCE:
			fs->source = get_str(m, c->args, "source");
			break;
		case FS_TARGET:
			fs->target = get_str(m, c->args, "target");
			break;
		case FS_TYPE:
			fs->type = get_str(m, c->args, "type");
			break;
		case FS_OPTIONS:
			fs->options = get_strs(m, c, &fs->noptions, "options",
			    0);
			break;
		}
	}
	block_finish(m, &b);
	if ((fs->source != NULL && fs->source[0] != '/') ||
	    (fs->target != NULL && fs->target[0] != '/'))
		diag_error(m->diag, d->loc, "filesystem source and target must "
		    "be absolute paths");
}

static void
read_disk(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_disk *dk = PUSH(m, z->disks, z->ndisks);
	struct ast_dir *c;
	struct block b;

	dk->loc = d->loc;
	dk->size_mib = IR_UNSET;
	block_init(&b, disk_props, NPROPS(disk_props), "disk", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_prop(m, &b, c)) {
		case DK_SIZE:
			get_size(m, c->args, "disk size", 1LL << 20, "MiB",
			    &dk->size_mib);
			dk->size_loc = c->args->loc;
			break;
		case DK_IMAGE:
			dk->image = lookup_obj(m, K_IMAGE, c->args);
			dk->image_loc = c->args->loc;
			break;
		case DK_MODEL:
			dk->model = get_str(m, c->args, "model");
			dk->model_loc = c->args->loc;
			break;
		case DK_BOOT:
			get_bool(m, c->args, "boot", &dk->boot);
			dk->boot_loc = c->loc;
			break;
		}
	}
	if (dk->image == NULL && dk->size_mib == IR_UNSET)
		diag_error(m->diag, d->loc, "disk needs a size or an image");
}

static void
read_zone(struct model *m, struct decl *dc)
{
	struct ir_zone *z = dc->obj;
	struct ast_dir *d;
	struct block b;
	int r;

	z->memory_mib = z->swap_mib = z->locked_mib = z->tmpfs_mib = IR_UNSET;
	z->quota_gib = z->cpu_cap = z->cpu_shares = z->max_lwps = IR_UNSET;
	z->zfs_io_priority = z->vcpus = z->ram_mib = IR_UNSET;
	z->autoboot = 1;
	block_init(&b, zone_props, NPROPS(zone_props),
	    arena_printf(m->arena, "zone \"%s\"", z->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		int id = block_prop(m, &b, d);

		if (id >= 0)
			record_prop(m, z, d);
		switch (id) {
		case ZN_IMAGE:
			z->image = lookup_obj(m, K_IMAGE, v);
			break;
		case ZN_MEMORY:
			get_size(m, v, "memory", 1LL << 20, "MiB",
			    &z->memory_mib);
			break;
		case ZN_SWAP:
			get_size(m, v, "swap", 1LL << 20, "MiB", &z->swap_mib);
			break;
		case ZN_LOCKED:
			get_size(m, v, "locked_memory", 1LL << 20, "MiB",
			    &z->locked_mib);
			break;
		case ZN_TMPFS:
			get_size(m, v, "tmpfs", 1LL << 20, "MiB", &z->tmpfs_mib);
			break;
		case ZN_QUOTA:
			get_size(m, v, "quota", 1LL << 30, "GiB", &z->quota_gib);
			break;
		case ZN_CPU_CAP:
			get_int(m, v, "cpu_cap", 1, 100000, &z->cpu_cap);
			break;
		case ZN_CPU_SHARES:
			get_int(m, v, "cpu_shares", 1, 65535, &z->cpu_shares);
			break;
		case ZN_LWPS:
			get_int(m, v, "max_lwps", 1, 2147483647, &z->max_lwps);
			break;
		case ZN_IOPRIO:
			get_int(m, v, "zfs_io_priority", 0, 16383,
			    &z->zfs_io_priority);
			break;
		case ZN_VCPUS:
			get_int(m, v, "vcpus", 1, 64, &z->vcpus);
			break;
		case ZN_RAM:
			get_size(m, v, "ram", 1LL << 20, "MiB", &z->ram_mib);
			break;
		case ZN_AUTOBOOT:
			get_bool(m, v, "autoboot", &z->autoboot);
			break;
		case ZN_DELEGATE:
			get_bool(m, v, "delegate_dataset", &z->delegate_dataset);
			break;
		case ZN_FIREWALL:
			get_bool(m, v, "firewall", &z->firewall_enabled);
			break;
		case ZN_DNS:
			z->dns_domain = get_str(m, v, "dns_domain");
			break;
		case ZN_KERNEL:
			z->kernel_version = get_str(m, v, "kernel_version");
			break;
		case ZN_SCRIPT:
			z->user_script = get_str(m, v, "user_script");
			break;
		case ZN_NIC:
			read_nic(m, z, d);
			break;
		case ZN_RESOLVERS:
			z->resolvers = get_addrs(m, d, &z->nresolvers,
			    "resolvers");
			break;
		case ZN_ROUTE: {
			struct ir_route *rt = PUSH(m, z->routes, z->nroutes);
			uint32_t a;
			int p;

			rt->loc = d->loc;
			rt->dest = v->s;
			rt->gateway = v->next->s;
			if (v->kind != AV_ADDR || (strchr(v->s, '/') ?
			    cidr_parse(v->s, &a, &p) != 0 || p < 8 :
			    ipv4_parse(v->s, &a) != 0)) {
				diag_error(m->diag, v->loc, "route destination "
				    "must be an IPv4 address or a CIDR block "
				    "with a prefix of 8 to 32");
				z->nroutes--;
			} else if (get_addr(m, v->next, "route gateway",
			    &a) != 0)
				z->nroutes--;
			break;
		}
		case ZN_METADATA:
			z->metadata = get_kvs(m, d, &z->nmetadata, 0,
			    "metadata");
			break;
		case ZN_IMETADATA:
			z->internal_metadata = get_kvs(m, d,
			    &z->ninternal_metadata, 1, "internal_metadata");
			break;
		case ZN_TAGS:
			z->tags = get_kvs(m, d, &z->ntags, 0, "tags");
			break;
		case ZN_FS:
			read_fs(m, z, d);
			break;
		case ZN_DISK:
			read_disk(m, z, d);
			break;
		case ZN_SERVICES: {
			struct ast_value *sv;

			for (sv = v; sv != NULL; sv = sv->next) {
				struct ast_value **it;
				size_t ni, j;

				it = items_of(m, sv, &ni);
				for (j = 0; j < ni; j++) {
					struct ir_service *s = lookup_obj(m,
					    K_SERVICE, it[j]);
					size_t k;

					if (s == NULL)
						continue;
					for (k = 0; k < z->nservices; k++)
						if (z->services[k] == s)
							break;
					if (k < z->nservices) {
						diag_error(m->diag, it[j]->loc,
						    "service \"%s\" listed "
						    "twice in zone \"%s\"",
						    s->name, z->name);
						continue;
					}
					*PUSH(m, z->services, z->nservices) = s;
				}
			}
			break;
		}
		}
	}
	block_finish(m, &b);
	(void)r;
	if (z->image == NULL)
		return;
	/* brand-dependent defaults and conflicts */
	if (BRAND_IS_HVM(z->image->brand)) {
		if (z->ram_mib == IR_UNSET && z->memory_mib != IR_UNSET) {
			diag_error(m->diag, ir_zone_loc(z, "memory"), "memory "
			    "caps the whole %s zone \"%s\" (guest and "
			    "hypervisor); give the guest's memory with ram",
			    brand_name(z->image->brand), z->name);
			z->ram_mib = z->memory_mib > 256 ?
			    z->memory_mib - 256 : 0;
		}
		if (z->ram_mib == IR_UNSET)
			z->ram_mib = 1024;
		if (z->vcpus == IR_UNSET)
			z->vcpus = 1;
	} else {
		static const char *const hvm_only[] = { "vcpus", "ram", "disk" };
		size_t i;

		for (i = 0; i < 3; i++) {
			struct loc l = ir_zone_loc(z, hvm_only[i]);

			if (l.line != z->loc.line || l.col != z->loc.col)
				diag_error(m->diag, l, "%s applies to kvm and "
				    "bhyve zones only, and zone \"%s\" uses %s "
				    "image \"%s\"", hvm_only[i], z->name,
				    brand_name(z->image->brand), z->image->name);
		}
	}
	if (z->kernel_version == NULL)
		z->kernel_version = z->image->kernel_version;
	if (z->image->brand == BRAND_LX && z->kernel_version == NULL)
		diag_error(m->diag, dc->loc, "zone \"%s\" uses lx image \"%s\", "
		    "which needs a kernel_version (in the image or the zone)",
		    z->name, z->image->name);
	if (z->image->brand != BRAND_LX &&
	    ir_zone_loc(z, "kernel_version").line != z->loc.line) {
		diag_error(m->diag, ir_zone_loc(z, "kernel_version"),
		    "kernel_version applies to lx zones only, and zone \"%s\" "
		    "uses %s image \"%s\"", z->name,
		    brand_name(z->image->brand), z->image->name);
		z->kernel_version = NULL;
	}
	/* memory defaults, never a value vmadm would adjust */
	if (z->memory_mib == IR_UNSET)
		z->memory_mib = BRAND_IS_HVM(z->image->brand) ?
		    z->ram_mib + (z->image->brand == BRAND_KVM ? 1024 : 1280) :
		    256;
	if (z->swap_mib == IR_UNSET)
		z->swap_mib = z->memory_mib > 256 ? z->memory_mib : 256;
	if (z->locked_mib == IR_UNSET)
		z->locked_mib = z->memory_mib;
	if (z->swap_mib < z->memory_mib || z->swap_mib < 256)
		diag_error(m->diag, ir_zone_loc(z, "swap"), "swap (%lld MiB) "
		    "must be at least memory (%lld MiB) and 256 MiB; vmadm "
		    "would raise it silently", z->swap_mib, z->memory_mib);
	if (z->locked_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, "locked_memory"),
		    "locked_memory (%lld MiB) exceeds memory (%lld MiB); vmadm "
		    "would lower it silently", z->locked_mib, z->memory_mib);
	if (z->tmpfs_mib != IR_UNSET && z->tmpfs_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, "tmpfs"), "tmpfs (%lld MiB) "
		    "exceeds memory (%lld MiB); vmadm would lower it silently",
		    z->tmpfs_mib, z->memory_mib);
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->memory_mib < z->ram_mib + 256)
		diag_error(m->diag, ir_zone_loc(z, "memory"), "memory (%lld "
		    "MiB) must be at least ram + 256 MiB (%lld MiB) for a %s "
		    "zone; vmadm would raise it silently", z->memory_mib,
		    z->ram_mib + 256, brand_name(z->image->brand));
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->locked_mib < z->ram_mib + 256 && ir_zone_sets(z, "locked_memory"))
		diag_error(m->diag, ir_zone_loc(z, "locked_memory"),
		    "locked_memory (%lld MiB) must be at least ram + 256 MiB "
		    "(%lld MiB) for a %s zone; vmadm would raise it silently",
		    z->locked_mib, z->ram_mib + 256,
		    brand_name(z->image->brand));
	if (z->quota_gib == IR_UNSET)
		z->quota_gib = z->image->brand == BRAND_BHYVE ? 1 : 10;
	if (z->cpu_shares == IR_UNSET)
		z->cpu_shares = 100;
	if (z->max_lwps == IR_UNSET)
		z->max_lwps = 2000;
	if (z->zfs_io_priority == IR_UNSET)
		z->zfs_io_priority = 100;
	if (z->nnics == 0 && !ir_zone_sets(z, "nic"))
		diag_error(m->diag, dc->loc, "zone \"%s\" has no nic", z->name);
	else {
		size_t i, primaries = 0;

		for (i = 0; i < z->nnics; i++)
			primaries += z->nics[i].primary;
		if (primaries > 1)
			diag_error(m->diag, dc->loc, "zone \"%s\" has %zu "
			    "primary nics; vmadm allows one", z->name,
			    primaries);
		else if (primaries == 0)
			z->nics[0].primary = 1;
	}
	if (z->nresolvers == 0 && z->nnics > 0) {
		z->resolvers = z->nics[0].network->resolvers;
		z->nresolvers = z->nics[0].network->nresolvers;
	}
}

/* ---- host */

enum { HO_ADDRESS, HO_MEMORY, HO_DISK };
static const struct prop host_props[] = {
	{ "address", HO_ADDRESS, 2, 2, P_REPEAT | P_REQUIRED },
	{ "memory", HO_MEMORY, 1, 1, P_REQUIRED },
	{ "disk", HO_DISK, 1, 1, P_REQUIRED },
};

static void
read_host(struct model *m, struct decl *dc)
{
	struct ir_host *h = dc->obj;
	struct ast_dir *d;
	struct block b;

	block_init(&b, host_props, NPROPS(host_props),
	    arena_printf(m->arena, "host \"%s\"", h->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;

		switch (block_prop(m, &b, d)) {
		case HO_ADDRESS: {
			struct ir_nic *a = PUSH(m, h->addrs, h->naddrs);
			size_t i;

			a->loc = d->loc;
			a->fixed = 1;
			a->primary = h->naddrs == 1;
			a->network = lookup_obj(m, K_NETWORK, v);
			if (a->network == NULL ||
			    get_addr(m, v->next, "address", &a->addr) != 0) {
				h->naddrs--;
				break;
			}
			for (i = 0; i + 1 < h->naddrs; i++)
				if (h->addrs[i].network == a->network) {
					diag_error(m->diag, d->loc, "host \"%s\" "
					    "has two addresses on network "
					    "\"%s\"", h->name,
					    a->network->name);
					diag_note(m->diag, h->addrs[i].loc,
					    "first given here");
				}
			if (!in_net(a->network, a->addr)) {
				diag_error(m->diag, v->next->loc, "address %s "
				    "is outside network \"%s\" (%s/%d)",
				    v->next->s, a->network->name,
				    ipv4_str(m->arena, a->network->net),
				    a->network->prefix);
				h->naddrs--;
			}
			break;
		}
		case HO_MEMORY:
			get_size(m, v, "memory", 1LL << 20, "MiB",
			    &h->memory_mib);
			break;
		case HO_DISK:
			get_size(m, v, "disk", 1LL << 30, "GiB", &h->disk_gib);
			break;
		}
	}
	block_finish(m, &b);
}

/* ---- whole-description checks */

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

		if (!(role_table[s->role].releases & (1u << m->release))) {
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
				if (u->service->role == ROLE_MYSQL ||
				    u->service->role == ROLE_RABBITMQ)
					diag_warning(m->diag, u->loc, "\"%s\" is "
					    "a %s server, used without a "
					    "credential", u->service->name,
					    role_table[u->service->role].name);
				continue;
			}
			want = u->cred->kind == CRED_MYSQL ? ROLE_MYSQL :
			    ROLE_RABBITMQ;
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
				    "never used", kind_names[d->kind], d->name);
		}
}

/* ---- the two passes */

static void *
new_obj(struct model *m, enum kind k, const char *name, struct loc loc,
    int index)
{
	switch (k) {
	case K_NETWORK: {
		struct ir_network *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		o->vlan = o->mtu = IR_UNSET;
		return o;
	}
	case K_IMAGE: {
		struct ir_image *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		o->size_mib = IR_UNSET;
		return o;
	}
	case K_SECRET: {
		struct ir_secret *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		return o;
	}
	case K_CREDENTIAL: {
		struct ir_credential *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		return o;
	}
	case K_SERVICE: {
		struct ir_service *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		return o;
	}
	case K_ZONE: {
		struct ir_zone *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		return o;
	}
	case K_HOST: {
		struct ir_host *o = arena_alloc(m->arena, sizeof(*o));

		o->name = name, o->loc = loc, o->index = index;
		return o;
	}
	case K_TARGET:
	case K__COUNT:
		break;
	}
	return NULL;
}

/* Zone and host names make host names (zone-host for replicas): RFC 1123
 * labels, leaving room for "-" and a host name within 63 characters. */
static int
hostname_safe(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 56 || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static void
declare(struct model *m, enum kind k, struct ast_dir *d)
{
	struct decl *dc, *prev;
	const char *name;

	if (d->nargs != 1) {
		diag_error(m->diag, d->loc, "expected: %s NAME { ... }",
		    kind_names[k]);
		return;
	}
	if ((name = value_name(m, d->args, kind_names[k])) == NULL)
		return;
	if ((k == K_ZONE || k == K_HOST) && !hostname_safe(name)) {
		diag_error(m->diag, d->args->loc, "invalid %s name \"%s\": it "
		    "becomes a host name, so only lower-case letters, digits "
		    "and '-' (not at the end; at most 56 characters)",
		    kind_names[k], name);
		return;
	}
	if (k != K_SECRET && !d->has_block) {
		diag_error(m->diag, d->loc, "%s \"%s\" has no block: %s %s "
		    "{ ... }", kind_names[k], name, kind_names[k], name);
		return;
	}
	if ((prev = hash_get(m->names[k], name)) != NULL) {
		diag_error(m->diag, d->args->loc, "%s \"%s\" defined twice",
		    kind_names[k], name);
		diag_note(m->diag, prev->loc, "first defined here");
		return;
	}
	dc = arena_alloc(m->arena, sizeof(*dc));
	dc->kind = k;
	dc->name = name;
	dc->loc = d->args->loc;
	dc->ast = d;
	dc->obj = new_obj(m, k, name, dc->loc, (int)m->decls[k].n);
	hash_put(m->names[k], name, dc);
	vec_push(m->arena, &m->decls[k], dc);
}

int
resolve(struct model *m, struct arena *a, struct diag *diag,
    struct ast_dir *top)
{
	static const char *const tops[] = { "network", "image", "secret",
	    "credential", "service", "zone", "host", "target", "openstack",
	    "include" };
	struct ast_dir *d;
	size_t i;
	int k;

	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = diag;
	m->release = REL_ZED;
	for (k = 0; k < K__COUNT; k++)
		m->names[k] = hash_new(a);
	for (d = top; d != NULL; d = d->next) {
		for (k = 0; k < K__COUNT; k++)
			if (strcmp(d->name, kind_names[k]) == 0)
				break;
		if (k < K__COUNT)
			declare(m, (enum kind)k, d);
		else if (strcmp(d->name, "openstack") == 0)
			read_openstack(m, d);
		else {
			const char *s = suggest(d->name, tops, 9);

			if (s != NULL)
				diag_error(m->diag, d->loc, "unknown "
				    "declaration \"%s\"; did you mean \"%s\"?",
				    d->name, s);
			else
				diag_error(m->diag, d->loc, "unknown "
				    "declaration \"%s\" (expected network, "
				    "image, secret, credential, service, zone, "
				    "host, target or openstack)", d->name);
		}
	}
	for (k = 0; k < K_TARGET; k++)
		for (i = 0; i < m->decls[k].n; i++) {
			struct decl *dc = m->decls[k].v[i];

			switch (k) {
			case K_NETWORK:	read_network(m, dc); break;
			case K_IMAGE:	read_image(m, dc); break;
			case K_SECRET:	read_secret(m, dc); break;
			case K_CREDENTIAL: read_credential(m, dc); break;
			case K_SERVICE:	read_service(m, dc); break;
			case K_ZONE:	read_zone(m, dc); break;
			case K_HOST:	read_host(m, dc); break;
			}
		}
	check_services(m);
	(void)warn_unused;
	return diag->errors;
}

/* Called by ir.c once targets have marked what they use. */
void	resolve_warn_unused(struct model *);
void
resolve_warn_unused(struct model *m)
{
	warn_unused(m);
}
