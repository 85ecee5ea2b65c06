/*
 * resolve_decls.c -- the resolve pass for the small declarations:
 * `openstack release', network, image, secret, credential and host; and
 * the readers of address and string lists that other declarations share.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

/* ---- top level: openstack */

void
read_openstack(struct model *m, struct ast_dir *d)
{
	const char *const *rels = TABLE_NAMES(m, release_table, REL__COUNT);
	struct ast_value *k = d->args;
	const char *list = "";
	int r;

	if (d->has_block || d->nargs != 2 || k->kind != AV_WORD ||
	    strcmp(k->s, "release") != 0) {
		for (r = 0; r < REL__COUNT; r++)
			list = arena_printf(m->arena, "%s%s%s", list, r == 0 ?
			    "" : r + 1 == REL__COUNT ? " or " : ", ", rels[r]);
		diag_error(m->diag, d->loc, "expected: openstack release "
		    "RELEASE; (%s)", list);
		return;
	}
	if ((r = get_choice(m, k->next, "openstack release", rels,
	    REL__COUNT)) < 0)
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

enum { NW_TAG, NW_SUBNET, NW_GATEWAY, NW_RESOLVERS, NW_VLAN, NW_MTU, NW_POOL,
	NW_PUBLIC };
#define N	struct ir_network
static const struct prop network_props[] = {
	{ "nic_tag", NW_TAG, 1, 1, P_REQUIRED, PT_STRING, offsetof(N, nic_tag),
	    0, 0, K_NETWORK, 0, 1 + offsetof(N, tag_loc) },
	PROP_CUSTOM("subnet", NW_SUBNET, 1, 1, P_REQUIRED),
	PROP_CUSTOM("gateway", NW_GATEWAY, 1, 1, 0),
	PROP_CUSTOM("resolvers", NW_RESOLVERS, 1, 16, 0),
	PROP_INT("vlan", NW_VLAN, N, vlan, 1, 4094),
	PROP_INT("mtu", NW_MTU, N, mtu, 576, 9000),
	PROP_CUSTOM("pool", NW_POOL, 2, 2, 0),
	PROP_SCALAR("public", NW_PUBLIC, 0, PT_BOOL, N, public, 0),
};

uint32_t *
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

int
in_net(const struct ir_network *n, uint32_t a)
{
	return (a & prefix_mask(n->prefix)) == n->net;
}

void
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

		switch (block_read(m, &b, d, n)) {
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
	PROP_CUSTOM("uuid", IM_UUID, 1, 1, P_REQUIRED),
	PROP_CUSTOM("brand", IM_BRAND, 1, 1, P_REQUIRED),
	PROP_CUSTOM("kernel_version", IM_KERNEL, 1, 1, 0),
	PROP_CUSTOM("size", IM_SIZE, 1, 1, 0),
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

void
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
			r = get_choice(m, v, "brand", TABLE_NAMES(m,
			    brand_table, BRAND__COUNT), BRAND__COUNT);
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
	if (kernel != NULL && !BRAND_HAS(im->brand, BP_LX)) {
		diag_error(m->diag, kernel->loc, "kernel_version applies to %s "
		    "images only, and image \"%s\" is %s",
		    brand_list(m->arena, BP_LX, -1, "and"), im->name,
		    brand_name(im->brand));
		diag_note(m->diag, im->brand_loc, "brand set here");
	}
	if (size != NULL && !BRAND_IS_HVM(im->brand)) {
		diag_error(m->diag, size->loc, "size applies to %s disk images "
		    "only, and image \"%s\" is %s",
		    brand_list(m->arena, BP_HVM, -1, "and"), im->name,
		    brand_name(im->brand));
		diag_note(m->diag, im->brand_loc, "brand set here");
	}
}

/* ---- secret */

void
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
	CR_PERMS, CR_TAGS, CR_ANYHOST, CR_PROJECT, CR_DOMAIN, CR__COUNT };
#define C	struct ir_credential
static const struct prop cred_props[] = {
	PROP_CUSTOM("kind", CR_KIND, 1, 1, P_REQUIRED),
	PROP_CUSTOM("user", CR_USER, 1, 1, P_REQUIRED),
	PROP_CUSTOM("databases", CR_DATABASES, 1, 32, 0),
	PROP_CUSTOM("privileges", CR_PRIVS, 1, 32, 0),
	PROP_CUSTOM("password", CR_PASSWORD, 1, 1, P_REQUIRED),
	PROP_SCALAR("vhost", CR_VHOST, 0, PT_STRING, C, vhost, 0),
	PROP_CUSTOM("permissions", CR_PERMS, 3, 3, 0),
	PROP_CUSTOM("tags", CR_TAGS, 1, 8, 0),
	PROP_SCALAR("any_host", CR_ANYHOST, 0, PT_BOOL, C, any_host, 0),
	PROP_SCALAR("project", CR_PROJECT, 0, PT_STRING, C, project, 0),
	PROP_SCALAR("domain", CR_DOMAIN, 0, PT_STRING, C, domain, 0),
};

/* The kind each property is for: -1 all (cred_props order). */
static const int cred_prop_kind[CR__COUNT] = {
	[CR_KIND] = -1, [CR_USER] = -1, [CR_PASSWORD] = -1,
	[CR_DATABASES] = CRED_MYSQL, [CR_PRIVS] = CRED_MYSQL,
	[CR_ANYHOST] = CRED_MYSQL,
	[CR_VHOST] = CRED_RABBITMQ, [CR_PERMS] = CRED_RABBITMQ,
	[CR_TAGS] = CRED_RABBITMQ,
	[CR_PROJECT] = CRED_KEYSTONE, [CR_DOMAIN] = CRED_KEYSTONE,
};

/*
 * The MariaDB privileges a credential may hold on its databases (db.*),
 * upper case, sorted: the per-database ones.  GRANT OPTION is not among
 * them: an account that may grant what it holds defeats least privilege,
 * and ztopo never writes WITH GRANT OPTION.
 */
static const char *const db_privs[] = {
	"ALL", "ALL PRIVILEGES", "ALTER", "ALTER ROUTINE", "CREATE",
	"CREATE ROUTINE", "CREATE TEMPORARY TABLES", "CREATE VIEW", "DELETE",
	"DELETE HISTORY", "DROP", "EVENT", "EXECUTE", "INDEX",
	"INSERT", "LOCK TABLES", "REFERENCES", "SELECT", "SHOW VIEW",
	"TRIGGER", "UPDATE",
};

/* MariaDB's own schemas: a grant on one gives away the server (mysql,
 * sys, performance_schema) or cannot be applied (information_schema). */
static const char *const system_schemas[] = {
	"information_schema", "mysql", "performance_schema", "sys", NULL
};

/* Why MariaDB would store user name U as another name, or NULL. */
static const char *
mysql_user_problem(const char *u)
{
	const unsigned char *p;
	size_t n = strlen(u);

	if (n > 0 && (u[n - 1] == ' ' || u[n - 1] == '\t'))
		return "MariaDB strips trailing blanks from user names, so it "
		    "would be another account's name";
	for (p = (const unsigned char *)u; *p; p++)
		if (*p >= 0xf0)
			return "MariaDB stores characters beyond U+FFFF in user "
			    "names as '?'";
	return NULL;
}

const char **
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

void
read_credential(struct model *m, struct decl *dc)
{
	const char *kinds[CRED__COUNT];
	struct ir_credential *c = dc->obj;
	struct ast_dir *d, *by[CR__COUNT] = { NULL };
	struct block b;
	size_t i;
	int k = -1;

	for (i = 0; i < CRED__COUNT; i++)
		kinds[i] = credkind_name((enum ir_credkind)i);
	block_init(&b, cred_props, NPROPS(cred_props),
	    arena_printf(m->arena, "credential \"%s\"", c->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		int id = block_read(m, &b, d, c);

		if (id < 0)
			continue;
		by[id] = d;
		switch (id) {
		case CR_KIND:
			k = get_choice(m, v, "credential kind", kinds,
			    CRED__COUNT);
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
					if (strcmp(up, "GRANT OPTION") == 0) {
						diag_error(m->diag, it[j]->loc,
						    "GRANT OPTION would let the "
						    "account grant what it holds "
						    "to others; ztopo grants "
						    "least privilege and never "
						    "writes it");
						continue;
					}
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
		case CR_PERMS:
			c->perm_configure = get_str(m, v, "permissions");
			c->perm_write = get_str(m, v->next, "permissions");
			c->perm_read = get_str(m, v->next->next, "permissions");
			break;
		case CR_TAGS:
			c->rabbit_tags = get_strs(m, d, &c->nrabbit_tags,
			    "tags", 1);
			break;
		}
	}
	block_finish(m, &b);
	if (k < 0)
		return;
	/* properties of another kind */
	for (i = 0; i < CR__COUNT; i++)
		if (by[i] != NULL && cred_prop_kind[i] >= 0 &&
		    cred_prop_kind[i] != (int)c->kind)
			diag_error(m->diag, by[i]->loc, "%s applies to %s "
			    "credentials, and \"%s\" is a %s credential",
			    by[i]->name, kinds[cred_prop_kind[i]], c->name,
			    kinds[c->kind]);
	if (c->kind == CRED_MYSQL) {
		const char *why;

		if (by[CR_DATABASES] == NULL)
			diag_error(m->diag, dc->loc, "mysql credential \"%s\" "
			    "has no databases", c->name);
		for (i = 0; i < c->ndatabases; i++) {
			const char *const *sys;

			for (sys = system_schemas; *sys != NULL; sys++)
				if (strcasecmp(c->databases[i], *sys) == 0)
					break;
			if (*sys != NULL)
				diag_error(m->diag, by[CR_DATABASES]->loc,
				    "database \"%s\" is MariaDB's own schema; "
				    "%s", c->databases[i], strcmp(*sys,
				    "information_schema") == 0 ? "nothing can "
				    "be granted on it" : "a grant on it gives "
				    "away the whole server");
		}
		if (c->user != NULL && (why = mysql_user_problem(c->user)) !=
		    NULL)
			diag_error(m->diag, by[CR_USER]->args->loc, "user "
			    "\"%s\" of mysql credential \"%s\": %s", c->user,
			    c->name, why);
		if (c->nprivileges == 0 && by[CR_PRIVS] == NULL)
			*PUSH(m, c->privileges, c->nprivileges) = "ALL";
	} else if (c->kind == CRED_KEYSTONE) {
		/* the project and domain every install guide gives services */
		if (c->project == NULL)
			c->project = "service";
		if (c->domain == NULL)
			c->domain = "Default";
	} else {
		if (c->vhost == NULL)
			c->vhost = "/";
		if (c->perm_configure == NULL)
			c->perm_configure = c->perm_write = c->perm_read = ".*";
	}
}

/* ---- host */

enum { HO_ADDRESS, HO_MEMORY, HO_DISK };
static const struct prop host_props[] = {
	PROP_CUSTOM("address", HO_ADDRESS, 2, 2, P_REPEAT | P_REQUIRED),
	PROP_SCALAR("memory", HO_MEMORY, P_REQUIRED, PT_MIB, struct ir_host,
	    memory_mib, 0),
	PROP_SCALAR("disk", HO_DISK, P_REQUIRED, PT_GIB, struct ir_host,
	    disk_gib, 0),
};

void
read_host(struct model *m, struct decl *dc)
{
	struct ir_host *h = dc->obj;
	struct ast_dir *d;
	struct block b;

	block_init(&b, host_props, NPROPS(host_props),
	    arena_printf(m->arena, "host \"%s\"", h->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;

		switch (block_read(m, &b, d, h)) {
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
		}
	}
	block_finish(m, &b);
}

