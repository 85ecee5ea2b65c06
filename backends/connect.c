/*
 * connect.c -- what a custom service (one without a role) is told about
 * the services it uses: an environment file per instance,
 *
 *	<host>/<zone>/env/<service>.env		0644, no secret
 *	<host>/<zone>/env/<service>-secrets.env	0600, the passwords and
 *					the URLs that hold one, which the
 *					first reads (out_add_split)
 *
 * installed as ZTOPO_ZONE_DIR/env/<service>.env, which its start method
 * loads (lower.c puts ". FILE && " before the start command).  For each
 * service it uses, named by that service (ZTOPO_<USED>_..., upper case,
 * '-' and '.' as '_'):
 *
 *	HOST, PORT	the first instance, at the address this one reaches
 *	HOSTS		every instance, host:port, comma-separated
 *	mysql via a credential: USER, PASSWORD, DATABASE (the first),
 *			DATABASES (space-separated), URL
 *			(mysql://user:password@host:port/database)
 *	rabbitmq via a credential: USER, PASSWORD, VHOST, URL
 *			(amqp://user:password@host:port/vhost, one broker)
 *	keystone via a credential: USER, PASSWORD, PROJECT, DOMAIN,
 *			REGION, AUTH_URL (http://host:port/v3)
 *
 * The values are the ones the account backends grant (mysql.c,
 * rabbitmq.c, catalog.c), derived from the same edges, so the pair cannot
 * disagree.  In URLs user names and passwords are percent-encoded; every
 * value is single-quoted for sh(1).
 */
#include <string.h>

#include "backend.h"

struct env {
	struct arena		*a;
	struct strbuf		 sb;		/* the file */
	struct strbuf		 pw;		/* its companion's lines */
	const char		*prefix;
	const struct emit_opts	*eo;
};

static void
put(struct strbuf *sb, const char *prefix, const char *name,
    const char *value)
{
	sb_printf(sb, "export %s%s=", prefix, name);
	sb_shquote(sb, value);
	sb_putc(sb, '\n');
}

static void
var(struct env *e, const char *name, const char *value)
{
	put(&e->sb, e->prefix, name, value);
}

/* A value that holds a secret: in the companion. */
static void
secret_var(struct env *e, const char *name, const char *value)
{
	put(&e->pw, e->prefix, name, value);
}

/* scheme://user:password@host:port/path (path already encoded) */
static const char *
url(struct env *e, const char *scheme, const struct ir_credential *c,
    const char *hostport, const char *path)
{
	struct strbuf sb;
	const char *pw = secret_text(e->a, c->password, e->eo), *r;

	sb_init(&sb);
	sb_printf(&sb, "%s://", scheme);
	sb_urlencode(&sb, c->user);
	sb_putc(&sb, ':');
	if (e->eo->redact || c->password->value == NULL)
		sb_puts(&sb, pw);	/* the placeholder, recognisable */
	else
		sb_urlencode(&sb, pw);
	sb_printf(&sb, "@%s/%s", hostport, path);
	r = arena_strdup(e->a, sb.buf);
	sb_free(&sb);
	return r;
}

/* ZTOPO_<NAME>_ for service name NAME. */
static const char *
prefix_of(struct arena *a, const char *service)
{
	char *name = arena_strdup(a, service), *p;

	for (p = name; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
		else if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return arena_printf(a, "ZTOPO_%s_", name);
}

/* The variables for the use made by edges EV[0..n-1] (one service). */
static void
one_use(const struct ir *ir, struct env *e, struct ir_edge *const *ev,
    size_t n)
{
	const struct ir_use *u = ev[0]->use;
	const struct ir_credential *c = u->cred;
	const char *first = arena_printf(e->a, "%s:%d",
	    ir_addr(ir, ev[0]->server_addr), ir_port(ev[0]->server->service, 0));
	const char *all;
	struct strbuf sb;
	size_t i;

	e->prefix = prefix_of(e->a, u->service->name);
	/* one buffer: the list grows with the replicas of the server */
	sb_init(&sb);
	for (i = 0; i < n; i++)
		sb_printf(&sb, "%s%s:%d", i ? "," : "",
		    ir_addr(ir, ev[i]->server_addr),
		    ir_port(ev[i]->server->service, 0));
	all = arena_strndup(e->a, sb.buf != NULL ? sb.buf : "", sb.len);
	sb_free(&sb);
	var(e, "HOST", ir_addr(ir, ev[0]->server_addr));
	var(e, "PORT", arena_printf(e->a, "%d",
	    ir_port(ev[0]->server->service, 0)));
	var(e, "HOSTS", all);
	if (c == NULL || !u->needed)
		return;
	var(e, "USER", c->user);
	secret_var(e, "PASSWORD", secret_text(e->a, c->password, e->eo));
	switch (c->kind) {
	case CRED_MYSQL:
		var(e, "DATABASE", c->databases[0]);
		all = "";
		for (i = 0; i < c->ndatabases; i++)
			all = arena_printf(e->a, "%s%s%s", all, i ? " " : "",
			    c->databases[i]);
		var(e, "DATABASES", all);
		sb_init(&sb);
		sb_urlencode(&sb, c->databases[0]);
		secret_var(e, "URL", url(e, "mysql", c, first, sb.buf));
		sb_free(&sb);
		break;
	case CRED_RABBITMQ:
		var(e, "VHOST", c->vhost);
		sb_init(&sb);
		sb_urlencode(&sb, c->vhost);
		secret_var(e, "URL", url(e, "amqp", c, first, sb.buf));
		sb_free(&sb);
		break;
	case CRED_KEYSTONE:
		var(e, "PROJECT", c->project);
		var(e, "DOMAIN", c->domain);
		var(e, "REGION", ev[0]->server->service->region);
		var(e, "AUTH_URL", arena_printf(e->a, "http://%s%s", first,
		    role_table[ROLE_KEYSTONE].catalog_path));
		break;
	case CRED__COUNT:
		break;
	}
}

static void
emit_sinst(const struct ir *ir, struct outset *os, const struct ir_sinst *si,
    const struct emit_opts *eo)
{
	struct env e;
	struct outfile *f;
	struct strbuf sb;
	const char *path = arena_printf(ir->arena, "%s/%s/env/%s",
	    si->host->name, si->zone_name, si->service->name);
	const char *secret_dest = arena_printf(ir->arena, "%.*s-secrets.env",
	    (int)(strlen(si->env_file) - 4), si->env_file);
	size_t i, j;

	memset(&e, 0, sizeof(e));
	e.a = ir->arena;
	e.eo = eo;
	sb_init(&e.sb);
	sb_init(&e.pw);
	for (i = 0; i < si->nout; i = j) {
		for (j = i + 1; j < si->nout &&
		    si->out[j]->use == si->out[i]->use; j++)
			;
		one_use(ir, &e, &si->out[i], j - i);
	}
	sb_init(&sb);
	sb_printf(&sb, "# Connection details for %s on %s/%s (target %s).\n"
	    "# Generated by ztopo; do not edit.  Its start method loads this "
	    "file.\n", si->service->name, si->host->name, si->zone_name,
	    ir->target);
	if (e.pw.len > 0) {
		sb_puts(&sb, "# Passwords, and URLs with one, are in the "
		    "companion it reads (0600).\n. ");
		sb_shquote(&sb, secret_dest);
		sb_putc(&sb, '\n');
	}
	sb_putn(&sb, e.sb.buf ? e.sb.buf : "", e.sb.len);
	if (e.pw.len == 0) {
		f = out_add(os, ART_CONFIG, arena_printf(e.a, "%s.env", path),
		    sb.buf, sb.len, 0644, 0);
	} else {
		struct strbuf pw;

		sb_init(&pw);
		sb_printf(&pw, "# Secret connection details for %s on %s/%s "
		    "(target %s).\n# Generated by ztopo; do not edit.  Mode "
		    "0600: never commit it.\n", si->service->name,
		    si->host->name, si->zone_name, ir->target);
		sb_putn(&pw, e.pw.buf, e.pw.len);
		f = out_add_split(os, ART_CONFIG, arena_printf(e.a, "%s.env",
		    path), &sb, 0644, arena_printf(e.a, "%s-secrets.env",
		    path), &pw);
		sb_free(&pw);
	}
	out_for(f, si, APPLY_INSTALL, si->env_file);
	f->owner = si->service->user;
	f->group = si->service->group;
	if (f->companion != NULL) {
		out_companion_for(f, secret_dest);
		f->companion->owner = f->owner;
		f->companion->group = f->group;
	}
	sb_free(&sb);
	sb_free(&e.sb);
	sb_free(&e.pw);
}

/* Two uses of one service must not share a prefix (a-b and a_b). */
static int
connect_check(const struct ir *ir, struct diag *d)
{
	int before = diag_mark(d);
	size_t i, j, k;

	for (i = 0; i < ir->nservices; i++) {
		const struct ir_service *s = ir->services[i];

		if (s->role != ROLE_NONE)
			continue;
		for (j = 0; j < s->nuses; j++)
			for (k = 0; k < j; k++)
				if (strcmp(prefix_of(ir->arena,
				    s->uses[j].service->name), prefix_of(
				    ir->arena, s->uses[k].service->name)) == 0)
					diag_error(d, s->uses[j].loc, "\"%s\" "
					    "and \"%s\" would both be told "
					    "to \"%s\" as %s...: rename one",
					    s->uses[k].service->name,
					    s->uses[j].service->name, s->name,
					    prefix_of(ir->arena,
					    s->uses[j].service->name));
	}
	return diag_since(d, before);
}

static int
connect_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	size_t i;

	(void)d;
	for (i = 0; i < ir->nsinsts; i++)
		if (ir->sinsts[i]->env_file != NULL &&
		    ir->sinsts[i]->nout > 0) {
			struct arena_mark m = arena_mark(ir->arena);

			emit_sinst(ir, os, ir->sinsts[i], eo);
			arena_release(ir->arena, m);	/* its file's strings */
		}
	return 0;
}

const struct backend connect_backend = {
	.name = "connect",
	.description = "connection details of custom services",
	.check = connect_check,
	.emit = connect_emit,
};
