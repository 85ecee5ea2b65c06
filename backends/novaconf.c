/*
 * novaconf.c -- nova.conf fragments for every zone instance (or global
 * zone) that runs nova services.
 *
 *	<host>/<zone>/nova/10-ztopo.conf		0644, no secret
 *	<host>/<zone>/nova/20-ztopo-secrets.conf	0600, every option
 *						whose value holds a secret
 *
 * (<zone> is "global" for a host's global zone.)  The services read both
 * with --config-dir (ir_sinst.config_dir); each option is in exactly one
 * of them, so their order does not matter.  Both files are always
 * written, so the layout of a tree does not depend on the secrets.
 *
 * What a fragment holds: the union, over the nova services placed there,
 * of the options their role needs in the description's release (the
 * role's `needs', roles.c), with every address taken from the
 * placement -- the `uses` edges of the service (server address as the
 * client sees it), and for what nova needs without declaring a use
 * (keystone's auth_url, glance, the noVNC proxy), from the instances the
 * target places, at their address on a network the client shares.
 *
 * Then the free-form `config` options of those services, merged over the
 * derived ones: an option the .zt sets replaces the derived value of the
 * same [section] key (in place); other options are added after the
 * derived ones of their section, in declaration order.  Two services in
 * one zone that need different values for one option is an error.
 *
 * Every option a .zt sets is checked against the options nova has in that
 * release (novacheck.c, with nova_options.c generated from nova's own
 * registry): unknown sections and options, deprecated names, values of
 * the wrong type and literal values for options oslo.config marks secret
 * are located errors.
 *
 * Keystone: every keystoneauth section ztopo derives ([keystone_authtoken]
 * for nova-api, [service_user] for every service, [placement] for the
 * services that call placement) authenticates as user "nova" of project
 * "service" in domain "Default", with auth_type password.  The password is
 * the secret the description sets as [keystone_authtoken] password of a
 * nova service (one secret for all nova services), or failing that as
 * [service_user] password; every keystoneauth key can be overridden per
 * service with `config`.  A keystoneauth option the .zt sets in a section
 * without auth_type is an error: nova would ignore it.
 *
 * Values are written for oslo.config: '$' is doubled ("\$" is written
 * "\\$" for Zed, whose oslo.config reads "\$" as "$$"), a value with
 * blanks, quotes or non-ASCII bytes at either end is double-quoted (oslo
 * strips those), and control characters are refused.  In URLs, user names
 * and passwords are percent-encoded (everything but RFC 3986 unreserved
 * characters), so '@ / : % , $' and the rest cannot break them; with
 * --redact the @@NAME@@ placeholder is written as it is, so it stays
 * recognisable.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "nova.h"
#include "nova_options.h"

#define STATE_PATH	"/var/lib/nova"
#define KS_USER		"nova"
#define KS_PROJECT	"service"
#define KS_DOMAIN	"Default"
/* One option of a fragment. */
struct nopt {
	const char		*section, *key;
	char			*value;		/* escaped; NULL: none yet */
	const char		*missing;	/* value NULL: error unless the
						 * .zt sets it */
	int			 secret;
	int			 from_config;
	int			 auth;		/* read only with auth_type */
	const struct ir_service	*service;	/* who asked for it */
	struct loc		 loc;
};

/* One nova/ directory: the nova services of a zone instance or global
 * zone. */
struct frag {
	const struct ir		*ir;
	struct arena		*a;
	struct diag		*d;
	const struct emit_opts	*eo;
	const struct ir_secret	*ks_password;	/* nova's keystone password */
	const struct ir_sinst	**sis;
	size_t			 nsis;
	struct vec		 opts;		/* struct nopt * */
	struct hash		*index;		/* "section\nkey" -> nopt */
	struct hash		*reported;	/* errors made once per
						 * service, not per instance */
};

/* A server instance a client reaches, and the address it uses. */
struct srv {
	const struct ir_sinst	*si;
	uint32_t		 addr;
	const struct ir_use	*use;		/* NULL: not a declared use */
};

/* ---- writing values */

/* Percent-encode S for a URL's user info: all but RFC 3986 unreserved. */
static void
pct_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			sb_putc(sb, *p);
		else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[*p >> 4]);
			sb_putc(sb, hex[*p & 15]);
		}
	}
}

/* A secret inside a URL: encoded, or the placeholder as it is. */
static void
url_secret(struct frag *f, struct strbuf *sb, const struct ir_secret *s)
{
	const char *t = secret_text(f->a, s, f->eo);

	if (f->eo->redact || s->value == NULL)
		sb_puts(sb, t);
	else
		pct_encode(sb, t);
}

static int
edge_special(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c >= 0x80;
}

/* V escaped for oslo.config of release R (see the top of the file). */
static char *
oslo_value(struct arena *a, const char *v, enum ir_release r)
{
	struct strbuf sb;
	size_t n = strlen(v);
	const char *p;
	char *out;
	int quote = n > 0 && (edge_special((unsigned char)v[0]) ||
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
	return hash_get(f->index, arena_printf(f->a, "%s\n%s", sec, key));
}

/*
 * A derived option: RAW (unescaped, NULL with MISSING: an error unless
 * the .zt sets it).  Two services of one fragment asking for different
 * values is an error.
 */
static void
derive(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec, const char *key, const char *raw, int secret,
    const char *missing)
{
	struct nopt *o = lookup(f, sec, key);
	char *v = raw ? oslo_value(f->a, raw, f->ir->release) : NULL;

	if (o != NULL) {
		if ((o->value == NULL) != (v == NULL) ||
		    (v != NULL && strcmp(o->value, v) != 0)) {
			diag_error(f->d, l, "services \"%s\" and \"%s\" share "
			    "the nova.conf of %s/%s but need different values "
			    "for [%s] %s", o->service->name, si->service->name,
			    si->host->name, si->zone_name, sec, key);
			diag_note(f->d, o->loc, "\"%s\" needs its value "
			    "because of this", o->service->name);
		}
		return;
	}
	o = arena_alloc(f->a, sizeof(*o));
	o->section = sec;
	o->key = key;
	o->value = v;
	o->missing = missing;
	o->secret = secret;
	o->service = si->service;
	o->loc = l;
	hash_put(f->index, arena_printf(f->a, "%s\n%s", sec, key), o);
	vec_push(f->a, &f->opts, o);
}

static void
derive_str(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec, const char *key, const char *raw)
{
	derive(f, si, l, sec, key, raw, 0, NULL);
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
	struct srv *v = arena_alloc(f->a, (ir->nrole_sinsts[role] + si->nout +
	    1) * sizeof(*v));
	size_t i, n = 0;

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
 * nova.conf names one database and one message bus: the servers found for
 * a role must be instances of one service.  Reports the second service.
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
			    "services, \"%s\" and \"%s\"; nova.conf names "
			    "one", si->service->name, what,
			    v[0].use->service->name, v[i].use->service->name);
			diag_note(f->d, v[0].use->loc, "\"%s\" is used here",
			    v[0].use->service->name);
			return -1;
		}
	return 0;
}

/* "http://ADDR:PORT" of the one server in V, or NULL if there are
 * several. */
static const char *
one_url(struct frag *f, const struct srv *v, size_t n)
{
	if (n != 1)
		return NULL;
	return arena_printf(f->a, "http://%s:%d", ir_addr(f->ir, v[0].addr),
	    ir_port(v[0].si->service, 0));
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

static void
db_option(struct frag *f, const struct ir_sinst *si, const struct srv *s,
    int api)
{
	const struct ir_credential *c = s->use->cred;
	const char *db = pick_db(c, api);
	const char *sec, *key, *scheme;
	struct strbuf sb;

	if (REL_HAS(f->ir->release, RF_NOVA_SECTIONS)) {
		sec = api ? "api_database" : "database";
		key = "connection";
	} else {
		sec = "DEFAULT";
		key = "sql_connection";
	}
	/* else MySQLdb, Folsom's driver */
	scheme = REL_HAS(f->ir->release, RF_PYMYSQL) ? "mysql+pymysql" :
	    "mysql";
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
	if (!db_name_ok(db)) {
		diag_error(f->d, c->loc, "database name \"%s\" of credential "
		    "\"%s\" cannot be written in a connection URL (letters, "
		    "digits, _ $ and - only)", db, c->name);
		return;
	}
	sb_init(&sb);
	sb_printf(&sb, "%s://", scheme);
	pct_encode(&sb, c->user);
	sb_putc(&sb, ':');
	url_secret(f, &sb, c->password);
	sb_printf(&sb, "@%s:%d/%s", ir_addr(f->ir, s->addr),
	    ir_port(s->si->service, 0), db);
	if (REL_HAS(f->ir->release, RF_PYMYSQL))
		sb_puts(&sb, "?charset=utf8");
	derive(f, si, s->use->loc, sec, key, sb.buf, 1, NULL);
	sb_free(&sb);
}

static void
databases(struct frag *f, const struct ir_sinst *si, unsigned need)
{
	size_t n;
	struct srv *v = servers(f, si, ROLE_MYSQL, 0, &n);

	if (n == 0 || v[0].use->cred == NULL ||
	    !(need & (NEED_API_DB | NEED_CELL_DB)) ||
	    one_service(f, si, v, n, "MySQL") == -1)
		return;
	if (n > 1) {
		diag_error(f->d, v[0].use->loc, "\"%s\" uses \"%s\", which "
		    "target \"%s\" places %zu times; nova.conf names one "
		    "database server", si->service->name,
		    v[0].use->service->name, f->ir->target, n);
		return;
	}
	if (need & NEED_API_DB)
		db_option(f, si, &v[0], 1);
	if (need & NEED_CELL_DB)
		db_option(f, si, &v[0], 0);
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
		pct_encode(&sb, c->user);
		sb_putc(&sb, ':');
		url_secret(f, &sb, c->password);
		sb_printf(&sb, "@%s:%d", ir_addr(f->ir, v[i].addr),
		    ir_port(v[i].si->service, 0));
	}
	sb_putc(&sb, '/');
	pct_encode(&sb, c->vhost ? c->vhost : "/");
	derive(f, si, v[0].use->loc, "DEFAULT", "transport_url", sb.buf, 1,
	    NULL);
	sb_free(&sb);
}

/* ---- keystone */

/* [SEC] with auth_type password as nova's keystone user (the caller
 * derives auth_url). */
static void
ks_auth(struct frag *f, const struct ir_sinst *si, struct loc l,
    const char *sec)
{
	derive_str(f, si, l, sec, "auth_type", "password");
	derive_str(f, si, l, sec, "project_domain_name", KS_DOMAIN);
	derive_str(f, si, l, sec, "user_domain_name", KS_DOMAIN);
	derive_str(f, si, l, sec, "project_name", KS_PROJECT);
	derive_str(f, si, l, sec, "username", KS_USER);
	if (f->ks_password != NULL)
		derive(f, si, l, sec, "password",
		    secret_text(f->a, f->ks_password, f->eo), 1, NULL);
}

static const char *
many(struct frag *f, size_t n, const char *what, const char *sec,
    const char *key)
{
	return arena_printf(f->a, "target \"%s\" places %s %zu times and "
	    "nova.conf takes one address: set [%s] %s in the service's "
	    "config", f->ir->target, what, n, sec, key);
}

static void
keystone(struct frag *f, const struct ir_sinst *si, unsigned need)
{
	size_t nks, nmc, npl, i;
	struct srv *ks = servers(f, si, ROLE_KEYSTONE, 1, &nks);
	const char *base = one_url(f, ks, nks), *auth;
	struct loc l = si->service->role_loc;
	struct strbuf sb;

	if (nks == 0)
		return;			/* no keystone in this target */
	if (!REL_HAS(f->ir->release, RF_KEYSTONE_V3)) {
		if (need & NEED_AUTHTOKEN)
			derive_str(f, si, l, "DEFAULT", "auth_strategy",
			    role_table[ROLE_KEYSTONE].name);
		return;
	}
	auth = base ? arena_printf(f->a, "%s/v3", base) : NULL;
	if (need & NEED_AUTHTOKEN) {
		const char *sec = "keystone_authtoken";
		struct srv *mc = servers(f, si, ROLE_MEMCACHED, 0, &nmc);

		derive(f, si, l, sec, "www_authenticate_uri",
		    base ? arena_printf(f->a, "%s/", base) : NULL, 0,
		    many(f, nks, role_table[ROLE_KEYSTONE].name, sec, "www_authenticate_uri"));
		derive(f, si, l, sec, "auth_url",
		    base ? arena_printf(f->a, "%s/", base) : NULL, 0,
		    many(f, nks, role_table[ROLE_KEYSTONE].name, sec, "auth_url"));
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
	}
	if (need & NEED_SERVICE_USER) {
		derive_str(f, si, l, "service_user", "send_service_user_token",
		    "true");
		derive(f, si, l, "service_user", "auth_url", auth, 0,
		    many(f, nks, role_table[ROLE_KEYSTONE].name, "service_user", "auth_url"));
		ks_auth(f, si, l, "service_user");
	}
	servers(f, si, ROLE_PLACEMENT_API, 1, &npl);
	if ((need & NEED_PLACEMENT) && npl > 0) {
		derive(f, si, l, "placement", "auth_url", auth, 0,
		    many(f, nks, role_table[ROLE_KEYSTONE].name, "placement", "auth_url"));
		ks_auth(f, si, l, "placement");
	}
}

/* ---- one service */

static void
derive_service(struct frag *f, const struct ir_sinst *si)
{
	const struct ir *ir = f->ir;
	const struct ir_service *s = si->service;
	unsigned need = role_table[s->role].needs[ir->release];
	const char *my_ip = ir_addr(ir, si->addr);
	struct loc l = s->role_loc;
	int zed = REL_HAS(ir->release, RF_NOVA_SECTIONS);
	struct strbuf sb;
	size_t n, i;
	struct srv *v;

	if (zed)	/* Folsom defaults to the zone's host name */
		derive_str(f, si, si->loc, "DEFAULT", "host", si->nodename);
	derive_str(f, si, si->loc, "DEFAULT", "my_ip", my_ip);
	derive_str(f, si, l, "DEFAULT", "state_path", STATE_PATH);
	derive_str(f, si, l, zed ? "oslo_concurrency" : "DEFAULT",
	    "lock_path", STATE_PATH "/tmp");
	rpc(f, si);
	if (need & NEED_COMPUTE)
		derive(f, si, l, "DEFAULT", "compute_driver",
		    release_table[ir->release].compute_driver, 0,
		    arena_printf(f->a,
		    "\"%s\" needs [DEFAULT] compute_driver: nova has no driver "
		    "for SmartOS of its own, so set one in its config "
		    "(e.g. DEFAULT { compute_driver \"libvirt.LibvirtDriver\"; "
		    "})", s->name));
	if (need & NEED_OSAPI) {
		derive_str(f, si, l, "DEFAULT", "osapi_compute_listen_port",
		    arena_printf(f->a, "%d", ir_port(s, 0)));
		derive_str(f, si, l, "DEFAULT", "metadata_listen_port",
		    arena_printf(f->a, "%d", ir_port(s, 1)));
	}
	databases(f, si, need);
	keystone(f, si, need);
	if (need & NEED_GLANCE) {
		v = servers(f, si, ROLE_GLANCE_API, 1, &n);
		sb_init(&sb);
		for (i = 0; i < n; i++) {
			if (i > 0)
				sb_putc(&sb, ',');
			if (zed)
				sb_puts(&sb, "http://");
			sb_printf(&sb, "%s:%d", ir_addr(ir, v[i].addr),
			    ir_port(v[i].si->service, 0));
		}
		if (n > 0 && !zed)
			derive_str(f, si, l, "DEFAULT", "glance_api_servers",
			    sb.buf);
		else if (n == 1)
			derive_str(f, si, l, "glance", "endpoint_override",
			    sb.buf);
		else if (n > 1)		/* deprecated, but takes a list */
			derive_str(f, si, l, "glance", "api_servers", sb.buf);
		sb_free(&sb);
	}
	if (need & NEED_VNC_COMPUTE) {
		const char *sec = zed ? "vnc" : "DEFAULT";
		const char *url;

		v = servers(f, si, ROLE_NOVA_NOVNCPROXY, 1, &n);
		url = n == 1 ? arena_printf(f->a, "http://%s:%d/vnc_auto.html",
		    ir_addr(ir, v[0].si->addr), ir_port(v[0].si->service, 0)) :
		    NULL;
		derive_str(f, si, l, sec, zed ? "enabled" : "vnc_enabled",
		    "true");
		derive_str(f, si, l, sec, zed ? "server_listen" :
		    "vncserver_listen", my_ip);
		derive_str(f, si, l, sec, zed ? "server_proxyclient_address" :
		    "vncserver_proxyclient_address", my_ip);
		if (n > 0)
			derive(f, si, l, sec, "novncproxy_base_url", url, 0,
			    many(f, n, role_table[ROLE_NOVA_NOVNCPROXY].name, sec,
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
	switch (v->kind) {
	case IRV_STRING:
		return v->s;
	case IRV_INT:
		return arena_printf(f->a, "%lld", v->i);
	case IRV_BOOL:
		return v->i ? "true" : "false";
	case IRV_SECRET:
		return secret_text(f->a, v->secret, f->eo);
	}
	return "";
}

static void
merge_config(struct frag *f, const struct ir_sinst *si)
{
	const struct ir_service *s = si->service;
	size_t i;

	for (i = 0; i < s->nconfig; i++) {
		const struct ir_opt *c = &s->config[i];
		struct nopt *o = lookup(f, c->section, c->key);
		char *v = oslo_value(f->a, value_text(f, &c->val),
		    f->ir->release);
		int secret = c->val.kind == IRV_SECRET;
		const struct nova_opt *no = nova_opt_find(f->ir->release,
		    c->section, c->key);

		if (no == NULL)
			continue;	/* reported by the check */
		if (o != NULL && o->from_config) {
			if (strcmp(o->value, v) != 0 ||
			    o->secret != secret) {
				diag_error(f->d, c->loc, "services \"%s\" and "
				    "\"%s\" share the nova.conf of %s/%s but "
				    "set [%s] %s differently", o->service->name,
				    s->name, si->host->name, si->zone_name,
				    c->section, c->key);
				diag_note(f->d, o->loc, "\"%s\" sets it here",
				    o->service->name);
			}
			continue;
		}
		if (o == NULL) {
			o = arena_alloc(f->a, sizeof(*o));
			o->section = c->section;
			o->key = c->key;
			hash_put(f->index, arena_printf(f->a, "%s\n%s",
			    c->section, c->key), o);
			vec_push(f->a, &f->opts, o);
		}
		o->value = v;
		o->missing = NULL;
		o->secret = secret;
		o->from_config = 1;
		o->auth = (no->flags & NOVA_AUTH) != 0;
		o->service = s;
		o->loc = c->loc;
	}
}

/* Report error MSG about O once for all instances of its service. */
static int
once(struct frag *f, const struct nopt *o, const char *what)
{
	return hash_put(f->reported, arena_printf(f->a, "%s\n%s\n%s\n%s",
	    what, o->service->name, o->section, o->key), (void *)o);
}

/* A keystoneauth option the .zt sets where nothing sets auth_type: nova
 * would not even read it. */
static void
check_auth(struct frag *f)
{
	size_t i;

	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];

		if (!o->from_config || !o->auth ||
		    lookup(f, o->section, "auth_type") != NULL ||
		    !once(f, o, "auth"))
			continue;
		diag_error(f->d, o->loc, "nova reads [%s] %s only when [%s] "
		    "auth_type is set, and nothing sets it for \"%s\" on "
		    "%s/%s: set auth_type there too", o->section, o->key,
		    o->section, o->service->name, f->sis[0]->host->name,
		    f->sis[0]->zone_name);
	}
}

/* ---- writing the files */

static void
write_section(struct strbuf *sb, const struct frag *f, const char *sec,
    int secret)
{
	size_t i;
	int head = 0;

	for (i = 0; i < f->opts.n; i++) {
		const struct nopt *o = f->opts.v[i];

		if (o->secret != secret || strcmp(o->section, sec) != 0 ||
		    o->value == NULL)
			continue;
		if (!head) {
			sb_printf(sb, "\n[%s]\n", sec);
			head = 1;
		}
		sb_printf(sb, "%s = %s\n", o->key, o->value);
	}
}

static void
write_frag(struct frag *f, struct outset *os)
{
	const struct ir_sinst *si0 = f->sis[0];
	const char *dir = arena_printf(f->a, "%s/%s/nova", si0->host->name,
	    si0->zone_name);
	struct vec secs = { 0 };
	char *names = arena_strdup(f->a, "");
	struct outfile *art;
	const char *name;
	size_t i, j;
	int secret;

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
	for (i = 0; i < f->nsis; i++)
		names = arena_printf(f->a, "%s%s%s", names, i ? ", " : "",
		    f->sis[i]->service->name);
	for (secret = 0; secret <= 1; secret++) {
		struct strbuf sb;

		sb_init(&sb);
		sb_printf(&sb, "# nova.conf fragment of %s on %s/%s (OpenStack "
		    "%s, target %s).\n# Generated by ztopo; do not edit.  "
		    "nova reads it with --config-dir %s.\n", names,
		    si0->host->name, si0->zone_name,
		    release_name(f->ir->release), f->ir->target,
		    si0->config_dir ? si0->config_dir : "(none)");
		sb_puts(&sb, secret ? "# Every option here holds a secret: "
		    "mode 0600, never commit it.\n" : "# Options holding "
		    "secrets are in 20-ztopo-secrets.conf.\n");
		for (j = 0; j < secs.n; j++)
			write_section(&sb, f, secs.v[j], secret);
		name = secret ? "20-ztopo-secrets.conf" : "10-ztopo.conf";
		art = out_add(os, ART_CONFIG, arena_printf(f->a, "%s/%s", dir,
		    name), sb.buf, sb.len, secret ? 0600 : 0644, secret);
		sb_free(&sb);
		out_for(art, si0, APPLY_INSTALL, si0->config_dir == NULL ? NULL :
		    arena_printf(f->a, "%s/%s", si0->config_dir, name));
		art->owner = si0->service->user;
		art->group = si0->service->group;
	}
}

/* ---- driver */

/* Build every fragment; OS NULL: only check. */
static void
run(const struct ir *ir, struct diag *d, struct outset *os,
    const struct emit_opts *eo)
{
	struct hash *byplace = hash_new(ir->arena);
	struct hash *reported = hash_new(ir->arena);	/* once per service */
	struct vec frags = { 0 };
	const struct ir_secret *ksp = nova_ks_password(ir, d, 0);
	size_t i, j;

	for (i = 0; i < ir->nsinsts; i++) {
		const struct ir_sinst *si = ir->sinsts[i];
		const char *key;
		struct frag *f;

		if (role_table[si->service->role].conf != CONF_NOVA)
			continue;
		key = arena_printf(ir->arena, "%s/%s", si->host->name,
		    si->zone_name);
		if ((f = hash_get(byplace, key)) == NULL) {
			f = arena_alloc(ir->arena, sizeof(*f));
			f->ir = ir;
			f->a = ir->arena;
			f->d = d;
			f->eo = eo;
			f->ks_password = ksp;
			f->index = hash_new(ir->arena);
			f->reported = reported;
			f->sis = arena_alloc(ir->arena, ir->nsinsts *
			    sizeof(*f->sis));
			hash_put(byplace, key, f);
			vec_push(ir->arena, &frags, f);
		}
		f->sis[f->nsis++] = si;
	}
	for (i = 0; i < frags.n; i++) {
		struct frag *f = frags.v[i];
		int before = diag_mark(d);

		for (j = 0; j < f->nsis; j++)
			derive_service(f, f->sis[j]);
		for (j = 0; j < f->nsis; j++)
			merge_config(f, f->sis[j]);
		check_auth(f);
		for (j = 0; j < f->opts.n; j++) {
			const struct nopt *o = f->opts.v[j];

			if (o->value == NULL && o->missing != NULL &&
			    once(f, o, "missing"))
				diag_error(d, o->loc, "%s", o->missing);
		}
		if (os != NULL && diag_since(d, before) == 0)
			write_frag(f, os);
	}
}

static int
novaconf_check(const struct ir *ir, struct diag *d)
{
	static const struct emit_opts redact = { .redact = 1 };
	int before = diag_mark(d);
	size_t i;

	nova_check_config(ir, d);
	if (diag_since(d, before) > 0)
		return diag_since(d, before);
	if (nova_ks_password(ir, d, 1) == NULL &&
	    REL_HAS(ir->release, RF_KEYSTONE_V3)) {
		const struct ir_service *ks = NULL, *nova = NULL;

		for (i = 0; i < ir->nsinsts; i++) {
			const struct ir_service *s = ir->sinsts[i]->service;

			if (s->role == ROLE_KEYSTONE)
				ks = s;
			else if (nova == NULL && role_table[s->role].conf == CONF_NOVA)
				nova = s;
		}
		if (ks != NULL && nova != NULL)
			diag_warning(d, nova->loc, "no keystone password for "
			    "nova's services: ztopo writes their keystone "
			    "sections without one; set config { "
			    "keystone_authtoken { password secret NAME; } } "
			    "on a nova service");
	}
	if (diag_since(d, before) == 0)
		run(ir, d, NULL, &redact);
	return diag_since(d, before);
}

static int
novaconf_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	int before = diag_mark(d);

	run(ir, d, os, eo);
	return diag_since(d, before);
}

const struct backend novaconf_backend = {
	.name = "novaconf",
	.description = "nova.conf fragments of every zone running nova",
	.check = novaconf_check,
	.emit = novaconf_emit,
};
