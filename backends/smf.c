/*
 * smf.c -- SMF service manifests, one per service instance.
 *
 *	<host>/<zone>/smf/<service>.xml		(0644; <zone> is "global" for
 *						 the global zone)
 *
 * A service whose package ships its own manifest (manifest packaged, the
 * default for role mysql) gets none, but other services in its zone still
 * depend on it by its package's FMRI.
 *
 * FMRIs.  Following smf(7), whose site-specific services use a category
 * beginning with "site":
 *	a service with a role	svc:/site/openstack/<service>:default
 *	a custom service	svc:/site/<service>:default
 *	packaged (mysql)	the package's, svc:/pkgsrc/mysql:default
 * where <service> is the name of the service in the .zt.  `fmri` in the
 * .zt overrides the scheme ("svc:/" and "//localhost" may be left out; an
 * instance other than default is declared with an explicit <instance>).
 *
 * Manifest, in the order the DTD requires: create_default_instance (or,
 * for an instance other than default, <instance> near the end),
 * single_instance; dependencies "network" (svc:/milestone/network:default,
 * require_all, restart_on error) and "filesystem"
 * (svc:/system/filesystem/local, require_all, restart_on none), "zones"
 * (svc:/system/zones:default, require_all/none) for nova-compute in a
 * global zone, and "uses-<service>" for every uses edge whose server runs
 * in the same zone instance and that the client's role makes in this
 * release: require_all, so the client starts after the server is online,
 * and restart_on none, because the OpenStack services reconnect by
 * themselves and a restart of a server must not cascade into its
 * clients.  A uses edge to another zone or host never becomes a
 * dependency: SMF sees one zone's repository only, and a dependency on an
 * absent service would keep the client offline forever.  Then one
 * service-level method_context (working_directory, default "/" so that a
 * missing home directory cannot fail the methods; method_credential when a
 * user is known; method_environment, with a PATH covering the software
 * prefix for role services), exec_methods start, stop (":kill", or ":true"
 * for transient services) and refresh (when given, or where the role
 * reloads on a signal) with the service's timeout; property group startd
 * (duration); for a custom service, one property group of type
 * application per config section (methods can use %{section/option});
 * stability Evolving; a template with common_name, description and
 * documentation.
 *
 * The XML is written with libxml2's xmlTextWriter, so every string is
 * escaped by libxml2 (newlines, tabs and carriage returns in attributes
 * as character references); what XML 1.0 cannot carry at all (control
 * characters, invalid UTF-8, U+FFFE, U+FFFF) is a located error of the
 * check hook, as is everything else svccfg would reject or svc.startd
 * would trip over.  With --smf-dtd every manifest is validated in-process
 * against that DTD before anything is written; a failure is an internal
 * error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <libxml/xmlwriter.h>

#include "backend.h"
#include "fmri.h"

#define SMF_SYSID	"/usr/share/lib/xml/dtd/service_bundle.dtd.1"
/* Where manifests are installed: a zone's site manifests (imported at
 * boot), and a global zone's, which must survive the SmartOS reboot that
 * rebuilds / from the platform image. */
#define SMF_ZONE_MANIFEST_DIR	"/var/svc/manifest/site"
#define SMF_GZ_MANIFEST_DIR	"/opt/custom/smf"


/* Property groups (and dependencies, which are property groups) that a
 * config section must not be named after. */
static const char *const reserved_pgs[] = {
	"general", "general_ovr", "restarter", "restarter_actions", "startd",
	"start", "stop", "refresh", "method_context", "manifestfiles",
	"dependents", "network", "filesystem", "zones", NULL
};

static const char *const duration_names[] = { "contract", "child",
	"transient" };

static const char *
where(struct arena *a, const struct ir_sinst *si)
{
	if (si->zone == NULL)
		return arena_printf(a, "the global zone of host \"%s\"",
		    si->host->name);
	return arena_printf(a, "zone \"%s\" on host \"%s\"", si->zone_name,
	    si->host->name);
}

/* Does SI's manifest depend on SV (a same-zone use its role makes)? */
static int
same_zone_use(const struct ir_edge *e)
{
	return e->same_zone && e->use->needed && e->server != e->client;
}

/* ---- strings */

/*
 * Why XML 1.0 (and so a manifest) cannot carry S, or NULL: invalid
 * UTF-8, a control character other than tab, newline and carriage
 * return, or U+FFFE/U+FFFF.
 */
static const char *
xml_problem(struct arena *a, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned long cp;
		int n, i;

		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\t' && *p != '\n' &&
			    *p != '\r')
				return arena_printf(a, "the control character "
				    "U+%04X", *p);
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return "bytes that are not UTF-8";
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return "bytes that are not UTF-8";
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return "bytes that are not UTF-8";
		if (cp == 0xfffe || cp == 0xffff)
			return arena_printf(a, "the non-character U+%04lX", cp);
		p += n + 1;
	}
	return NULL;
}

/* Report S (WHAT, written at L) if a manifest cannot carry it. */
static int
check_string(struct arena *a, struct diag *d, struct loc l, const char *what,
    const char *s, size_t max)
{
	const char *why;

	if (s == NULL)
		return 0;
	if ((why = xml_problem(a, s)) != NULL) {
		diag_error(d, l, "%s holds %s, which an SMF manifest (XML "
		    "1.0) cannot carry", what, why);
		return 1;
	}
	if (max && strlen(s) > max) {
		diag_error(d, l, "%s is %zu bytes long; SMF values hold at "
		    "most %zu", what, strlen(s), max);
		return 1;
	}
	return 0;
}

/* User and group names: no white space, control characters, ':' or ','. */
static int
is_account(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == ':' || *s == ',' ||
		    *s == 0x7f)
			return 0;
	return 1;
}

/* Does config of S have section PG (and option PROP, when not NULL)? */
static int
has_config(const struct ir_service *s, const char *pg, size_t npg,
    const char *prop)
{
	size_t i;

	for (i = 0; i < s->nconfig; i++)
		if (strlen(s->config[i].section) == npg &&
		    strncmp(s->config[i].section, pg, npg) == 0 &&
		    (prop == NULL || strcmp(s->config[i].key, prop) == 0))
			return 1;
	return 0;
}

static int
is_reserved_pg(const char *s, size_t n)
{
	size_t i;

	for (i = 0; reserved_pgs[i] != NULL; i++)
		if (strlen(reserved_pgs[i]) == n &&
		    strncmp(reserved_pgs[i], s, n) == 0)
			return 1;
	return (n >= 5 && strncmp(s, "uses-", 5) == 0) ||
	    (n >= 3 && strncmp(s, "tm_", 3) == 0);
}

/*
 * svc.startd's method tokens: %% %r %m %s %i %f and %{property}; any
 * other makes the method fail ("unknown method token").  A %{pg/prop}
 * that names a config section must name one of its options.
 */
static int
check_tokens(struct arena *a, struct diag *d, const struct ir_service *s,
    struct loc l, const char *what, const char *cmd)
{
	const char *p;

	for (p = cmd; (p = strchr(p, '%')) != NULL; p++) {
		const char *close, *slash;

		switch (p[1]) {
		case '\0':
			return 0;
		case '%': case 'r': case 'm': case 's': case 'i': case 'f':
			p++;
			continue;
		case '{':
			break;
		default:
			diag_error(d, l, "%s uses \"%%%.*s\", which is not an "
			    "SMF method token (%%r %%m %%s %%i %%f "
			    "%%{property}); write \"%%%%\" for a literal "
			    "'%%'", what, (p[1] & 0x80) ? 0 : 1, p + 1);
			return 1;
		}
		if ((close = strchr(p + 2, '}')) == NULL) {
			diag_error(d, l, "%s has a \"%%{\" without its \"}\"",
			    what);
			return 1;
		}
		slash = memchr(p + 2, '/', (size_t)(close - p - 2));
		if (slash != NULL && s->role == ROLE_NONE &&
		    smf_is_ident(p + 2, (size_t)(slash - p - 2), 0) &&
		    !is_reserved_pg(p + 2, (size_t)(slash - p - 2))) {
			size_t npg = (size_t)(slash - p - 2);
			char *prop = arena_strndup(a, slash + 1,
			    (size_t)(close - slash - 1));
			size_t np = strlen(prop);

			if (np > 0 && (prop[np - 1] == ',' ||
			    prop[np - 1] == ':'))
				prop[np - 1] = '\0';
			if (!has_config(s, p + 2, npg, NULL)) {
				diag_error(d, l, "%s uses \"%.*s\", but the "
				    "manifest has no property group \"%.*s\" "
				    "(no config section of that name)", what,
				    (int)(close - p + 1), p, (int)npg, p + 2);
				return 1;
			}
			if (!has_config(s, p + 2, npg, prop)) {
				diag_error(d, l, "%s uses \"%.*s\", but config "
				    "section \"%.*s\" has no option \"%s\"",
				    what, (int)(close - p + 1), p, (int)npg,
				    p + 2, prop);
				return 1;
			}
		}
		p = close;
	}
	return 0;
}

/* ":kill" with an optional "-SIGNAL" (a number or a name without SIG). */
static int
check_kill(struct diag *d, struct loc l, const char *what, const char *cmd)
{
	const char *p = cmd + 5;

	if (strncmp(cmd, ":kill", 5) != 0)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' && p == cmd + 5)
		return 0;
	if (p == cmd + 5 && *p != '\0')
		goto bad;
	if (*p++ != '-' || *p == '\0')
		goto bad;
	if (strncmp(p, "SIG", 3) == 0) {
		diag_error(d, l, "%s \"%s\": svc.startd takes signal names "
		    "without SIG, as in \":kill -%s\"", what, cmd, p + 3);
		return 1;
	}
	for (; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9'))
			goto bad;
	return 0;
bad:
	diag_error(d, l, "%s \"%s\" is not \":kill\" or \":kill -SIGNAL\"",
	    what, cmd);
	return 1;
}

/* ---- the check hook */

static int
check_method(struct arena *a, struct diag *d, const struct ir_service *s,
    const char *what, const char *cmd, struct loc l)
{
	int errors = 0;

	if (cmd == NULL)
		return 0;
	if (check_string(a, d, l, what, cmd, SMF_VALUE_MAX))
		return 1;
	errors += check_tokens(a, d, s, l, what, cmd);
	errors += check_kill(d, l, what, cmd);
	if (s->duration == DUR_TRANSIENT && strcmp(what, "start") != 0 &&
	    strncmp(cmd, ":kill", 5) == 0) {
		diag_error(d, l, "%s \"%s\" of a transient service signals "
		    "nothing: SMF does not track the processes of transient "
		    "services; give a command, or make the service a "
		    "contract or child one", what, cmd);
		errors++;
	}
	return errors;
}

/* Where the duration comes from, for notes. */
static void
note_duration(struct diag *d, const struct ir_service *s)
{
	if (s->duration_loc.src != NULL)
		diag_note(d, s->duration_loc, "duration set here");
	else
		diag_note(d, s->role_loc.src ? s->role_loc : s->loc,
		    "duration %s by default", duration_names[s->duration]);
}

static int
check_start(struct diag *d, const struct ir_service *s)
{
	const char *cmd = s->start;
	size_t n;

	if (cmd == NULL)
		return 0;
	if (strncmp(cmd, ":kill", 5) == 0) {
		diag_error(d, s->start_loc, "start cannot be \"%s\": it "
		    "would stop the service it is meant to start", cmd);
		return 1;
	}
	if (strcmp(cmd, ":true") == 0 && s->duration != DUR_TRANSIENT) {
		diag_error(d, s->start_loc, "start \":true\" runs no process, "
		    "so a %s service fails at once; a service with nothing "
		    "to run needs duration transient",
		    duration_names[s->duration]);
		note_duration(d, s);
		return 1;
	}
	n = strlen(cmd);
	while (n > 0 && (cmd[n - 1] == ' ' || cmd[n - 1] == '\t' ||
	    cmd[n - 1] == '\n' || cmd[n - 1] == ';'))
		n--;
	if (s->duration == DUR_CHILD && n > 1 && cmd[n - 1] == '&' &&
	    cmd[n - 2] != '&') {
		diag_error(d, s->start_loc, "start runs its command in the "
		    "background ('&'), but a child service is the start "
		    "method's own process: SMF would restart it as soon as "
		    "the method returns; run it in the foreground");
		note_duration(d, s);
		return 1;
	}
	return 0;
}

/* A literal config value (not a list, not a secret) as text. */
static const char *
literal_text(struct arena *a, const struct ir_value *v)
{
	switch (v->kind) {
	case IRV_INT:
		return arena_printf(a, "%lld", v->i);
	case IRV_BOOL:
		return v->i ? "true" : "false";
	default:
		return v->s != NULL ? v->s : "";
	}
}

static int
check_config(struct arena *a, struct diag *d, const struct ir_service *s)
{
	struct hash *bad = hash_new(a);
	const char *why;
	size_t i, k;
	int errors = 0;

	for (i = 0; i < s->nconfig; i++) {
		const struct ir_opt *o = &s->config[i];
		size_t n = strlen(o->section);

		if (hash_get(bad, o->section) != NULL)
			goto option;
		if ((why = smf_name_problem(a, o->section, 0)) != NULL) {
			hash_put(bad, o->section, (void *)o);
			diag_error(d, o->section_loc, "config section \"%s\" "
			    "becomes an SMF property group, but %s",
			    o->section, why);
			errors++;
		} else if (is_reserved_pg(o->section, n)) {
			hash_put(bad, o->section, (void *)o);
			diag_error(d, o->section_loc, "config section \"%s\" "
			    "would clash with the property group \"%s\" SMF "
			    "or ztopo uses in the manifest; rename the "
			    "section", o->section, o->section);
			errors++;
		}
option:
		if ((why = smf_name_problem(a, o->key, 0)) != NULL) {
			diag_error(d, o->loc, "config option \"%s\" becomes "
			    "an SMF property, but %s", o->key, why);
			errors++;
		}
		if (o->val.kind == IRV_SECRET) {
			diag_error(d, o->val.loc, "a secret cannot go into an "
			    "SMF manifest: config of a service without a "
			    "role becomes SMF properties, which every user "
			    "of the zone can read with svcprop");
			errors++;
		} else if (o->val.kind == IRV_STRING)
			errors += check_string(a, d, o->val.loc,
			    arena_printf(a, "config option %s/%s", o->section,
			    o->key), o->val.s, SMF_VALUE_MAX);
		else if (o->val.kind == IRV_LIST)
			for (k = 0; k < o->val.nitems; k++)
				errors += check_string(a, d,
				    o->val.items[k].loc, arena_printf(a,
				    "config option %s/%s", o->section, o->key),
				    literal_text(a, &o->val.items[k]),
				    SMF_VALUE_MAX);
	}
	return errors;
}

/* Located checks of one service's own settings. */
static int
check_service(struct arena *a, struct diag *d, const struct ir_service *s)
{
	struct fmri f;
	const char *why;
	size_t i;
	int errors = 0;

	if (s->fmri != NULL) {
		if (check_string(a, d, s->fmri_loc, "fmri", s->fmri, 0))
			return 1;
		if ((why = fmri_parse(a, s->fmri, &f)) != NULL) {
			diag_error(d, s->fmri_loc, "invalid fmri \"%s\": %s",
			    s->fmri, why);
			errors++;
		}
	}
	if (s->packaged)
		return errors;
	if (s->fmri == NULL && fmri_own(a, s, &f) == 0 &&
	    strlen(f.service) > SMF_NAME_MAX) {
		diag_error(d, s->loc, "the SMF service name \"%s\" would be "
		    "%zu bytes long, more than SMF's %d; shorten the service "
		    "name or give an fmri", f.service, strlen(f.service),
		    SMF_NAME_MAX);
		errors++;
	}
	if (s->start == NULL && role_table[s->role].exec == NULL) {
		diag_error(d, s->loc, "service \"%s\" has no start command, "
		    "and its SMF manifest needs a start method (or mark it "
		    "manifest packaged)", s->name);
		errors++;
	}
	errors += check_start(d, s);
	errors += check_method(a, d, s, "start", s->start, s->start_loc);
	errors += check_method(a, d, s, "stop", s->stop, s->stop_loc);
	errors += check_method(a, d, s, "refresh", s->refresh,
	    s->refresh_loc);
	if (s->user != NULL && s->user_loc.src != NULL &&
	    !check_string(a, d, s->user_loc, "user", s->user, 0) &&
	    !is_account(s->user)) {
		diag_error(d, s->user_loc, "user \"%s\" is not a user name or "
		    "uid", s->user);
		errors++;
	}
	if (s->group != NULL && s->group_loc.src != NULL &&
	    !check_string(a, d, s->group_loc, "group", s->group, 0) &&
	    !is_account(s->group) && strcmp(s->group, ":default") != 0) {
		diag_error(d, s->group_loc, "group \"%s\" is not a group name "
		    "or gid", s->group);
		errors++;
	}
	if (s->privileges != NULL &&
	    !check_string(a, d, s->privileges_loc, "privileges",
	    s->privileges, SMF_VALUE_MAX) &&
	    (s->privileges[0] == '\0' ||
	    strpbrk(s->privileges, " \t\r\n") != NULL)) {
		diag_error(d, s->privileges_loc, "privileges must be a "
		    "privilege set written without spaces, as in "
		    "\"basic,net_privaddr\"");
		errors++;
	}
	if (s->user == NULL && s->group != NULL) {
		diag_error(d, s->group_loc, "group needs a user: SMF's "
		    "method credential names the user first");
		errors++;
	}
	if (s->user == NULL && s->privileges != NULL) {
		diag_error(d, s->privileges_loc, "privileges need a user: "
		    "SMF's method credential names the user first");
		errors++;
	}
	errors += check_string(a, d, s->workdir_loc, "working_directory",
	    s->workdir, SMF_VALUE_MAX);
	errors += check_string(a, d, s->description_loc, "description",
	    s->description, SMF_VALUE_MAX);
	if (s->description != NULL && s->description[0] == '\0') {
		diag_error(d, s->description_loc, "description is empty; "
		    "svccfg refuses a template text without content");
		errors++;
	}
	for (i = 0; i < s->nenv; i++) {
		const struct ir_kv *kv = &s->env[i];

		if (check_string(a, d, kv->val.loc, arena_printf(a,
		    "environment variable %s", kv->key), kv->val.s, 0)) {
			errors++;
			continue;
		}
		if (strlen(kv->key) + 1 + strlen(kv->val.s) > SMF_VALUE_MAX) {
			diag_error(d, kv->val.loc, "environment variable %s "
			    "is %zu bytes long as NAME=value; SMF values hold "
			    "at most %d", kv->key, strlen(kv->key) + 1 +
			    strlen(kv->val.s), SMF_VALUE_MAX);
			errors++;
		}
	}
	if (role_table[s->role].conf == CONF_SMF)
		errors += check_config(a, d, s);
	return errors;
}

/* Checks of one zone instance's (or global zone's) services together. */
static int
check_zone(struct arena *a, struct diag *d, struct ir_sinst **sis, size_t n)
{
	struct hash *fmris = hash_new(a);	/* "svc:inst" -> service */
	size_t i, j;
	int errors = 0;

	for (i = 0; i < n; i++) {
		const struct ir_service *s = sis[i]->service;
		const struct ir_service *prev;
		const char *key;

		if ((key = s->smf_fmri) == NULL)
			continue;
		if (strchr(key + 5, ':') == NULL)
			key = arena_printf(a, "%s:default", key);
		/* two packaged services clash in their packages, not in
		 * anything ztopo writes */
		if ((prev = hash_get(fmris, key)) != NULL &&
		    !(prev->packaged && s->packaged)) {
			diag_error(d, s->fmri_loc.src ? s->fmri_loc : s->loc,
			    "services \"%s\" and \"%s\" both run in %s as "
			    "the SMF instance %s", prev->name, s->name,
			    where(a, sis[i]), key);
			if (prev->fmri_loc.src != NULL)
				diag_note(d, prev->fmri_loc, "the fmri of "
				    "\"%s\"", prev->name);
			else
				diag_note(d, prev->loc, "\"%s\" has that "
				    "FMRI by default", prev->name);
			errors++;
			continue;
		}
		if (prev == NULL)
			hash_put(fmris, key, (void *)s);
	}
	for (i = 0; i < n; i++) {
		const struct ir_sinst *si = sis[i];

		if (si->service->packaged)
			continue;
		for (j = 0; j < si->nout; j++) {
			const struct ir_edge *e = si->out[j];
			const struct ir_service *sv = e->server->service;

			if (!same_zone_use(e))
				continue;
			if (strlen(sv->name) + 5 > SMF_NAME_MAX) {
				diag_error(d, e->use->loc, "the SMF dependency "
				    "\"uses-%s\" would be %zu bytes long, more "
				    "than SMF's %d; shorten the service name",
				    sv->name, strlen(sv->name) + 5,
				    SMF_NAME_MAX);
				errors++;
			}
			if (sv->smf_fmri != NULL)
				continue;
			if (sv->fmri != NULL)
				continue;	/* invalid: reported */
			diag_error(d, e->use->loc, "service \"%s\" uses "
			    "\"%s\" in %s, whose package ships the manifest, "
			    "but ztopo does not know its FMRI for the SMF "
			    "dependency", si->service->name, sv->name,
			    where(a, si));
			diag_note(d, sv->manifest_loc.src ? sv->manifest_loc :
			    sv->loc, "give it with fmri, as in fmri "
			    "\"svc:/pkgsrc/%s:default\";", sv->role != ROLE_NONE ?
			    role_table[sv->role].name : sv->name);
			errors++;
		}
	}
	return errors;
}

static int
smf_check(const struct ir *ir, struct diag *d)
{
	size_t i;
	int errors = 0;

	for (i = 0; i < ir->nservices; i++)
		errors += check_service(ir->arena, d, ir->services[i]);
	/* a zone's table of FMRIs goes once the zone is checked */
	for (i = 0; i < ir->nzinsts; i++) {
		struct arena_mark m = arena_mark(ir->arena);

		errors += check_zone(ir->arena, d, ir->zinsts[i]->services,
		    ir->zinsts[i]->nservices);
		arena_release(ir->arena, m);
	}
	for (i = 0; i < ir->nhosts; i++) {
		struct arena_mark m = arena_mark(ir->arena);

		errors += check_zone(ir->arena, d, ir->hosts[i]->global,
		    ir->hosts[i]->nglobal);
		arena_release(ir->arena, m);
	}
	return errors;
}

/* ---- writing: xmlTextWriter with a sticky error flag */

struct xw {
	xmlTextWriterPtr	 w;
	int			 err;
};

static void
xw_start(struct xw *x, const char *el)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST el) < 0)
		x->err = 1;
}

static void
xw_end(struct xw *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->err = 1;
}

static void
xw_attr(struct xw *x, const char *name, const char *val)
{
	if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name,
	    BAD_CAST val) < 0)
		x->err = 1;
}

static void
xw_text(struct xw *x, const char *s)
{
	if (xmlTextWriterWriteString(x->w, BAD_CAST s) < 0)
		x->err = 1;
}

/* <NAME loctext>: common_name or description. */
static void
xw_loctext(struct xw *x, const char *el, const char *text)
{
	xw_start(x, el);
	xw_start(x, "loctext");
	xw_attr(x, "xml:lang", "C");
	xw_text(x, text);
	xw_end(x);
	xw_end(x);
}

static void
xw_dependency(struct xw *x, const char *name, const char *restart_on,
    const char *fmri)
{
	xw_start(x, "dependency");
	xw_attr(x, "name", name);
	xw_attr(x, "grouping", "require_all");
	xw_attr(x, "restart_on", restart_on);
	xw_attr(x, "type", "service");
	xw_start(x, "service_fmri");
	xw_attr(x, "value", fmri);
	xw_end(x);
	xw_end(x);
}

static void
xw_method(struct xw *x, const char *name, const char *exec, long long timeout)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", timeout);
	xw_start(x, "exec_method");
	xw_attr(x, "type", "method");
	xw_attr(x, "name", name);
	xw_attr(x, "exec", exec);
	xw_attr(x, "timeout_seconds", buf);
	xw_end(x);
}

static void
xw_propval(struct xw *x, const char *name, const char *type, const char *val)
{
	xw_start(x, "propval");
	xw_attr(x, "name", name);
	xw_attr(x, "type", type);
	xw_attr(x, "value", val);
	xw_end(x);
}

/* The refresh method: given, or the role's reload signal, or NULL. */
static const char *
refresh_of(const struct ir *ir, const struct ir_service *s)
{
	if (s->refresh != NULL)
		return s->refresh;
	return role_reload(s->role, ir->release);
}

static void
write_context(struct arena *a, struct xw *x, const struct ir_sinst *si)
{
	const struct ir_service *s = si->service;
	size_t i;
	int has_path = 0;

	for (i = 0; i < s->nenv; i++)
		if (strcmp(s->env[i].key, "PATH") == 0)
			has_path = 1;
	xw_start(x, "method_context");
	xw_attr(x, "working_directory", s->workdir ? s->workdir : "/");
	if (s->user != NULL) {
		xw_start(x, "method_credential");
		xw_attr(x, "user", s->user);
		if (s->group != NULL)
			xw_attr(x, "group", s->group);
		if (s->privileges != NULL)
			xw_attr(x, "privileges", s->privileges);
		xw_end(x);
	}
	if (s->nenv > 0 || (s->role != ROLE_NONE && !has_path)) {
		xw_start(x, "method_environment");
		if (s->role != ROLE_NONE && !has_path) {
			xw_start(x, "envvar");
			xw_attr(x, "name", "PATH");
			xw_attr(x, "value", arena_printf(a, "%s/bin:%s/sbin:"
			    "/usr/bin:/usr/sbin", si->prefix, si->prefix));
			xw_end(x);
		}
		for (i = 0; i < s->nenv; i++) {
			xw_start(x, "envvar");
			xw_attr(x, "name", s->env[i].key);
			xw_attr(x, "value", s->env[i].val.s);
			xw_end(x);
		}
		xw_end(x);
	}
	xw_end(x);
}

/* Config sections of a custom service as application property groups,
 * in first-mention order of the sections. */
static void
write_config(struct arena *a, struct xw *x, const struct ir_service *s)
{
	struct hash *done = hash_new(a);
	size_t i, j, k;

	for (i = 0; i < s->nconfig; i++) {
		const char *sec = s->config[i].section;

		if (!hash_put(done, sec, (void *)sec))
			continue;
		xw_start(x, "property_group");
		xw_attr(x, "name", sec);
		xw_attr(x, "type", "application");
		for (j = i; j < s->nconfig; j++) {
			const struct ir_opt *o = &s->config[j];

			if (strcmp(o->section, sec) != 0)
				continue;
			switch (o->val.kind) {
			case IRV_STRING:
				xw_propval(x, o->key, "astring", o->val.s);
				break;
			case IRV_INT:
				xw_propval(x, o->key, "integer",
				    arena_printf(a, "%lld", o->val.i));
				break;
			case IRV_BOOL:
				xw_propval(x, o->key, "boolean",
				    o->val.i ? "true" : "false");
				break;
			case IRV_FLOAT:		/* SMF has no such type */
				xw_propval(x, o->key, "astring", o->val.s);
				break;
			case IRV_LIST:
				xw_start(x, "property");
				xw_attr(x, "name", o->key);
				xw_attr(x, "type", "astring");
				xw_start(x, "astring_list");
				for (k = 0; k < o->val.nitems; k++) {
					xw_start(x, "value_node");
					xw_attr(x, "value", literal_text(a,
					    &o->val.items[k]));
					xw_end(x);
				}
				xw_end(x);
				xw_end(x);
				break;
			case IRV_SECRET:	/* refused by the check */
				break;
			}
		}
		xw_end(x);
	}
}

static const char *
description_of(const struct ir *ir, const struct ir_sinst *si)
{
	struct arena *a = ir->arena;
	const struct ir_service *s = si->service;
	const char *what, *in;

	if (s->description != NULL)
		return s->description;
	what = s->role != ROLE_NONE ? arena_printf(a, "%s (role %s): service",
	    role_table[s->role].common_name, role_table[s->role].name) :
	    "Custom service";
	in = si->zone == NULL ? arena_printf(a, "the global zone of host %s",
	    si->host->name) : arena_printf(a, "zone %s on host %s",
	    si->zone_name, si->host->name);
	return arena_printf(a, "%s %s of target %s, in %s; generated by ztopo",
	    what, s->name, ir->target, in);
}

/* Write SI's manifest into BUF; -1 on a libxml2 failure. */
static int
write_manifest(const struct ir *ir, const struct ir_sinst *si,
    xmlBufferPtr buf)
{
	struct arena *a = ir->arena;
	const struct ir_service *s = si->service;
	struct hash *deps = hash_new(a);
	const char *refresh = refresh_of(ir, s);
	struct fmri f;
	struct xw x;
	size_t i;

	if (fmri_own(a, s, &f) == -1 || si->start == NULL)
		return -1;
	if ((x.w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		return -1;
	x.err = 0;
	if (xmlTextWriterStartDocument(x.w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterWriteDTD(x.w, BAD_CAST "service_bundle", NULL,
	    BAD_CAST SMF_SYSID, NULL) < 0 ||
	    xmlTextWriterWriteRaw(x.w, BAD_CAST "\n") < 0 ||
	    xmlTextWriterSetIndent(x.w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x.w, BAD_CAST "  ") < 0)
		x.err = 1;

	xw_start(&x, "service_bundle");
	xw_attr(&x, "type", "manifest");
	xw_attr(&x, "name", s->name);
	xw_start(&x, "service");
	xw_attr(&x, "name", f.service);
	xw_attr(&x, "type", "service");
	xw_attr(&x, "version", "1");
	if (strcmp(f.instance, "default") == 0) {
		xw_start(&x, "create_default_instance");
		xw_attr(&x, "enabled", "true");
		xw_end(&x);
	}
	xw_start(&x, "single_instance");
	xw_end(&x);

	xw_dependency(&x, "network", "error", "svc:/milestone/network:default");
	xw_dependency(&x, "filesystem", "none", "svc:/system/filesystem/local");
	if (si->zone == NULL && role_table[s->role].zone == RZ_GLOBAL)
		xw_dependency(&x, "zones", "none", "svc:/system/zones:default");
	for (i = 0; i < si->nout; i++) {
		const struct ir_edge *e = si->out[i];
		const struct ir_service *sv = e->server->service;
		const char *fmri;

		if (!same_zone_use(e) || (fmri = sv->smf_fmri) == NULL ||
		    !hash_put(deps, sv->name, (void *)sv))
			continue;
		xw_dependency(&x, arena_printf(a, "uses-%s", sv->name), "none",
		    fmri);
	}

	write_context(a, &x, si);
	xw_method(&x, "start", si->start, s->timeout);
	xw_method(&x, "stop", s->stop ? s->stop :
	    s->duration == DUR_TRANSIENT ? ":true" : ":kill", s->timeout);
	if (refresh != NULL)
		xw_method(&x, "refresh", refresh, s->timeout);

	xw_start(&x, "property_group");
	xw_attr(&x, "name", "startd");
	xw_attr(&x, "type", "framework");
	xw_propval(&x, "duration", "astring", duration_names[s->duration]);
	xw_end(&x);
	if (role_table[s->role].conf == CONF_SMF)
		write_config(a, &x, s);

	if (strcmp(f.instance, "default") != 0) {
		xw_start(&x, "instance");
		xw_attr(&x, "name", f.instance);
		xw_attr(&x, "enabled", "true");
		xw_end(&x);
	}
	xw_start(&x, "stability");
	xw_attr(&x, "value", "Evolving");
	xw_end(&x);

	xw_start(&x, "template");
	xw_loctext(&x, "common_name", s->role != ROLE_NONE ?
	    role_table[s->role].common_name : s->name);
	xw_loctext(&x, "description", description_of(ir, si));
	if (s->role != ROLE_NONE) {
		xw_start(&x, "documentation");
		xw_start(&x, "doc_link");
		xw_attr(&x, "name", role_table[s->role].doc_name);
		xw_attr(&x, "uri", role_table[s->role].doc_uri);
		xw_end(&x);
		xw_end(&x);
	}
	xw_end(&x);		/* template */

	xw_end(&x);		/* service */
	xw_end(&x);		/* service_bundle */
	if (xmlTextWriterEndDocument(x.w) < 0)
		x.err = 1;
	xmlFreeTextWriter(x.w);		/* flushes into buf */
	return x.err ? -1 : 0;
}

/* ---- in-process validation (--smf-dtd) */

/* The first message libxml2 reports, for one diagnostic. */
struct xmlmsg {
	char	text[512];
	int	line;
	int	set;
};

/* libxml2 2.12 made the error const */
#if LIBXML_VERSION >= 21200
typedef const xmlError *smf_xmlerr;
#else
typedef xmlErrorPtr smf_xmlerr;
#endif

static void
capture_structured(void *ctx, smf_xmlerr e)
{
	struct xmlmsg *m = ctx;
	size_t n;

	if (m->set || e == NULL || e->message == NULL)
		return;
	snprintf(m->text, sizeof(m->text), "%s", e->message);
	n = strlen(m->text);
	while (n > 0 && (m->text[n - 1] == '\n' || m->text[n - 1] == ' '))
		m->text[--n] = '\0';
	m->line = e->line;
	m->set = 1;
}

static void
capture_generic(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;	/* the structured handler has the message */
}

/* Validate the manifest PATH (LEN bytes at DATA) against DTD. */
static int
validate(struct diag *d, xmlDtdPtr dtd, const char *dtdpath,
    const char *path, const char *data, size_t len)
{
	struct xmlmsg m = { "", 0, 0 };
	xmlValidCtxtPtr vc;
	xmlDocPtr doc;
	int ok = 0;

	xmlSetStructuredErrorFunc(&m, capture_structured);
	doc = xmlReadMemory(data, (int)len, path, NULL, XML_PARSE_NONET);
	if (doc != NULL && (vc = xmlNewValidCtxt()) != NULL) {
		vc->userData = &m;
		vc->error = capture_generic;
		vc->warning = capture_generic;
		ok = xmlValidateDtd(vc, doc, dtd) == 1 && doc->intSubset &&
		    doc->intSubset->SystemID != NULL &&
		    strcmp((const char *)doc->intSubset->SystemID,
		    SMF_SYSID) == 0;
		xmlFreeValidCtxt(vc);
	}
	xmlFreeDoc(doc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (ok)
		return 0;
	if (m.set)
		diag_error(d, (struct loc){ NULL, 0, 0, 0 }, "internal error: "
		    "the generated SMF manifest %s is not valid against %s: "
		    "line %d: %s", path, dtdpath, m.line, m.text);
	else
		diag_error(d, (struct loc){ NULL, 0, 0, 0 }, "internal error: "
		    "the generated SMF manifest %s is not valid against %s",
		    path, dtdpath);
	return -1;
}

static xmlDtdPtr
load_dtd(struct diag *d, const char *path)
{
	struct xmlmsg m = { "", 0, 0 };
	xmlDtdPtr dtd;

	xmlSetStructuredErrorFunc(&m, capture_structured);
	xmlSetGenericErrorFunc(&m, capture_generic);
	dtd = xmlParseDTD(NULL, BAD_CAST path);
	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (dtd == NULL || m.set) {
		diag_error(d, (struct loc){ NULL, 0, 0, 0 }, "cannot use the "
		    "SMF DTD %s%s%s", path, m.set ? ": " : "",
		    m.set ? m.text : "");
		if (dtd != NULL)
			xmlFreeDtd(dtd);
		return NULL;
	}
	return dtd;
}

/* ---- emit */

static int
smf_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	struct arena *a = ir->arena;
	xmlDtdPtr dtd = NULL;
	size_t i;
	int errors = 0;

	if (eo != NULL && eo->smf_dtd != NULL &&
	    (dtd = load_dtd(d, eo->smf_dtd)) == NULL)
		return 1;
	for (i = 0; i < ir->nsinsts; i++) {
		const struct ir_sinst *si = ir->sinsts[i];
		struct arena_mark m = arena_mark(a);
		const char *path;
		xmlBufferPtr buf;

		if (si->service->packaged)
			continue;
		path = arena_printf(a, "%s/%s/smf/%s.xml", si->host->name,
		    si->zone_name, si->service->name);
		if (out_find(os, path) != NULL) {
			diag_error(d, si->loc, "internal error: two SMF "
			    "manifests at %s", path);
			errors++;
			continue;
		}
		if ((buf = xmlBufferCreate()) == NULL ||
		    write_manifest(ir, si, buf) == -1) {
			diag_error(d, si->loc, "internal error: libxml2 could "
			    "not write the SMF manifest %s", path);
			if (buf != NULL)
				xmlBufferFree(buf);
			errors++;
			continue;
		}
		if (dtd != NULL && validate(d, dtd, eo->smf_dtd, path,
		    (const char *)xmlBufferContent(buf),
		    (size_t)xmlBufferLength(buf)) == -1)
			errors++;
		else {
			struct outfile *f = out_add(os, ART_MANIFEST, path,
			    (const char *)xmlBufferContent(buf),
			    (size_t)xmlBufferLength(buf), 0644, 0);

			out_for(f, si, APPLY_IMPORT, arena_printf(a, "%s/%s.xml",
			    si->zone ? SMF_ZONE_MANIFEST_DIR :
			    SMF_GZ_MANIFEST_DIR, si->service->name));
			f->fmri = si->service->smf_fmri;
		}
		xmlBufferFree(buf);
		arena_release(a, m);	/* one manifest's strings */
	}
	if (dtd != NULL)
		xmlFreeDtd(dtd);
	return errors;
}

const struct backend smf_backend = {
	.name = "smf",
	.description = "SMF service manifests (<host>/<zone>/smf/*.xml)",
	.check = smf_check,
	.emit = smf_emit,
};
