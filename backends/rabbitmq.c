/*
 * rabbitmq.c -- RabbitMQ vhosts, users and permissions for every
 * rabbitmq server instance of the target.
 *
 *	<host>/<zone>/rabbitmq/setup.sh		(0700, holds passwords)
 *
 * A POSIX sh script of rabbitmqctl commands for the credentials that
 * have a consumer edge to this instance, in credential declaration order,
 * each vhost and user once.  It is idempotent: vhosts and users are
 * looked up first (add_vhost and add_user fail on existing ones), an
 * existing user gets change_password, tags and permissions are set again
 * (set_* replace).  Nothing is ever deleted.
 *
 * Every argument is single-quoted (' as '\'').  Passwords go to
 * rabbitmqctl on standard input (printf is a shell builtin, so they never
 * appear in any argument vector) -- RabbitMQ 3.8+ reads the password
 * there when the argument is left out, and trims white space from its
 * ends, so a Zed password that begins or ends with white space is an
 * error.  Folsom-era RabbitMQ (2.x) cannot do that: for release folsom
 * the password is an argument, visible in ps(1) while rabbitmqctl runs.
 *
 * Replicated rabbitmq (prod: mq on ctl1 and ctl2): every node gets a
 * complete, standalone script.  ztopo does not cluster the nodes; if they
 * are clustered, users, vhosts and permissions are cluster-wide and the
 * second script only sets the same values again.
 */
#include <string.h>

#include "backend.h"

static int
is_rabbitmq(const struct ir_sinst *si)
{
	return si->service->role == ROLE_RABBITMQ;
}

static int
same_perms(const struct ir_credential *a, const struct ir_credential *b)
{
	return strcmp(a->perm_configure, b->perm_configure) == 0 &&
	    strcmp(a->perm_write, b->perm_write) == 0 &&
	    strcmp(a->perm_read, b->perm_read) == 0;
}

/* A name rabbitmqctl and setup.sh's lookups take as one argument/row. */
static const char *
bad_name(const char *s)
{
	if (*s == '\0')
		return "is empty";
	if (*s == '-')
		return "begins with '-' (rabbitmqctl would read an option)";
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "holds a control character";
	return NULL;
}

/*
 * Two credentials of one RabbitMQ user used on one server conflict when
 * they give it two passwords, or other permissions on one vhost.
 */
static int
rabbitmq_conflict(const struct ir_credential *a, const struct ir_credential *b)
{
	return a->password != b->password ||
	    (strcmp(a->vhost, b->vhost) == 0 && !same_perms(a, b));
}

static void
rabbitmq_report(struct diag *d, const struct ir_credential *a,
    const struct ir_credential *b, const struct ir_sinst *si)
{
	if (a->password != b->password)
		diag_error(d, b->loc, "credential \"%s\" gives RabbitMQ user "
		    "\"%s\" the password \"%s\", but credential \"%s\" gives "
		    "it \"%s\", on the same server (service \"%s\" in zone "
		    "\"%s\" of host \"%s\"); one user has one password",
		    b->name, b->user, b->password->name, a->name,
		    a->password->name, si->service->name, si->zone_name,
		    si->host->name);
	else
		diag_error(d, b->loc, "credential \"%s\" gives RabbitMQ user "
		    "\"%s\" other permissions on vhost \"%s\" than credential "
		    "\"%s\"; a user has one set of permissions per vhost",
		    b->name, b->user, b->vhost, a->name);
}

static const struct server_check rabbitmq_servers = {
	.role = ROLE_RABBITMQ,
	.kind = CRED_RABBITMQ,
	.server_kind = "RabbitMQ",
	.file = "setup.sh",
	.conflict = rabbitmq_conflict,
	.report = rabbitmq_report,
};

/*
 * Located checks: names rabbitmqctl takes; one zone runs at most one
 * RabbitMQ server (one setup.sh); no conflicting credentials of one user
 * on one server.
 */
static int
rabbitmq_check(const struct ir *ir, struct diag *d)
{
	size_t i;
	int errors = 0;

	for (i = 0; i < ir->ncredentials; i++) {
		const struct ir_credential *c = ir->credentials[i];
		const char *why;

		if (c->kind != CRED_RABBITMQ)
			continue;
		if (c->user != NULL && (why = bad_name(c->user)) != NULL) {
			diag_error(d, c->loc, "the RabbitMQ user of credential "
			    "\"%s\" %s", c->name, why);
			errors++;
		}
		if (c->vhost != NULL && (why = bad_name(c->vhost)) != NULL) {
			diag_error(d, c->loc, "the RabbitMQ vhost of credential "
			    "\"%s\" %s", c->name, why);
			errors++;
		}
	}
	return errors + check_servers(ir, d, &rabbitmq_servers);
}

/*
 * Length of the white space character (Unicode White_Space, which
 * includes what Elixir's String.trim/1 removes) at S, else 0.
 */
static size_t
white_at(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n < 3 || (s[0] & 0xf0) != 0xe0)
		return 0;
	cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 |
	    (unsigned)(s[2] & 0x3f);
	if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	    cp == 0x180e)
		return 3;
	return 0;
}

static int
trimmed_by_rabbitmqctl(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = strlen(v), k;

	if (white_at(s, n))
		return 1;
	for (k = 1; k <= 3 && k <= n; k++)
		if ((k == 1 || (s[n - k] & 0xc0) != 0x80) &&
		    white_at(s + n - k, k) == k)
			return 1;
	return 0;
}

static int
emit_one(const struct ir *ir, const struct ir_sinst *si, struct outset *os,
    struct diag *d, const struct emit_opts *eo)
{
	struct arena *a = ir->arena;
	const struct ir_credential **cs;
	struct hash *seen = hash_new(a);
	struct outfile *f;
	struct strbuf sb, pw;
	size_t n, i, j, k;
	int stdin_pw = REL_HAS(ir->release, RF_RABBIT_STDIN), errors = 0;

	cs = creds_served(ir, si, CRED_RABBITMQ, &n);
	sb_init(&sb);
	sb_init(&pw);
	sb_printf(&sb,
	    "#!/bin/sh\n"
	    "# setup.sh: RabbitMQ vhosts, users and permissions for service "
	    "\"%s\"\n"
	    "# in zone \"%s\" of host \"%s\", target \"%s\".\n"
	    "# Generated by ztopo from the .zt description: edit that, not "
	    "this file.\n"
	    "#\n"
	    "# Run it as root in that zone, with RabbitMQ running:  sh setup.sh\n"
	    "# Running it again is safe: existing vhosts and users are kept, "
	    "passwords,\n"
	    "# tags and permissions are set again.  Nothing is deleted.\n"
	    "# Each rabbitmq node of the target has its own complete script; "
	    "on\n"
	    "# clustered nodes the users are shared and the second run sets "
	    "the same\n"
	    "# values again.\n",
	    si->service->name, si->zone_name, si->host->name, ir->target);
	if (stdin_pw)
		sb_puts(&sb, "# Passwords reach rabbitmqctl on standard input "
		    "(RabbitMQ 3.8 or later),\n"
		    "# never as arguments that ps(1) would show.\n");
	else
		sb_puts(&sb, "# Folsom-era RabbitMQ (2.x) reads no password "
		    "from standard input: each\n"
		    "# password is an argument, visible in ps(1) while "
		    "rabbitmqctl runs.\n");
	sb_puts(&sb, "# It holds no password: they are in setup-passwords.sh "
	    "next to it (mode\n"
	    "# 0600, never committed), which it reads first.\n");
	sb_printf(&pw, "# setup-passwords.sh: the RabbitMQ passwords setup.sh of "
	    "service \"%s\" in\n"
	    "# zone \"%s\" of host \"%s\" (target \"%s\") reads, as shell "
	    "variables.\n"
	    "# Generated by ztopo; do not edit.  %s\n",
	    si->service->name, si->zone_name, si->host->name, ir->target,
	    eo->redact ? "The passwords are @@NAME@@\n# placeholders "
	    "(--redact)." : "Mode 0600: never commit it.");
	sb_puts(&sb,
	    "set -eu\n"
	    ". \"$(dirname \"$0\")/setup-passwords.sh\"\n"
	    "\n"
	    "# has NAME ROWS: is NAME the first column of a row of ROWS, the "
	    "output of\n"
	    "# `rabbitmqctl -q list_users` or `list_vhosts name tracing`?  "
	    "RabbitMQ 3.7\n"
	    "# and later print a header row (user, tags / name, tracing) even "
	    "with -q;\n"
	    "# no data row has \"tags\" or \"tracing\" in its second column.\n"
	    "has() {\n"
	    "\tprintf '%s\\n' \"$2\" | {\n"
	    "\t\twhile IFS= read -r row; do\n"
	    "\t\t\tcase $row in\n"
	    "\t\t\t\"$1\ttags\" | \"$1\ttracing\") ;;\n"
	    "\t\t\t\"$1\t\"*) exit 0 ;;\n"
	    "\t\t\tesac\n"
	    "\t\tdone\n"
	    "\t\texit 1\n"
	    "\t}\n"
	    "}\n"
	    "\n"
	    "vhosts=$(rabbitmqctl -q list_vhosts name tracing)\n"
	    "users=$(rabbitmqctl -q list_users)\n");

	/* vhosts, once each */
	for (i = 0; i < n; i++) {
		if (!hash_put(seen, arena_printf(a, "v:%s", cs[i]->vhost),
		    (void *)cs[i]))
			continue;
		if (i == 0)
			sb_putc(&sb, '\n');
		sb_puts(&sb, "has ");
		sb_shquote(&sb, cs[i]->vhost);
		sb_puts(&sb, " \"$vhosts\" || rabbitmqctl add_vhost ");
		sb_shquote(&sb, cs[i]->vhost);
		sb_putc(&sb, '\n');
	}

	/* users, once each, with the union of their tags */
	for (i = 0; i < n; i++) {
		const struct ir_credential *c = cs[i];
		const char *var;
		size_t ntags = 0;

		if (!hash_put(seen, arena_printf(a, "u:%s", c->user),
		    (void *)c))
			continue;
		sb_printf(&sb, "\n# user of credential \"%s\"", c->name);
		for (j = i + 1; j < n; j++)
			if (strcmp(cs[j]->user, c->user) == 0)
				sb_printf(&sb, ", \"%s\"", cs[j]->name);
		sb_puts(&sb, "; used by:\n");
		for (j = i; j < n; j++) {
			if (strcmp(cs[j]->user, c->user) != 0)
				continue;
			for (k = 0; k < cs[j]->nconsumers; k++) {
				const struct ir_edge *e = cs[j]->consumers[k];

				if (e->server == si)
					sb_printf(&sb, "#   %s@%s/%s\n",
					    e->client->service->name,
					    e->client->host->name,
					    e->client->zone_name);
			}
		}
		if (stdin_pw && !eo->redact && c->password->value != NULL &&
		    trimmed_by_rabbitmqctl(c->password->value)) {
			diag_error(d, c->loc, "the password of RabbitMQ user "
			    "\"%s\" (secret \"%s\") begins or ends with white "
			    "space, which rabbitmqctl strips from a password it "
			    "reads on standard input", c->user,
			    c->password->name);
			errors++;
		}
		var = secret_var_name(a, c->password);
		if (hash_put(seen, arena_printf(a, "s:%s", var), (void *)c)) {
			sb_printf(&pw, "%s=", var);
			sb_shquote(&pw, secret_text(a, c->password, eo));
			sb_putc(&pw, '\n');
		}
		sb_puts(&sb, "if has ");
		sb_shquote(&sb, c->user);
		sb_puts(&sb, " \"$users\"; then\n");
		for (k = 0; k < 2; k++) {
			const char *cmd = k == 0 ? "change_password" : "add_user";

			if (k == 1)
				sb_puts(&sb, "else\n");
			if (stdin_pw) {
				sb_printf(&sb, "\tprintf '%%s\\n' \"$%s\" | "
				    "rabbitmqctl %s ", var, cmd);
				sb_shquote(&sb, c->user);
			} else {
				sb_printf(&sb, "\trabbitmqctl %s ", cmd);
				sb_shquote(&sb, c->user);
				sb_printf(&sb, " \"$%s\"", var);
			}
			sb_putc(&sb, '\n');
		}
		sb_puts(&sb, "fi\n");
		for (j = i; j < n; j++) {
			if (strcmp(cs[j]->user, c->user) != 0)
				continue;
			for (k = 0; k < cs[j]->nrabbit_tags; k++) {
				const char *t = cs[j]->rabbit_tags[k];

				if (!hash_put(seen, arena_printf(a, "t:%zu:%s:%s",
				    strlen(c->user), c->user, t), (void *)c))
					continue;
				if (ntags++ == 0) {
					sb_puts(&sb, "rabbitmqctl set_user_tags ");
					sb_shquote(&sb, c->user);
				}
				sb_putc(&sb, ' ');
				sb_shquote(&sb, t);
			}
		}
		if (ntags)
			sb_putc(&sb, '\n');
	}

	/* permissions, once per (user, vhost) */
	for (i = 0; i < n; i++) {
		const struct ir_credential *c = cs[i];

		if (!hash_put(seen, arena_printf(a, "p:%zu:%s:%s",
		    strlen(c->user), c->user, c->vhost), (void *)c))
			continue;
		if (i == 0)
			sb_putc(&sb, '\n');
		sb_puts(&sb, "rabbitmqctl set_permissions -p ");
		sb_shquote(&sb, c->vhost);
		sb_putc(&sb, ' ');
		sb_shquote(&sb, c->user);
		sb_putc(&sb, ' ');
		sb_shquote(&sb, c->perm_configure);
		sb_putc(&sb, ' ');
		sb_shquote(&sb, c->perm_write);
		sb_putc(&sb, ' ');
		sb_shquote(&sb, c->perm_read);
		sb_putc(&sb, '\n');
	}
	f = out_add_split(os, ART_BROKER, arena_printf(a,
	    "%s/%s/rabbitmq/setup.sh", si->host->name, si->zone_name), &sb,
	    0755, arena_printf(a, "%s/%s/rabbitmq/setup-passwords.sh",
	    si->host->name, si->zone_name), &pw);
	out_for(f, si, APPLY_RUN, ZTOPO_ZONE_DIR "/rabbitmq/setup.sh");
	out_companion_for(f, ZTOPO_ZONE_DIR "/rabbitmq/setup-passwords.sh");
	sb_free(&sb);
	sb_free(&pw);
	return errors;
}

static int
rabbitmq_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	size_t i;
	int errors = 0;

	for (i = 0; i < ir->nsinsts; i++)
		if (is_rabbitmq(ir->sinsts[i]))
			errors += emit_one(ir, ir->sinsts[i], os, d, eo);
	return errors;
}

const struct backend rabbitmq_backend = {
	.name = "rabbitmq",
	.description = "RabbitMQ vhosts, users and permissions (setup.sh)",
	.check = rabbitmq_check,
	.emit = rabbitmq_emit,
};
