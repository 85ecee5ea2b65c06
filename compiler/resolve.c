/*
 * resolve.c -- the resolve pass: from the syntax tree to bound
 * declarations.  This file holds the pass's entry point, the block reader
 * and the value readers; the reader of each declaration kind is in
 * resolve_decls.c (openstack, network, image, secret, credential, host),
 * resolve_service.c and resolve_zone.c.
 *
 * Step 1 enters the name of every top-level declaration into the table of
 * its kind (duplicates are errors, with a note at the first definition) and
 * creates its IR object, so references may come before definitions.
 * Step 2 reads each declaration's block against the property table of its
 * kind: unknown properties, wrong value types, properties set twice and
 * missing required ones are all located errors.  References become
 * pointers; a name of the wrong kind is reported as such; defaults (the
 * role's, the brand's) are applied.
 *
 * Guarantees on return with no errors: every IR object of every
 * declaration is complete and bound.  The rules that relate declarations
 * to each other (check.c) and target-specific work (placement, addresses:
 * lower.c) come after.
 */
#include <ctype.h>
#include <string.h>

#include "fmri.h"
#include "resolve.h"

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

struct ast_value **
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

struct ast_value *
arg(struct ast_dir *d, size_t i)
{
	struct ast_value *v = d->args;

	while (v != NULL && i-- > 0)
		v = v->next;
	return v;
}

int
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

const char *
get_str(struct model *m, struct ast_value *v, const char *what)
{
	if (v->kind != AV_WORD && v->kind != AV_STRING) {
		type_error(m, v, what, "a string");
		return NULL;
	}
	return v->s;
}

int
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
int
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

int
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

int
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

/* The names of a knowledge table whose rows start with their name. */
const char *const *
table_names(struct arena *a, const void *table, size_t stride, size_t n)
{
	const char **names = arena_alloc(a, (n + 1) * sizeof(*names));
	size_t i;

	for (i = 0; i < n; i++)
		names[i] = *(const char *const *)(const void *)
		    ((const char *)table + i * stride);
	return names;
}

/* A keyword among CHOICES; returns its index. */
int
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

void *
lookup_obj(struct model *m, enum kind k, struct ast_value *v)
{
	struct decl *d = model_lookup(m, k, v);

	return d != NULL ? d->obj : NULL;
}

/* ---- reading a block against a property table */

void
block_init(struct block *b, const struct prop *props, size_t n,
    const char *what, struct loc loc)
{
	memset(b, 0, sizeof(*b));
	b->props = props;
	b->nprops = n;
	b->what = what;
	b->loc = loc;
}

static void	split_statement(struct model *, struct ast_dir *,
		    struct ast_value *, struct ast_value *);

/*
 * The property D names, after checking its shape; -1 if it is unknown or
 * malformed (reported).  When a directive has too many values and the
 * extra ones start on a later line, a forgotten ';' is the likely cause.
 */
int
block_prop(struct model *m, struct block *b, struct ast_dir *d)
{
	const struct prop *p = NULL;
	size_t i;

	b->row = NULL;
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
			/* what the missing ';' joined to it is the next
			 * statement: read it as one, so that it is neither
			 * lost nor reported missing */
			if (extra->kind == AV_WORD)
				split_statement(m, d, last, extra);
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
	b->row = p;
	return p->id;
}

/* D's values from EXTRA on (the value after LAST) become a statement of
 * their own after D, with D's block if it had one. */
static void
split_statement(struct model *m, struct ast_dir *d, struct ast_value *last,
    struct ast_value *extra)
{
	struct ast_dir *n = arena_alloc(m->arena, sizeof(*n));
	struct ast_value *v;

	n->name = extra->s;
	n->loc = extra->loc;
	n->args = extra->next;
	for (v = n->args; v != NULL; v = v->next)
		n->nargs++;
	n->has_block = d->has_block;
	n->children = d->children;
	n->open = d->open;
	n->end = d->end;
	n->next = d->next;
	d->next = n;
	d->has_block = 0;
	d->children = NULL;
	d->nargs -= n->nargs + 1;
	if (last == extra)		/* no value was D's own */
		d->args = NULL;
	else
		last->next = NULL;
}

int
block_read(struct model *m, struct block *b, struct ast_dir *d, void *obj)
{
	const struct prop *p;
	struct ast_value *v = d->args;
	char *field;
	int id = block_prop(m, b, d), rc = 0;

	if (id < 0 || (p = b->row)->type == PT_CUSTOM)
		return id;
	field = (char *)obj + p->off;
	if (p->vloc != 0)
		*(struct loc *)(void *)((char *)obj + p->vloc - 1) = v->loc;
	switch (p->type) {
	case PT_MIB:
		rc = get_size(m, v, p->name, 1LL << 20, "MiB",
		    (long long *)(void *)field);
		break;
	case PT_GIB:
		rc = get_size(m, v, p->name, 1LL << 30, "GiB",
		    (long long *)(void *)field);
		break;
	case PT_INT:
		rc = get_int(m, v, p->name, p->lo, p->hi,
		    (long long *)(void *)field);
		break;
	case PT_BOOL:
		rc = get_bool(m, v, p->name, (int *)(void *)field);
		break;
	case PT_STRING: {
		const char *str = get_str(m, v, p->name);

		*(const char **)(void *)field = str;
		rc = str == NULL ? -1 : 0;
		break;
	}
	case PT_REF: {
		void *o = lookup_obj(m, p->ref, v);

		*(void **)(void *)field = o;
		rc = o == NULL ? -1 : 0;
		break;
	}
	case PT_CUSTOM:
		break;
	}
	(void)rc;	/* a bad value is reported; the field keeps its default */
	return id;
}

void
block_finish(struct model *m, struct block *b)
{
	size_t i;

	for (i = 0; i < b->nprops && i < 64; i++)
		if ((b->props[i].flags & P_REQUIRED) && b->seen[i] == NULL)
			diag_error(m->diag, b->loc, "%s has no %s", b->what,
			    b->props[i].name);
}

struct loc
ir_zone_loc(const struct ir_zone *z, enum zone_prop p)
{
	return z->set[p].src != NULL ? z->set[p] : z->loc;
}

int
ir_zone_sets(const struct ir_zone *z, enum zone_prop p)
{
	return z->set[p].src != NULL;
}

/* Append to an arena array of structs; grows by doubling. */
void *
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

/* ---- secrets used as values */

void
secret_use(struct model *m, struct ir_secret *s, struct loc l)
{
	*PUSH(m, s->uses, s->nuses) = l;
}

/* A single literal V as a value; 0, or -1 if V is a list. */
static int
scalar_value(struct ast_value *v, struct ir_value *out, int config)
{
	out->loc = v->loc;
	switch (v->kind) {
	case AV_STRING:
	case AV_ADDR:
	case AV_SIZE:
		out->kind = IRV_STRING;
		out->s = v->s;
		return 0;
	case AV_FLOAT:
		out->kind = config ? IRV_FLOAT : IRV_STRING;
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
	case AV_LIST:
		break;
	}
	return -1;
}

/*
 * A value for metadata or config: a string, number, true/false, or (with
 * GV_SECRET) `secret NAME`; with GV_LIST also a list of literals.
 */
int
get_value(struct model *m, struct ast_dir *d, struct ir_value *out,
    int flags)
{
	struct ast_value *v = d->args;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (d->nargs == 2 && v->kind == AV_WORD && strcmp(v->s, "secret") == 0) {
		if (!(flags & GV_SECRET)) {
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
		    "number, true/false%s%s)", d->name,
		    flags & GV_LIST ? ", a [list]" : "",
		    flags & GV_SECRET ? " or secret NAME" : "");
		return -1;
	}
	if (scalar_value(v, out, (flags & GV_LIST) != 0) == 0)
		return 0;
	if (!(flags & GV_LIST)) {
		type_error(m, v, d->name, "a single value");
		return -1;
	}
	out->kind = IRV_LIST;
	out->loc = v->loc;
	out->nitems = v->nitems;
	out->items = arena_alloc(m->arena, (v->nitems + 1) *
	    sizeof(*out->items));
	for (i = 0; i < v->nitems; i++)
		if (scalar_value(v->items[i], &out->items[i], 1) != 0) {
			diag_error(m->diag, v->items[i]->loc, "%s takes a list "
			    "of values, not of lists", d->name);
			return -1;
		}
	return 0;
}

/* key value; lines of a metadata-like block. */
struct ir_kv *
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
		if (get_value(m, c, &e->val, secrets_ok ? GV_SECRET : 0) != 0)
			k--;
	}
	*n = k;
	return kv;
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

/*
 * `allow CLASS;' (or a [list]) in a block silences the warnings of those
 * classes located in that block (ztopo(5), Warnings); the statements are
 * taken out of the tree here, so no property table sees them.
 */
static const char *
class_list(struct arena *a)
{
	const char *out = "";
	int i;

	for (i = 0; i < W__COUNT; i++)
		out = arena_printf(a, "%s%s%s", out, i ? ", " : "",
		    diag_class_names[i]);
	return out;
}

static void
take_allows(struct model *m, struct ast_dir *d)
{
	struct ast_dir **pp = &d->children, *c;

	while ((c = *pp) != NULL) {
		struct ast_value *v, **it;
		unsigned mask = 0;
		size_t i, n;

		if (strcmp(c->name, "allow") != 0) {
			if (c->has_block)
				take_allows(m, c);
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		if (c->has_block || c->nargs == 0) {
			diag_error(m->diag, c->loc, "expected: allow CLASS; or "
			    "allow [CLASS, ...]; (the warnings to silence in "
			    "this block)");
			continue;
		}
		for (v = c->args; v != NULL; v = v->next) {
			it = items_of(m, v, &n);
			for (i = 0; i < n; i++) {
				int k = it[i]->kind == AV_WORD ?
				    diag_class(it[i]->s) : -1;
				const char *sug;

				if (k >= 0) {
					mask |= 1u << k;
					continue;
				}
				sug = it[i]->kind == AV_WORD ? suggest(it[i]->s,
				    diag_class_names, W__COUNT) : NULL;
				diag_error(m->diag, it[i]->loc, "unknown warning "
				    "class%s%s%s%s%s%s (the classes: %s)",
				    it[i]->kind == AV_WORD ? " \"" : "",
				    it[i]->kind == AV_WORD ? it[i]->s : "",
				    it[i]->kind == AV_WORD ? "\"" : "",
				    sug ? "; did you mean \"" : "", sug ? sug : "",
				    sug ? "\"?" : "", class_list(m->arena));
			}
		}
		if (mask != 0)
			diag_allow(m->diag, d->loc.src, d->loc.line, d->end.line,
			    mask);
	}
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
	int k, mark = diag_mark(diag);

	memset(m, 0, sizeof(*m));
	m->arena = a;
	m->diag = diag;
	m->release = REL_ZED;
	for (k = 0; k < K__COUNT; k++)
		m->names[k] = hash_new(a);
	for (d = top; d != NULL; d = d->next) {
		if (strcmp(d->name, "allow") == 0) {
			diag_error(diag, d->loc, "allow goes inside the block "
			    "whose warnings it silences, not at the top level");
			continue;
		}
		if (d->has_block)
			take_allows(m, d);
	}
	for (d = top; d != NULL; d = d->next) {
		if (strcmp(d->name, "allow") == 0)
			continue;
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
	return diag_since(diag, mark);
}

