/*
 * oslo.c -- the oslo.config files of every OpenStack service: nova,
 * keystone, glance-api, placement-api and neutron-server, one set per
 * project for each zone instance (or global zone) that runs its services.
 *
 *	<host>/<zone>/<project>/10-ztopo.conf		0644, no secret
 *	<host>/<zone>/<project>/20-ztopo-secrets.conf	0600, every option
 *						whose value holds a secret
 *
 * (<zone> is "global" for a host's global zone.)  The services read both
 * in their config dir (ir_sinst.config_dir: --config-dir, or keystone's
 * OS_KEYSTONE_CONFIG_FILES); each option is in exactly one of them, so
 * their order does not matter, and both are always written, so the
 * layout of a tree does not depend on the secrets.  Two projects differ
 * (roles.c, project_table): placement's WSGI app reads one file, so it
 * gets placement.conf (0644) and ztopo-secrets.env (0600, the secret
 * options as OS_<SECTION>__<OPTION>, which oslo.config reads from the
 * environment, loaded by the start method); neutron-server also reads
 * ml2_conf.ini, which gets the options only the ML2 registry has.
 *
 * What a file holds: the union, over the services of the project placed
 * there, of the options their role needs in the description's release
 * (the role's `needs', roles.c), every address taken from the placement
 * -- the `uses` edges of the service (server address as the client sees
 * it), and for what a service needs without declaring a use (keystone's
 * auth_url, placement, glance, neutron, the noVNC proxy), from the
 * instances the target places, at their address on a network the client
 * shares.  Public URLs (www_authenticate_uri) use the server's address on
 * a network marked public, else the one clients reach.
 *
 * Keystone: every keystoneauth section ([keystone_authtoken],
 * [service_user], nova's [placement] and [neutron], neutron's [nova])
 * logs in with the keystone credential of the service it configures
 * (`uses keystone via CRED`): its user, project and domain, and its
 * password secret.  The region is the keystone service's.  Other APIs
 * are found through the keystone catalog (region_name, valid_interfaces
 * internal), whose endpoints the plan registers from the same placement.
 *
 * Then the free-form `config` options of those services, merged over the
 * derived ones: an option the .zt sets replaces the derived value of the
 * same [section] key (in place); other options are added after the
 * derived ones of their section, in declaration order.  Two services in
 * one place that need different values for one option is an error.
 * Every option a .zt sets is checked against its project's registry
 * (oslocheck.c).  A keystoneauth option the .zt sets in a section without
 * auth_type is an error: the service would ignore it.
 *
 * Values are written for oslo.config: '$' is doubled ("\$" is written
 * "\\$" for Zed, whose oslo.config reads "\$" as "$$"), a value with
 * blanks, quotes or non-ASCII bytes at either end is double-quoted (oslo
 * strips those), and control characters are refused.  In URLs, user names
 * and passwords are percent-encoded (everything but RFC 3986 unreserved
 * characters), so '@ / : % , $' and the rest cannot break them; with
 * --redact the @@NAME@@ placeholder is written as it is, so it stays
 * recognisable.  In the environment file, values are single-quoted for
 * sh(1).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oslo.h"

/* One option of a file. */
struct nopt {
	const char		*section, *key;
	char			*value;		/* escaped; NULL: none yet */
	const char		*missing;	/* value NULL: error unless the
						 * .zt sets it */
	int			 secret;
	int			 from_config;
	int			 auth;		/* read only with auth_type */
	int			 extra;		/* in the project's extra file */
	const struct ir_service	*service;	/* who asked for it */
	struct loc		 loc;
};

/* One project's files at one place: its services in a zone instance or
 * global zone. */
struct frag {
	const struct ir		*ir;
	struct arena		*a;
	struct diag		*d;
	const struct emit_opts	*eo;
	enum ir_project		 project;
	struct vec		 sis;		/* const struct ir_sinst * */
	struct vec		 opts;		/* struct nopt * */
	struct hash		*index;		/* "section\nkey" -> nopt */
	struct hash		*reported;	/* errors made once per
						 * service, not per instance */
	struct arena		*keep;		/* ...its keys: kept */
	const struct ir_use	*ks;		/* the keystone login of its
						 * services, once one is seen */
	const struct ir_sinst	*ks_si;
	int			 ks_conflict;
};

/* A server instance a client reaches, and the address it uses. */
struct srv {
	const struct ir_sinst	*si;
	uint32_t		 addr;
	const struct ir_use	*use;		/* NULL: not a declared use */
};

/*
 * Options a role's needs imply with a fixed value: policy ztopo chooses
 * once, here, for every service of the role.
 */
static const struct {
	unsigned	 need;
	const char	*section, *key, *value;
} fixed[] = {
	{ NEED_CACHE, "cache", "enabled", "true" },
	{ NEED_CACHE, "cache", "backend", "oslo_cache.memcache_pool" },
	{ NEED_KEYS, "fernet_tokens", "key_repository",
	    "/var/lib/keystone/fernet-keys/" },
	{ NEED_KEYS, "credential", "key_repository",
	    "/var/lib/keystone/credential-keys/" },
	{ NEED_PASTE, "paste_deploy", "flavor", "keystone" },
	{ NEED_STORE, "glance_store", "filesystem_store_datadir",
	    "/var/lib/glance/images/" },
	{ NEED_KS_API, "api", "auth_strategy", "keystone" },
	{ NEED_ML2, "DEFAULT", "core_plugin", "ml2" },
	{ NEED_ML2, "DEFAULT", "service_plugins", "router" },
	{ NEED_ML2, "ml2", "type_drivers", "flat,vlan,vxlan" },
	{ NEED_ML2, "ml2", "tenant_network_types", "vxlan" },
	{ NEED_ML2, "ml2", "mechanism_drivers", "openvswitch,l2population" },
	{ NEED_ML2, "ml2", "extension_drivers", "port_security" },
	{ NEED_ML2, "ml2_type_vxlan", "vni_ranges", "1:1000" },
	{ NEED_NOVA, "DEFAULT", "notify_nova_on_port_status_changes", "true" },
	{ NEED_NOVA, "DEFAULT", "notify_nova_on_port_data_changes", "true" },
};

/* ---- writing values */

/* A secret inside a URL: encoded, or the placeholder as it is. */
static void
url_secret(struct frag *f, struct strbuf *sb, const struct ir_secret *s)
{
	const char *t = secret_text(f->a, s, f->eo);

	if (f->eo->redact || s->value == NULL)
		sb_puts(sb, t);
	else
		sb_urlencode(sb, t);
}

static int
edge_special(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c >= 0x80;
}

/* V escaped for oslo.config of release R (see the top of the file);
 * QUOTE: for an INI file, whose parser strips blanks and quotes. */
static char *
oslo_value(struct arena *a, const char *v, enum ir_release r, int quote)
{
	struct strbuf sb;
	size_t n = strlen(v);
	const char *p;
	char *out;

	quote = quote && n > 0 && (edge_special((unsigned char)v[0]) ||
	    edge_special((unsigned char)v[n - 1]));
	sb_init(&sb);
	if (quote)
		sb_putc(&sb, '"');
	for (p = v; *p; p++) {
		if (*p != '$')
			sb_putc(&sb, *p);
		else if (REL_HAS(r, RF_OSLO_ESCAPE) && p > v && p[-1] == '\\')
			sb_puts(&sb, "\\$");	/* \\$ -> \$$ -> \$ */
		else
			sb_puts(&sb, "$$");
	}
	if (quote)
		sb_putc(&sb, '"');
	out = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	return out;
}

/* ---- collecting options */

static struct nopt *
lookup(struct frag *f, const char *sec, const char *key)
{
	size_t ls = strlen(sec), lk = strlen(key);
	char buf[256];

	/* "SEC\nKEY", the option's name in the index: on the stack */
	if (ls + lk + 2 > sizeof(buf))
		return hash_get(f->index, arena_printf(f->a, "%s\n%s", sec,
		    key));
	memcpy(buf, sec, ls);
	buf[ls] = '\n';
	memcpy(buf + ls + 1, key, lk + 1);
	return hash_get(f->index, buf);
}

static struct nopt *
new_opt(struct frag *f, const char *sec, const char *key)
{
	struct nopt *o = arena_alloc(f->a, sizeof(*o));
	int extra = 0;

	o->section = sec;
	o->key = key;
	if (oslo_lookup(f->project, f->ir->release, sec, key, &extra) != NULL)
		o->extra = extra;
	hash_put(f->index, arena_printf(f->a, "%s\n%s", sec, key), o);
	vec_push(f->a, &f->opts, o);
	return o;
}

/*
 * A derived option: RAW (unescaped, NULL with MISSING: an error unless
 * the .zt sets it).  Two services of one place asking for different
 * values is an error.
 */
static void
derive(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec, const char *key, const char *raw, int secret,
    const char *missing)
{
	struct nopt *o = lookup(f, sec, key);
	char *v = raw ? oslo_value(f->a, raw, f->ir->release, 1) : NULL;

	if (o != NULL) {
		if ((o->value == NULL) != (v == NULL) ||
		    (v != NULL && strcmp(o->value, v) != 0)) {
			diag_error(f->d, l, "services \"%s\" and \"%s\" share "
			    "the %s configuration of %s/%s but need different "
			    "values for [%s] %s", o->service->name,
			    si->service->name, project_table[f->project].name,
			    si->host->name, si->zone_name, sec, key);
			diag_note(f->d, o->loc, "\"%s\" needs its value "
			    "because of this", o->service->name);
		}
		return;
	}
	o = new_opt(f, sec, key);
	o->value = v;
	o->missing = missing;
	o->secret = secret;
	o->service = si->service;
	o->loc = l;
}

static void
derive_str(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec, const char *key, const char *raw)
{
	derive(f, si, l, sec, key, raw, 0, NULL);
}

/* Does the project's registry of this release have SEC KEY? */
static int
has(struct frag *f, const char *sec, const char *key)
{
	return oslo_lookup(f->project, f->ir->release, sec, key, NULL) != NULL;
}

/* ---- finding servers */

/* SV's address as client SI sees it: on the first of SI's networks SV is
 * on, else SV's primary address. */
static uint32_t
addr_from(const struct ir_sinst *si, const struct ir_sinst *sv)
{
	const struct ir_nic *nics = si->zone ? si->zone->nics : si->host->addrs;
	size_t n = si->zone ? si->zone->nnics : si->host->naddrs, i;

	for (i = 0; i < n; i++) {
		uint32_t a = ir_sinst_addr_on(sv, nics[i].network);

		if (a != 0)
			return a;
	}
	return sv->addr;
}

/*
 * The instances of role ROLE that SI reaches: through its own `uses`
 * edges when it declares one (only uses it makes in this release), else
 * (FALLBACK) every instance the target places.
 */
static struct srv *
servers(struct frag *f, const struct ir_sinst *si, enum ir_role role,
    int fallback, size_t *nout)
{
	const struct ir *ir = f->ir;
	struct srv *v;
	size_t i, n = 0;

	for (i = 0; i < si->nout; i++)
		n += si->out[i]->server->service->role == role &&
		    si->out[i]->use->needed;
	/* sized by what is found: the fallback only, by every instance */
	v = arena_alloc(f->a, ((n || !fallback ? n : ir->nrole_sinsts[role]) +
	    1) * sizeof(*v));
	n = 0;
	for (i = 0; i < si->nout; i++) {
		const struct ir_edge *e = si->out[i];

		if (e->server->service->role != role || !e->use->needed)
			continue;
		v[n].si = e->server;
		v[n].addr = e->server_addr;
		v[n].use = e->use;
		n++;
	}
	if (n == 0 && fallback) {
		for (i = 0; i < ir->nrole_sinsts[role]; i++) {
			const struct ir_sinst *sv = ir->role_sinsts[role][i];

			v[n].si = sv;
			v[n].addr = addr_from(si, sv);
			v[n].use = NULL;
			n++;
		}
	}
	*nout = n;
	return v;
}

/*
 * A configuration names one database and one message bus: the servers
 * found for a role must be instances of one service.  Reports the second
 * service.
 */
static int
one_service(struct frag *f, const struct ir_sinst *si, const struct srv *v,
    size_t n, const char *what)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i].use != NULL && v[0].use != NULL &&
		    v[i].use->service != v[0].use->service) {
			diag_error(f->d, v[i].use->loc, "\"%s\" uses two %s "
			    "services, \"%s\" and \"%s\"; its configuration "
			    "names one", si->service->name, what,
			    v[0].use->service->name, v[i].use->service->name);
			diag_note(f->d, v[0].use->loc, "\"%s\" is used here",
			    v[0].use->service->name);
			return -1;
		}
	return 0;
}

static const char *
many(struct frag *f, size_t n, enum ir_role role, const char *sec,
    const char *key)
{
	return arena_printf(f->a, "target \"%s\" places %s %zu times and "
	    "the %s configuration takes one address: set [%s] %s in the "
	    "service's config", f->ir->target, role_table[role].name, n,
	    project_table[f->project].name, sec, key);
}

/* ---- databases and RPC */

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
db_name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '$' ||
		    *s == '-'))
			return 0;
	return 1;
}

/* The credential's API database (name ending in _api) or cell database
 * (the first one not ending in _api or _cell0); NULL if none. */
static const char *
pick_db(const struct ir_credential *c, int api)
{
	size_t i;

	for (i = 0; i < c->ndatabases; i++) {
		const char *db = c->databases[i];
		int is_api = ends_with(db, "_api");

		if (api ? is_api : !is_api && !ends_with(db, "_cell0"))
			return db;
	}
	return NULL;
}

/* A connection URL to database DB of the credential of S, as [SEC] KEY. */
static void
db_url(struct frag *f, const struct ir_sinst *si, const struct srv *s,
    const char *db, const char *sec, const char *key)
{
	const struct ir_credential *c = s->use->cred;
	struct strbuf sb;

	if (!db_name_ok(db)) {
		diag_error(f->d, c->loc, "database name \"%s\" of credential "
		    "\"%s\" cannot be written in a connection URL (letters, "
		    "digits, _ $ and - only)", db, c->name);
		return;
	}
	sb_init(&sb);
	/* else MySQLdb, Folsom's driver */
	sb_puts(&sb, REL_HAS(f->ir->release, RF_PYMYSQL) ? "mysql+pymysql://" :
	    "mysql://");
	sb_urlencode(&sb, c->user);
	sb_putc(&sb, ':');
	url_secret(f, &sb, c->password);
	sb_printf(&sb, "@%s:%d/%s", ir_addr(f->ir, s->addr),
	    ir_port(s->si->service, 0), db);
	if (REL_HAS(f->ir->release, RF_PYMYSQL))
		sb_puts(&sb, "?charset=utf8");
	derive(f, si, s->use->loc, sec, key, sb.buf, 1, NULL);
	sb_free(&sb);
}

/* nova's API database (api) or cell database. */
static void
nova_db(struct frag *f, const struct ir_sinst *si, const struct srv *s,
    int api)
{
	const struct ir_credential *c = s->use->cred;
	const char *db = pick_db(c, api);
	const char *sec, *key;

	if (REL_HAS(f->ir->release, RF_NOVA_SECTIONS)) {
		sec = api ? "api_database" : "database";
		key = "connection";
	} else {
		sec = "DEFAULT";
		key = "sql_connection";
	}
	if (db == NULL) {
		diag_error(f->d, s->use->loc, "credential \"%s\" has no %s "
		    "database for [%s] %s of \"%s\" (%s)", c->name,
		    api ? "API" : "cell", sec, key, si->service->name,
		    api ? "a name ending in _api" :
		    "a name not ending in _api or _cell0");
		diag_note(f->d, c->loc, "credential \"%s\" is defined here",
		    c->name);
		return;
	}
	db_url(f, si, s, db, sec, key);
}

static void
databases(struct frag *f, const struct ir_sinst *si, unsigned need)
{
	size_t n;
	struct srv *v = servers(f, si, ROLE_MYSQL, 0, &n);
	const char *sec;

	if (n == 0 || v[0].use->cred == NULL ||
	    !(need & (NEED_API_DB | NEED_CELL_DB | NEED_DB |
	    NEED_PLACEMENT_DB | NEED_DB_SQL | NEED_DB_FLAT)) ||
	    one_service(f, si, v, n, "MySQL") == -1)
		return;
	if (n > 1) {
		diag_error(f->d, v[0].use->loc, "\"%s\" uses \"%s\", which "
		    "target \"%s\" places %zu times; its configuration names "
		    "one database server", si->service->name,
		    v[0].use->service->name, f->ir->target, n);
		return;
	}
	if (need & NEED_API_DB)
		nova_db(f, si, &v[0], 1);
	if (need & NEED_CELL_DB)
		nova_db(f, si, &v[0], 0);
	if (need & (NEED_DB | NEED_PLACEMENT_DB | NEED_DB_SQL)) {
		sec = need & NEED_DB ? "database" : need & NEED_DB_SQL ? "sql" :
		    "placement_database";
		db_url(f, si, &v[0], v[0].use->cred->databases[0], sec,
		    "connection");
	}
	if (need & NEED_DB_FLAT)
		db_url(f, si, &v[0], v[0].use->cred->databases[0], "DEFAULT",
		    "sql_connection");
}

static void
rpc(struct frag *f, const struct ir_sinst *si)
{
	size_t n, i;
	struct srv *v = servers(f, si, ROLE_RABBITMQ, 0, &n);
	const struct ir_credential *c;
	struct strbuf sb;

	if (n == 0 || (c = v[0].use->cred) == NULL ||
	    one_service(f, si, v, n, "RabbitMQ") == -1)
		return;
	if (!REL_HAS(f->ir->release, RF_TRANSPORT_URL)) {
		struct loc l = v[0].use->loc;

		if (n > 1) {
			diag_error(f->d, l, "\"%s\" uses \"%s\", which target "
			    "\"%s\" places %zu times; Folsom's nova connects "
			    "to one RabbitMQ host", si->service->name,
			    v[0].use->service->name, f->ir->target, n);
			return;
		}
		derive_str(f, si, l, "DEFAULT", "rabbit_host",
		    ir_addr(f->ir, v[0].addr));
		derive_str(f, si, l, "DEFAULT", "rabbit_port",
		    arena_printf(f->a, "%d", ir_port(v[0].si->service, 0)));
		derive_str(f, si, l, "DEFAULT", "rabbit_userid", c->user);
		derive(f, si, l, "DEFAULT", "rabbit_password",
		    secret_text(f->a, c->password, f->eo), 1, NULL);
		derive_str(f, si, l, "DEFAULT", "rabbit_virtual_host",
		    c->vhost ? c->vhost : "/");
		return;
	}
	/* rabbit://user:pass@host:port,user:pass@host:port/vhost */
	sb_init(&sb);
	sb_puts(&sb, "rabbit://");
	for (i = 0; i < n; i++) {
		c = v[i].use->cred;
		if (i > 0)
			sb_putc(&sb, ',');
		sb_urlencode(&sb, c->user);
		sb_putc(&sb, ':');
		url_secret(f, &sb, c->password);
		sb_printf(&sb, "@%s:%d", ir_addr(f->ir, v[i].addr),
		    ir_port(v[i].si->service, 0));
	}
	sb_putc(&sb, '/');
	sb_urlencode(&sb, c->vhost ? c->vhost : "/");
	derive(f, si, v[0].use->loc, "DEFAULT", "transport_url", sb.buf, 1,
	    NULL);
	sb_free(&sb);
}

/* ---- keystone */

/* The keystone credential SI's service logs in with, or NULL. */
static const struct ir_use *
ks_use(const struct ir_sinst *si)
{
	size_t i;

	for (i = 0; i < si->service->nuses; i++) {
		const struct ir_use *u = &si->service->uses[i];

		if (u->cred != NULL && u->cred->kind == CRED_KEYSTONE)
			return u;
	}
	return NULL;
}

/* [SEC] with auth_type password as SI's keystone user (the caller
 * derives auth_url). */
static void
ks_auth(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec)
{
	const struct ir_use *u = ks_use(si);
	const struct ir_credential *c = u ? u->cred : NULL;

	if (u != NULL)
		l = u->loc;
	if (u != NULL && f->ks != NULL && f->ks->cred != u->cred) {
		if (!f->ks_conflict) {	/* once per place, not per section */
			diag_error(f->d, l, "services \"%s\" and \"%s\" share "
			    "the %s configuration of %s/%s, so they log in to "
			    "keystone as one user, but their credentials are "
			    "\"%s\" and \"%s\"", f->ks_si->service->name,
			    si->service->name, project_table[f->project].name,
			    si->host->name, si->zone_name, f->ks->cred->name,
			    u->cred->name);
			diag_note(f->d, f->ks->loc, "\"%s\" logs in as \"%s\" "
			    "here", f->ks_si->service->name, f->ks->cred->user);
			f->ks_conflict = 1;
		}
		return;
	}
	if (u != NULL && f->ks == NULL) {
		f->ks = u;
		f->ks_si = si;
	}
	derive_str(f, si, l, sec, "auth_type", "password");
	if (c == NULL) {
		derive(f, si, l, sec, "username", NULL, 0, arena_printf(f->a,
		    "\"%s\" logs in to keystone, but has no keystone "
		    "credential: declare `credential NAME { kind keystone; "
		    "user ...; password SECRET; }` and write `uses keystone "
		    "via NAME;` in it", si->service->name));
		return;
	}
	derive_str(f, si, l, sec, "project_domain_name", c->domain);
	derive_str(f, si, l, sec, "user_domain_name", c->domain);
	derive_str(f, si, l, sec, "project_name", c->project);
	derive_str(f, si, l, sec, "username", c->user);
	derive(f, si, l, sec, "password", secret_text(f->a, c->password,
	    f->eo), 1, NULL);
}

/* A client section of another API found through the catalog. */
static void
ks_client(struct frag *f, const struct ir_sinst *si, const char *sec,
    const char *auth, size_t nks, const char *region)
{
	struct loc l = si->service->role_loc;

	derive(f, si, l, sec, "auth_url", auth, 0, many(f, nks, ROLE_KEYSTONE,
	    sec, "auth_url"));
	ks_auth(f, si, l, sec);
	if (region != NULL)
		derive_str(f, si, l, sec, "region_name", region);
}

static void
keystone(struct frag *f, const struct ir_sinst *si, unsigned need)
{
	size_t nks, nmc, n, i;
	struct srv *ks = servers(f, si, ROLE_KEYSTONE, 1, &nks);
	const char *base = NULL, *pub = NULL, *auth = NULL, *region = NULL;
	struct loc l = si->service->role_loc;
	struct strbuf sb;
	int zed = REL_HAS(f->ir->release, RF_KEYSTONE_V3);

	if (nks == 0)
		return;			/* no keystone in this target */
	if (!zed) {
		/* Folsom: the paste filter checks tokens at keystone's admin
		 * port, as the credential's user if there is one */
		if (!(need & NEED_AUTHTOKEN))
			return;
		if (has(f, "DEFAULT", "auth_strategy"))
			derive_str(f, si, l, "DEFAULT", "auth_strategy",
			    role_table[ROLE_KEYSTONE].name);
		if (nks == 1 && ir_port(ks[0].si->service, 1) != 0) {
			const struct ir_use *u = ks_use(si);
			const char *sec = "keystone_authtoken";

			derive_str(f, si, l, sec, "auth_host", ir_addr(f->ir,
			    ks[0].addr));
			derive_str(f, si, l, sec, "auth_port", arena_printf(f->a,
			    "%d", ir_port(ks[0].si->service, 1)));
			derive_str(f, si, l, sec, "auth_protocol", "http");
			if (u != NULL) {
				derive_str(f, si, u->loc, sec,
				    "admin_tenant_name", u->cred->project);
				derive_str(f, si, u->loc, sec, "admin_user",
				    u->cred->user);
				derive(f, si, u->loc, sec, "admin_password",
				    secret_text(f->a, u->cred->password, f->eo),
				    1, NULL);
			}
		}
		return;
	}
	if (nks == 1) {
		int port = ir_port(ks[0].si->service, 0);

		base = arena_printf(f->a, "http://%s:%d", ir_addr(f->ir,
		    ks[0].addr), port);
		pub = arena_printf(f->a, "http://%s:%d/", ir_addr(f->ir,
		    ir_sinst_public_addr(ks[0].si, ks[0].addr)), port);
		auth = arena_printf(f->a, "%s/v3", base);
		region = ks[0].si->service->region;
	} else
		region = ks[0].si->service->region;
	if (need & NEED_AUTHTOKEN) {
		const char *sec = "keystone_authtoken";
		struct srv *mc = servers(f, si, ROLE_MEMCACHED, 0, &nmc);

		derive(f, si, l, sec, "www_authenticate_uri", pub, 0,
		    many(f, nks, ROLE_KEYSTONE, sec, "www_authenticate_uri"));
		derive(f, si, l, sec, "auth_url", base ? arena_printf(f->a,
		    "%s/", base) : NULL, 0, many(f, nks, ROLE_KEYSTONE, sec,
		    "auth_url"));
		if (nmc > 0) {
			sb_init(&sb);
			for (i = 0; i < nmc; i++)
				sb_printf(&sb, "%s%s:%d", i ? "," : "",
				    ir_addr(f->ir, mc[i].addr),
				    ir_port(mc[i].si->service, 0));
			derive_str(f, si, mc[0].use->loc, sec,
			    "memcached_servers", sb.buf);
			sb_free(&sb);
		}
		ks_auth(f, si, l, sec);
		if (region != NULL)
			derive_str(f, si, l, sec, "region_name", region);
	}
	if (need & NEED_SERVICE_USER) {
		derive_str(f, si, l, "service_user", "send_service_user_token",
		    "true");
		ks_client(f, si, "service_user", auth, nks, NULL);
	}
	servers(f, si, ROLE_PLACEMENT_API, 1, &n);
	if ((need & NEED_PLACEMENT) && n > 0) {
		ks_client(f, si, "placement", auth, nks, region);
		derive_str(f, si, l, "placement", "valid_interfaces",
		    "internal");
	}
	servers(f, si, ROLE_NEUTRON_SERVER, 1, &n);
	if ((need & NEED_NEUTRON) && n > 0) {
		ks_client(f, si, "neutron", auth, nks, region);
		derive_str(f, si, l, "neutron", "valid_interfaces", "internal");
	}
	servers(f, si, ROLE_NOVA_API, 1, &n);
	if ((need & NEED_NOVA) && n > 0) {
		ks_client(f, si, "nova", auth, nks, region);
		derive_str(f, si, l, "nova", "endpoint_type", "internal");
	}
	servers(f, si, ROLE_GLANCE_API, 1, &n);
	if ((need & NEED_GLANCE) && n > 0) {
		/* the catalog, not the deprecated api_servers */
		if (region != NULL)
			derive_str(f, si, l, "glance", "region_name", region);
		derive_str(f, si, l, "glance", "valid_interfaces", "internal");
	}
}

/* keystone's own [cache] on the memcached servers it uses. */
static void
cache(struct frag *f, const struct ir_sinst *si)
{
	size_t n, i;
	struct srv *mc = servers(f, si, ROLE_MEMCACHED, 0, &n);
	struct strbuf sb;

	if (n == 0)
		return;
	sb_init(&sb);
	for (i = 0; i < n; i++)
		sb_printf(&sb, "%s%s:%d", i ? "," : "", ir_addr(f->ir,
		    mc[i].addr), ir_port(mc[i].si->service, 0));
	derive_str(f, si, mc[0].use->loc, "cache", "memcache_servers", sb.buf);
	sb_free(&sb);
}

/* ---- one service */

static void
derive_service(struct frag *f, const struct ir_sinst *si)
{
	const struct ir *ir = f->ir;
	const struct ir_service *s = si->service;
	const struct project_info *pj = &project_table[f->project];
	unsigned need = role_table[s->role].needs[ir->release];
	const char *my_ip = ir_addr(ir, si->addr);
	struct loc l = s->role_loc;
	int zed = REL_HAS(ir->release, RF_NOVA_SECTIONS);
	struct strbuf sb;
	size_t n, i;
	struct srv *v;

	/* the project's common options, where its release reads them */
	if (pj->host && zed)	/* Folsom's nova: the zone's host name */
		derive_str(f, si, si->loc, "DEFAULT", "host", si->nodename);
	if (pj->my_ip)
		derive_str(f, si, si->loc, "DEFAULT", "my_ip", my_ip);
	if (pj->state_path != NULL)
		derive_str(f, si, l, "DEFAULT", "state_path", pj->state_path);
	if (pj->lock_path != NULL && has(f, zed ? "oslo_concurrency" :
	    "DEFAULT", "lock_path"))
		derive_str(f, si, l, zed ? "oslo_concurrency" : "DEFAULT",
		    "lock_path", pj->lock_path);
	if ((need & NEED_PASTE_INI) && pj->paste_file != NULL)
		derive_str(f, si, l, has(f, pj->paste_section, pj->paste_key) ?
		    pj->paste_section : "DEFAULT", pj->paste_key,
		    ir_expand(ir->arena, pj->paste_file, si));
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (need & fixed[i].need)
			derive_str(f, si, l, fixed[i].section, fixed[i].key,
			    fixed[i].value);
	rpc(f, si);
	if (need & NEED_CACHE)
		cache(f, si);
	if (need & NEED_BIND)
		derive_str(f, si, l, "DEFAULT", "bind_port",
		    arena_printf(f->a, "%d", ir_port(s, 0)));
	if (need & NEED_KS_PORTS) {
		derive_str(f, si, l, "DEFAULT", "public_port",
		    arena_printf(f->a, "%d", ir_port(s, 0)));
		derive_str(f, si, l, "DEFAULT", "admin_port",
		    arena_printf(f->a, "%d", ir_port(s, 1)));
	}
	if (need & NEED_REGISTRY) {
		v = servers(f, si, ROLE_GLANCE_REGISTRY, 1, &n);
		if (n > 0) {
			derive(f, si, l, "DEFAULT", "registry_host", n == 1 ?
			    ir_addr(ir, v[0].addr) : NULL, 0, many(f, n,
			    ROLE_GLANCE_REGISTRY, "DEFAULT", "registry_host"));
			derive_str(f, si, l, "DEFAULT", "registry_port",
			    arena_printf(f->a, "%d", ir_port(v[0].si->service,
			    0)));
		}
	}
	if (need & NEED_COMPUTE)
		derive(f, si, l, "DEFAULT", "compute_driver",
		    release_table[ir->release].compute_driver, 0,
		    arena_printf(f->a,
		    "\"%s\" needs [DEFAULT] compute_driver: OpenStack %s has "
		    "no driver for SmartOS, so set the one your nova-compute "
		    "runs in its config (DEFAULT { compute_driver "
		    "\"module.Driver\"; })", s->name, release_name(ir->release)));
	if (need & NEED_OSAPI) {
		derive_str(f, si, l, "DEFAULT", "osapi_compute_listen_port",
		    arena_printf(f->a, "%d", ir_port(s, 0)));
		derive_str(f, si, l, "DEFAULT", "metadata_listen_port",
		    arena_printf(f->a, "%d", ir_port(s, 1)));
	}
	databases(f, si, need);
	keystone(f, si, need);
	if ((need & NEED_GLANCE) && !zed) {
		v = servers(f, si, ROLE_GLANCE_API, 1, &n);
		sb_init(&sb);
		for (i = 0; i < n; i++)
			sb_printf(&sb, "%s%s:%d", i ? "," : "",
			    ir_addr(ir, v[i].addr), ir_port(v[i].si->service, 0));
		if (n > 0)
			derive_str(f, si, l, "DEFAULT", "glance_api_servers",
			    sb.buf);
		sb_free(&sb);
	}
	if (need & NEED_VNC_COMPUTE) {
		const char *sec = zed ? "vnc" : "DEFAULT";
		const char *url;

		v = servers(f, si, ROLE_NOVA_NOVNCPROXY, 1, &n);
		url = n == 1 ? arena_printf(f->a, "http://%s:%d/vnc_auto.html",
		    ir_addr(ir, ir_sinst_public_addr(v[0].si, v[0].si->addr)),
		    ir_port(v[0].si->service, 0)) : NULL;
		derive_str(f, si, l, sec, zed ? "enabled" : "vnc_enabled",
		    "true");
		derive_str(f, si, l, sec, zed ? "server_listen" :
		    "vncserver_listen", my_ip);
		derive_str(f, si, l, sec, zed ? "server_proxyclient_address" :
		    "vncserver_proxyclient_address", my_ip);
		if (n > 0)
			derive(f, si, l, sec, "novncproxy_base_url", url, 0,
			    many(f, n, ROLE_NOVA_NOVNCPROXY, sec,
			    "novncproxy_base_url"));
	}
	if (need & NEED_VNC_PROXY) {
		const char *sec = zed ? "vnc" : "DEFAULT";

		derive_str(f, si, l, sec, "novncproxy_host", my_ip);
		derive_str(f, si, l, sec, "novncproxy_port",
		    arena_printf(f->a, "%d", ir_port(s, 0)));
	}
}

/* ---- the .zt's own options */

static const char *
value_text(struct frag *f, const struct ir_value *v)
{
	if (v->kind == IRV_SECRET)
		return secret_text(f->a, v->secret, f->eo);
	return oslo_literal(f->a, v);
}

static void
merge_config(struct frag *f, const struct ir_sinst *si)
{
	const struct ir_service *s = si->service;
	enum ir_release r = f->ir->release;
	size_t i;

	for (i = 0; i < s->nconfig; i++) {
		const struct ir_opt *c = &s->config[i];
		const char *sec = c->section, *key = c->key;
		const struct oslo_alias *al;
		const struct oslo_opt *no;
		struct nopt *o;
		char *v;
		int secret = c->val.kind == IRV_SECRET;

		if ((no = oslo_lookup(f->project, r, sec, key, NULL)) == NULL &&
		    (al = oslo_alias_of(f->project, r, sec, key)) != NULL) {
			sec = al->to_section;	/* warned about by the check */
			key = al->to_key;
			no = oslo_lookup(f->project, r, sec, key, NULL);
		}
		if (no == NULL)
			continue;	/* reported by the check */
		v = oslo_value(f->a, value_text(f, &c->val), r, 1);
		o = lookup(f, sec, key);
		if (o != NULL && o->from_config) {
			if (strcmp(o->value, v) != 0 ||
			    o->secret != secret) {
				diag_error(f->d, c->loc, "services \"%s\" and "
				    "\"%s\" share the %s configuration of "
				    "%s/%s but set [%s] %s differently",
				    o->service->name, s->name,
				    project_table[f->project].name,
				    si->host->name, si->zone_name, sec, key);
				diag_note(f->d, o->loc, "\"%s\" sets it here",
				    o->service->name);
			}
			continue;
		}
		if (o == NULL)
			o = new_opt(f, sec, key);
		o->value = v;
		o->missing = NULL;
		o->secret = secret;
		o->from_config = 1;
		o->auth = (no->flags & OO_AUTH) != 0;
		o->service = s;
		o->loc = c->loc;
	}
}

/* Report error MSG about O once for all instances of its service. */
static int
once(struct frag *f, const struct nopt *o, const char *what)
{
	return hash_put(f->reported, arena_printf(f->keep, "%s\n%s\n%s\n%s",
	    what, o->service->name, o->section, o->key), (void *)o);
}

/* A keystoneauth option the .zt sets where nothing sets auth_type: the
 * service would not even read it. */
static void
check_auth(struct frag *f)
{
	const struct ir_sinst *si0 = f->sis.v[0];
	size_t i;

	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];

		if (!o->from_config || !o->auth ||
		    lookup(f, o->section, "auth_type") != NULL ||
		    lookup(f, o->section, "auth_section") != NULL ||
		    !once(f, o, "auth"))
			continue;
		diag_error(f->d, o->loc, "%s reads [%s] %s only when [%s] "
		    "auth_type is set, and nothing sets it for \"%s\" on "
		    "%s/%s: set auth_type there too",
		    project_table[f->project].name, o->section, o->key,
		    o->section, o->service->name, si0->host->name,
		    si0->zone_name);
	}
}

/* ---- writing the files */

/* WHICH: 0 options without secrets, 1 with, 2 the extra file's. */
static int
in_file(const struct nopt *o, int which)
{
	if (o->value == NULL)
		return 0;
	if (which == 2)
		return o->extra;
	return !o->extra && o->secret == which;
}

static void
write_section(struct strbuf *sb, const struct frag *f, const char *sec,
    int which)
{
	size_t i;
	int head = 0;

	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];

		if (!in_file(o, which) || strcmp(o->section, sec) != 0)
			continue;
		if (!head) {
			sb_printf(sb, "\n[%s]\n", sec);
			head = 1;
		}
		sb_printf(sb, "%s = %s\n", o->key, o->value);
	}
}

/* The environment file of a PR_ONE_FILE project: the secret options as
 * oslo.config's environment source reads them. */
static void
write_env(struct strbuf *sb, const struct frag *f)
{
	size_t i;
	const char *p;

	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];
		const char *v = o->value;
		size_t n;

		if (!in_file(o, 1))
			continue;
		sb_puts(sb, "export OS_");
		for (p = o->section; *p; p++)
			sb_putc(sb, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		sb_puts(sb, "__");
		for (p = o->key; *p; p++)
			sb_putc(sb, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		sb_putc(sb, '=');
		/* the INI quotes are not for the environment */
		n = strlen(v);
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			v = arena_strndup(f->a, v + 1, n - 2);
		sb_shquote(sb, v);
		sb_putc(sb, '\n');
	}
}

static void
add_file(struct frag *f, struct outset *os, const char *dir,
    const char *name, const char *dest, struct strbuf *sb, int secret)
{
	const struct ir_sinst *si0 = f->sis.v[0];
	struct outfile *art;

	art = out_add(os, ART_CONFIG, arena_printf(f->a, "%s/%s", dir, name),
	    sb->buf, sb->len, secret ? 0600 : 0644, secret);
	out_for(art, si0, APPLY_INSTALL, dest);
	art->owner = si0->service->user;
	art->group = si0->service->group;
}

static void
write_frag(struct frag *f, struct outset *os)
{
	const struct ir_sinst *si0 = f->sis.v[0];
	const struct project_info *pj = &project_table[f->project];
	const struct oslo_registry *reg = oslo_registry(f->project,
	    f->ir->release, 0);
	const char *dir = arena_printf(f->a, "%s/%s/%s", si0->host->name,
	    si0->zone_name, pj->name);
	const char *cd = si0->config_dir;
	struct vec secs = { 0 };
	char *names = arena_strdup(f->a, "");
	size_t i, j;
	int which, nwhich = pj->extra_file != NULL ? 3 : 2;

	/* sections: DEFAULT first, then in order of first appearance */
	vec_push(f->a, &secs, (void *)"DEFAULT");
	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];

		for (j = 0; j < secs.n; j++)
			if (strcmp(secs.v[j], o->section) == 0)
				break;
		if (j == secs.n)
			vec_push(f->a, &secs, (void *)o->section);
	}
	for (i = 0; i < f->sis.n; i++) {
		const struct ir_sinst *si = f->sis.v[i];

		names = arena_printf(f->a, "%s%s%s", names, i ? ", " : "",
		    si->service->name);
	}
	for (which = 0; which < nwhich; which++) {
		struct strbuf sb;
		const char *name, *dest, *reads;
		int env = which == 1 && pj->reads == PR_ONE_FILE;

		if (which == 2) {
			name = pj->extra_file;
			dest = si0->extra_file;
			reads = arena_printf(f->a, "with --config-file %s",
			    dest);
		} else if (pj->reads == PR_ONE_FILE) {
			name = which ? oslo_secret_env : arena_printf(f->a,
			    "%s.conf", pj->name);
			dest = arena_printf(f->a, "%s/%s", cd, name);
			reads = which ? "from its environment: its start "
			    "method loads this file" : arena_printf(f->a,
			    "from its config dir %s", cd);
		} else {
			name = oslo_fragment[which];
			dest = arena_printf(f->a, "%s/%s", cd, name);
			reads = arena_printf(f->a, "in its config dir %s", cd);
		}
		sb_init(&sb);
		sb_printf(&sb, "# %s of %s on %s/%s (OpenStack %s, target %s).\n"
		    "# Generated by ztopo; do not edit.  %s reads it %s.\n",
		    which == 2 ? pj->extra_file : env ? "Secret options" :
		    reg->file, names, si0->host->name, si0->zone_name,
		    release_name(f->ir->release), f->ir->target, pj->name,
		    reads);
		if (which == 1)
			sb_puts(&sb, "# Every option here holds a secret: mode "
			    "0600, never commit it.\n");
		else if (which == 0)
			sb_printf(&sb, "# Options holding secrets are in %s.\n",
			    pj->reads == PR_ONE_FILE ? oslo_secret_env :
			    oslo_fragment[1]);
		if (env)
			write_env(&sb, f);
		else
			for (j = 0; j < secs.n; j++)
				write_section(&sb, f, secs.v[j], which);
		add_file(f, os, dir, name, dest, &sb, which == 1);
		sb_free(&sb);
	}
}

/* ---- driver */

/* Build every project's files at every place; OS NULL: only check. */
static void
run(const struct ir *ir, struct diag *d, struct outset *os,
    const struct emit_opts *eo)
{
	struct hash *byplace = hash_new(ir->arena);
	/* what outlives one place's strings, released after each */
	struct arena *keep = arena_child(ir->arena);
	struct hash *reported = hash_new(keep);		/* once per service */
	struct vec frags = { 0 };
	size_t i, j;

	for (i = 0; i < ir->nsinsts; i++) {
		const struct ir_sinst *si = ir->sinsts[i];
		const struct role_info *ri = &role_table[si->service->role];
		const char *key;
		struct frag *f;

		if (ri->conf != CONF_OSLO ||
		    oslo_registry(ri->project, ir->release, 0) == NULL)
			continue;
		key = arena_printf(ir->arena, "%s/%s/%s", si->host->name,
		    si->zone_name, project_table[ri->project].name);
		if ((f = hash_get(byplace, key)) == NULL) {
			f = arena_alloc(ir->arena, sizeof(*f));
			f->ir = ir;
			f->a = ir->arena;
			f->d = d;
			f->eo = eo;
			f->project = ri->project;
			f->index = hash_new(ir->arena);
			f->reported = reported;
			f->keep = keep;
			hash_put(byplace, key, f);
			vec_push(ir->arena, &frags, f);
		}
		vec_push(ir->arena, &f->sis, (void *)si);
	}
	for (i = 0; i < frags.n; i++) {
		struct frag *f = frags.v[i];
		struct arena_mark m = arena_mark(ir->arena);
		int before = diag_mark(d);

		for (j = 0; j < f->sis.n; j++)
			derive_service(f, f->sis.v[j]);
		for (j = 0; j < f->sis.n; j++)
			merge_config(f, f->sis.v[j]);
		check_auth(f);
		for (j = 0; j < f->opts.n; j++) {
			const struct nopt *o = f->opts.v[j];

			if (o->value == NULL && o->missing != NULL &&
			    once(f, o, "missing"))
				diag_error(d, o->loc, "%s", o->missing);
		}
		if (os != NULL && diag_since(d, before) == 0)
			write_frag(f, os);
		arena_release(ir->arena, m);	/* the place is done */
	}
}

static int
oslo_check(const struct ir *ir, struct diag *d)
{
	static const struct emit_opts redact = { .redact = 1 };
	int before = diag_mark(d);

	oslo_check_config(ir, d);
	if (diag_since(d, before) == 0)
		run(ir, d, NULL, &redact);
	return diag_since(d, before);
}

static int
oslo_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	int before = diag_mark(d);

	run(ir, d, os, eo);
	return diag_since(d, before);
}

const struct backend oslo_backend = {
	.name = "oslo",
	.description = "oslo.config files of every OpenStack service",
	.check = oslo_check,
	.emit = oslo_emit,
};
