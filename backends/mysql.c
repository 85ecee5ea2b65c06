/*
 * mysql.c -- MariaDB databases, accounts and grants, derived from where
 * the clients of each mysql server run in the target.
 *
 * For every instance of a service with role mysql:
 *
 *	<host>/<zone>/mysql/grants.sql		(0600, holds passwords)
 *
 * One account 'user'@'address' per (credential user, client address)
 * that needs it: the addresses are those of the credential's consumer
 * edges whose server is this instance, as the server sees them (the
 * client's address on a network both share).  A use the client's role
 * does not make in this release (Zed nova-compute -> mysql) has no edge,
 * so no account.  '%' only when the credential says any_host.
 *
 * Order: credentials in declaration order, then addresses ascending;
 * databases in first-mention order.  Nothing is emitted from a hash.
 *
 * Quoting (see also doc/ztopo.5, ACCOUNTS):
 *  - the file first sets a known session sql_mode, so its string literals
 *    parse the same whatever the server's or the client's sql_mode
 *    (NO_BACKSLASH_ESCAPES, ANSI_QUOTES, ORACLE...);  in string literals
 *    a quote is doubled and a backslash is written \\ ;
 *  - identifiers are back-quoted with back quotes doubled;
 *  - in GRANT ... ON `db`.* the name is a LIKE pattern: _ % and \ are
 *    escaped with a backslash so nova_api cannot also match novaXapi;
 *  - SET NAMES utf8mb4 first, so a non-ASCII password is hashed from the
 *    UTF-8 bytes a client will send.
 *
 * Idempotence: CREATE ... IF NOT EXISTS, GRANT of what is granted already
 * is a no-op, and the password is set again (ALTER USER) only when the
 * stored hash differs -- an unconditional ALTER USER would rewrite
 * password_last_changed on every run.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* Append S as a single-quoted SQL string literal (sql_mode TRADITIONAL). */
static void
sql_str(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++) {
		switch (*s) {
		case '\'':
			sb_puts(sb, "''");
			break;
		case '\\':
			sb_puts(sb, "\\\\");
			break;
		case '\n':
			sb_puts(sb, "\\n");
			break;
		case '\r':
			sb_puts(sb, "\\r");
			break;
		case '\032':
			sb_puts(sb, "\\Z");
			break;
		default:
			sb_putc(sb, *s);
		}
	}
	sb_putc(sb, '\'');
}

/* Append S as a back-quoted identifier; PATTERN: escape LIKE wildcards. */
static void
sql_ident(struct strbuf *sb, const char *s, int pattern)
{
	sb_putc(sb, '`');
	for (; *s; s++) {
		if (*s == '`')
			sb_putc(sb, '`');
		else if (pattern && (*s == '_' || *s == '%' || *s == '\\'))
			sb_putc(sb, '\\');
		sb_putc(sb, *s);
	}
	sb_putc(sb, '`');
}

static int
is_mysql(const struct ir_sinst *si)
{
	return si->service->role == ROLE_MYSQL;
}

/*
 * Located checks: one zone runs at most one MySQL server (one
 * grants.sql); one MySQL user cannot have two passwords on one server.
 */
static int
mysql_conflict(const struct ir_credential *a, const struct ir_credential *b)
{
	return a->password != b->password;
}

static void
mysql_report(struct diag *d, const struct ir_credential *a,
    const struct ir_credential *b, const struct ir_sinst *si)
{
	diag_error(d, b->loc, "credential \"%s\" gives MySQL user \"%s\" the "
	    "password \"%s\", but credential \"%s\" gives it \"%s\", on the "
	    "same server (service \"%s\" in zone \"%s\" of host \"%s\"); one "
	    "account has one password", b->name, b->user, b->password->name,
	    a->name, a->password->name, si->service->name, si->zone_name,
	    si->host->name);
}

static const struct server_check mysql_servers = {
	.role = ROLE_MYSQL,
	.kind = CRED_MYSQL,
	.server_kind = "MySQL",
	.file = "grants.sql",
	.conflict = mysql_conflict,
	.report = mysql_report,
};

static int
mysql_check(const struct ir *ir, struct diag *d)
{
	return check_servers(ir, d, &mysql_servers);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void
grants(struct strbuf *sb, const struct ir_credential *c, const char *host)
{
	size_t i, k;
	int all = 0, grant_option = 0, n = 0;

	for (i = 0; i < c->nprivileges; i++) {
		if (strcmp(c->privileges[i], "GRANT OPTION") == 0)
			grant_option = 1;
		else if (strncmp(c->privileges[i], "ALL", 3) == 0)
			all = 1;
	}
	for (k = 0; k < c->ndatabases; k++) {
		sb_puts(sb, "GRANT ");
		if (all)
			sb_puts(sb, "ALL PRIVILEGES");
		else {
			n = 0;
			for (i = 0; i < c->nprivileges; i++) {
				const char *p = c->privileges[i];
				size_t j;

				if (strcmp(p, "GRANT OPTION") == 0)
					continue;
				for (j = 0; j < i; j++)
					if (strcmp(c->privileges[j], p) == 0)
						break;
				if (j < i)
					continue;
				sb_printf(sb, "%s%s", n++ ? ", " : "", p);
			}
			if (n == 0)
				sb_puts(sb, "USAGE");
		}
		sb_puts(sb, " ON ");
		sql_ident(sb, c->databases[k], 1);
		sb_puts(sb, ".* TO ");
		sql_str(sb, c->user);
		sb_putc(sb, '@');
		sql_str(sb, host);
		if (grant_option)
			sb_puts(sb, " WITH GRANT OPTION");
		sb_puts(sb, ";\n");
	}
}

/* Create USER@HOST unless MADE (the accounts of this file) has it, with
 * the password in session variable @PWVAR; grant. */
static void
account(struct strbuf *sb, struct arena *a, struct hash *made,
    const struct ir_credential *c, const char *host, const char *pwvar)
{
	/* the length keeps "a@b"@"c" and "a"@"b@c" apart */
	const char *key = arena_printf(a, "%zu:%s@%s", strlen(c->user),
	    c->user, host);

	if (hash_put(made, key, (void *)c)) {
		sb_puts(sb, "SET @ztopo_user = ");
		sql_str(sb, c->user);
		sb_puts(sb, ", @ztopo_host = ");
		sql_str(sb, host);
		sb_printf(sb, ", @ztopo_password = @%s;\n"
		    "EXECUTE ztopo_create_sql;\n"
		    "EXECUTE IMMEDIATE @ztopo_sql;\n"
		    "EXECUTE ztopo_password_sql;\n"
		    "EXECUTE IMMEDIATE @ztopo_sql;\n", pwvar);
	}
	grants(sb, c, host);
}

static void
emit_one(const struct ir *ir, const struct ir_sinst *si, struct outset *os,
    const struct emit_opts *eo)
{
	struct arena *a = ir->arena;
	struct hash *dbs = hash_new(a), *made = hash_new(a),
	    *vars = hash_new(a);
	struct outfile *f;
	struct strbuf sb, pw;
	uint32_t *addrs;
	size_t i, j, k, n, ncs;
	const struct ir_credential **cs = creds_served(ir, si, CRED_MYSQL,
	    &ncs);

	sb_init(&sb);
	sb_init(&pw);
	sb_printf(&sb,
	    "-- grants.sql: MariaDB databases, accounts and grants for service\n"
	    "-- \"%s\" in zone \"%s\" of host \"%s\", target \"%s\".\n"
	    "-- Generated by ztopo from the .zt description: edit that, not "
	    "this file.\n"
	    "--\n"
	    "-- It holds no password: they are in grants-passwords.sql (mode "
	    "0600, never\n"
	    "-- committed).  Apply the two in one session, as a MariaDB "
	    "administrator\n"
	    "-- (10.4 or later):\n"
	    "--     cat grants-passwords.sql grants.sql | mariadb\n"
	    "-- Applying them again succeeds and changes nothing, except a "
	    "password that\n"
	    "-- changed since, which is set again.  Accounts, grants and "
	    "databases that\n"
	    "-- are no longer described are left alone: nothing is revoked "
	    "or dropped.\n"
	    "\n"
	    "SET NAMES utf8mb4;\n"
	    "-- a known sql_mode, so the literals below parse the same everywhere\n"
	    "SET SESSION sql_mode = 'TRADITIONAL';\n"
	    "EXECUTE IMMEDIATE IF(@ztopo_passwords IS NULL, 'SIGNAL SQLSTATE "
	    "''45000''\n"
	    "    SET MESSAGE_TEXT = ''grants.sql: apply grants-passwords.sql "
	    "first, in the\n"
	    "    same session''', 'DO 0');\n",
	    si->service->name, si->zone_name, si->host->name, ir->target);
	sb_printf(&pw,
	    "-- grants-passwords.sql: the passwords grants.sql of service "
	    "\"%s\" in zone\n"
	    "-- \"%s\" of host \"%s\" (target \"%s\") reads, as session "
	    "variables.\n"
	    "-- Generated by ztopo; do not edit.  %s\n"
	    "SET NAMES utf8mb4;\n"
	    "SET SESSION sql_mode = 'TRADITIONAL';\n",
	    si->service->name, si->zone_name, si->host->name, ir->target,
	    eo->redact ? "The passwords are @@NAME@@\n-- placeholders "
	    "(--redact)." : "Mode 0600: never commit it.");

	for (i = 0; i < ncs; i++) {
		const struct ir_credential *c = cs[i];
		const char *var;

		if (i == 0)
			sb_putc(&sb, '\n');
		for (k = 0; k < c->ndatabases; k++) {
			if (!hash_put(dbs, c->databases[k], (void *)c))
				continue;
			sb_puts(&sb, "CREATE DATABASE IF NOT EXISTS ");
			sql_ident(&sb, c->databases[k], 0);
			sb_puts(&sb, ";\n");
		}
		var = secret_var_name(a, c->password);
		if (hash_put(vars, var, (void *)c)) {
			sb_printf(&pw, "SET @%s = ", var);
			sql_str(&pw, secret_text(a, c->password, eo));
			sb_puts(&pw, ";\n");
		}
	}
	sb_puts(&pw, "SET @ztopo_passwords = 1;\n");
	if (ncs > 0)
		sb_puts(&sb, "\n"
		    "-- ztopo_create_sql sets @ztopo_sql to a CREATE USER IF NOT "
		    "EXISTS of the\n"
		    "-- account @ztopo_user@@ztopo_host with the password "
		    "@ztopo_password;\n"
		    "-- ztopo_password_sql sets it to an ALTER USER that gives "
		    "the account that\n"
		    "-- password, or to DO 0 when it has it already (ALTER USER "
		    "would rewrite\n"
		    "-- password_last_changed on every run).\n"
		    "PREPARE ztopo_create_sql FROM 'SELECT CONCAT(''CREATE USER "
		    "IF NOT EXISTS '',\n"
		    "    QUOTE(@ztopo_user), ''@'', QUOTE(@ztopo_host), '' "
		    "IDENTIFIED BY '',\n"
		    "    QUOTE(@ztopo_password)) INTO @ztopo_sql';\n"
		    "PREPARE ztopo_password_sql FROM 'SELECT IF((SELECT "
		    "authentication_string\n"
		    "    FROM mysql.user WHERE User = @ztopo_user AND Host = "
		    "@ztopo_host)\n"
		    "    <=> PASSWORD(@ztopo_password), ''DO 0'', "
		    "CONCAT(''ALTER USER '',\n"
		    "    QUOTE(@ztopo_user), ''@'', QUOTE(@ztopo_host), '' "
		    "IDENTIFIED BY '',\n"
		    "    QUOTE(@ztopo_password))) INTO @ztopo_sql';\n");
	for (i = 0; i < ncs; i++) {
		const struct ir_credential *c = cs[i];
		const char *var;

		var = secret_var_name(a, c->password);
		sb_printf(&sb, "\n-- credential \"%s\" (password: secret \"%s\"), "
		    "used by:\n", c->name, c->password->name);
		addrs = arena_alloc(a, (c->nconsumers + 1) * sizeof(*addrs));
		n = 0;
		for (j = 0; j < c->nconsumers; j++) {
			const struct ir_edge *e = c->consumers[j];

			if (e->server != si)
				continue;
			sb_printf(&sb, "--   %s@%s/%s from %s\n",
			    e->client->service->name, e->client->host->name,
			    e->client->zone_name, ir_addr(ir, e->client_addr));
			addrs[n++] = e->client_addr;
		}
		if (c->any_host) {
			sb_puts(&sb, "-- any_host: one account for every "
			    "address\n");
			account(&sb, a, made, c, "%", var);
			continue;
		}
		qsort(addrs, n, sizeof(*addrs), cmp_u32);
		for (j = 0; j < n; j++) {
			if (j > 0 && addrs[j] == addrs[j - 1])
				continue;
			account(&sb, a, made, c, ir_addr(ir, addrs[j]), var);
		}
	}
	/* forget the passwords: nothing of them stays in the session */
	sb_puts(&sb, "\n");
	if (ncs > 0)
		sb_puts(&sb, "DEALLOCATE PREPARE ztopo_create_sql;\n"
		    "DEALLOCATE PREPARE ztopo_password_sql;\n");
	sb_puts(&sb, "SET @ztopo_user = NULL, @ztopo_host = NULL, "
	    "@ztopo_password = NULL, @ztopo_sql = NULL,\n    "
	    "@ztopo_passwords = NULL;\n");
	for (i = 0; i < ncs; i++) {
		const struct ir_credential *c = cs[i];
		const char *var;

		var = secret_var_name(a, c->password);
		if (hash_get(vars, var) == c)	/* a line each: an added
						 * account adds lines only */
			sb_printf(&sb, "SET @%s = NULL;\n", var);
	}
	f = out_add_split(os, ART_GRANTS, arena_printf(a,
	    "%s/%s/mysql/grants.sql", si->host->name, si->zone_name), &sb,
	    0644, arena_printf(a, "%s/%s/mysql/grants-passwords.sql",
	    si->host->name, si->zone_name), &pw);
	out_for(f, si, APPLY_MYSQL, ZTOPO_ZONE_DIR "/mysql/grants.sql");
	out_companion_for(f, ZTOPO_ZONE_DIR "/mysql/grants-passwords.sql");
	sb_free(&sb);
	sb_free(&pw);
}

static int
mysql_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	size_t i;

	(void)d;
	for (i = 0; i < ir->nsinsts; i++)
		if (is_mysql(ir->sinsts[i]))
			emit_one(ir, ir->sinsts[i], os, eo);
	return 0;
}

const struct backend mysql_backend = {
	.name = "mysql",
	.description = "MariaDB databases, accounts and grants (grants.sql)",
	.check = mysql_check,
	.emit = mysql_emit,
};
