/*
 * novacheck.c -- the nova options a description sets, checked against
 * nova's own option registry of its release (nova_options.c, generated):
 * unknown sections and options (with the name the other release uses, or
 * the closest one), deprecated names, values of the wrong type, literal
 * values for options oslo.config marks secret; and the one keystone
 * password every nova service must agree on.  novaconf.c derives and
 * writes the fragments.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "nova.h"
#include "nova_options.h"

/* ---- the option table */

/*
 * Options renamed between Folsom and Zed that nova no longer maps (see
 * the Folsom-to-Zed table of nova.md): a hint for a description
 * written for the other release.
 */
static const struct {
	unsigned	 flag;		/* releases with (lacks 1) or without */
	int		 lacks;		/* (lacks 0) this RF_ flag lack it */
	const char	*section, *key;
	const char	*now;		/* what they read instead */
} renamed[] = {
#define SECT	RF_NOVA_SECTIONS, 1, "DEFAULT"	/* sectioned releases lack */
#define URL	RF_TRANSPORT_URL, 1, "DEFAULT"	/* transport_url ones lack */
	{ SECT, "vncserver_listen", "[vnc] server_listen" },
	{ SECT, "vncserver_proxyclient_address",
	    "[vnc] server_proxyclient_address" },
	{ URL, "rabbit_host", "[DEFAULT] transport_url" },
	{ URL, "rabbit_port", "[DEFAULT] transport_url" },
	{ URL, "rabbit_userid", "[DEFAULT] transport_url" },
	{ URL, "rabbit_password", "[DEFAULT] transport_url" },
	{ URL, "rabbit_virtual_host", "[DEFAULT] transport_url" },
	{ SECT, "glance_api_servers", "[glance] api_servers" },
	{ SECT, "libvirt_type", "[libvirt] virt_type" },
	{ SECT, "connection_type", "[DEFAULT] compute_driver" },
	{ SECT, "auth_strategy", "[api] auth_strategy" },
	{ RF_TRANSPORT_URL, 0, "DEFAULT", "transport_url",
	    "[DEFAULT] rabbit_host, rabbit_port, rabbit_userid, "
	    "rabbit_password and rabbit_virtual_host" },
#undef SECT
#undef URL
};

/* nova's own facts per release: its option registry (nova_options.c),
 * and what to add when a section is unknown. */
static const struct {
	const struct nova_opt	*opts;
	const size_t		*nopts;
	const struct nova_alias	*aliases;
	const char		*sections;
} nova_rel[REL__COUNT] = {
	[REL_FOLSOM] = { nova_folsom_opts, &nova_folsom_nopts,
	    nova_folsom_aliases, " (Folsom's nova.conf has [DEFAULT] and "
	    "[keystone_authtoken] only)" },
	[REL_ZED] = { nova_zed_opts, &nova_zed_nopts, nova_zed_aliases, "" },
};

static const struct nova_opt *
opt_table(enum ir_release r, size_t *n)
{
	*n = *nova_rel[r].nopts;
	return nova_rel[r].opts;
}

static const struct nova_alias *
alias_table(enum ir_release r)
{
	return nova_rel[r].aliases;
}

static int
cmp_opt(const char *sec, const char *key, const struct nova_opt *o)
{
	int c = strcmp(sec, o->section);

	if (c != 0 || key == NULL)
		return c;
	return strcmp(key, o->key);
}

/* The first entry of SECTION (KEY NULL) or the entry SECTION KEY. */
const struct nova_opt *
nova_opt_find(enum ir_release r, const char *sec, const char *key)
{
	size_t n, lo = 0, hi;
	const struct nova_opt *t = opt_table(r, &n);

	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_opt(sec, key, &t[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && cmp_opt(sec, key, &t[lo]) == 0)
		return &t[lo];
	return NULL;
}

/* The distinct section names of release R, in table order. */
static const char **
sections(struct arena *a, enum ir_release r, size_t *nout)
{
	size_t n, i, k = 0;
	const struct nova_opt *t = opt_table(r, &n);
	const char **v = arena_alloc(a, (n + 1) * sizeof(*v));

	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(v[k - 1], t[i].section) != 0)
			v[k++] = t[i].section;
	*nout = k;
	return v;
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* ---- the description-wide checks */

/* The secrets nova services set as [SECTION] password; reports two
 * different ones.  NULL if none is set. */
static const struct ir_secret *
password_of(const struct ir *ir, struct diag *d, int report,
    const char *section)
{
	const struct ir_opt *first = NULL;
	size_t i, j;

	for (i = 0; i < ir->nservices; i++) {
		const struct ir_service *s = ir->services[i];

		if (role_table[s->role].conf != CONF_NOVA)
			continue;
		for (j = 0; j < s->nconfig; j++) {
			const struct ir_opt *c = &s->config[j];

			if (strcmp(c->section, section) != 0 ||
			    strcmp(c->key, "password") != 0 ||
			    c->val.kind != IRV_SECRET)
				continue;
			if (first == NULL)
				first = c;
			else if (c->val.secret != first->val.secret &&
			    report) {
				diag_error(d, c->val.loc, "nova services share "
				    "one keystone user, but this [%s] password "
				    "is secret \"%s\"", section,
				    c->val.secret->name);
				diag_note(d, first->val.loc, "and this one is "
				    "secret \"%s\"", first->val.secret->name);
			}
		}
	}
	return first ? first->val.secret : NULL;
}

/*
 * nova's keystone password: the secret nova services set as
 * [keystone_authtoken] password, or failing that as [service_user]
 * password.  NULL if none is set.
 */
const struct ir_secret *
nova_ks_password(const struct ir *ir, struct diag *d, int report)
{
	const struct ir_secret *a = password_of(ir, d, report,
	    "keystone_authtoken");
	const struct ir_secret *b = password_of(ir, d, report,
	    "service_user");

	return a != NULL ? a : b;
}

static int
is_int(const char *s)
{
	char *end;

	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	strtoll(s, &end, 10);
	return *end == '\0';
}

static int
is_float(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	strtod(s, &end);
	return *end == '\0';
}

static int
is_bool(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no",
	    "on", "off", "1", "0" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/* A URL that carries a password: scheme://user:pass@... */
static int
url_has_password(const char *s)
{
	const char *p = strstr(s, "://"), *at, *end;

	if (p == NULL)
		return 0;
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	return at != NULL && memchr(p, ':', (size_t)(at - p)) != NULL;
}

static void
check_value(const struct ir *ir, struct diag *d, const struct ir_opt *c,
    const struct nova_opt *no)
{
	const struct ir_value *v = &c->val;
	unsigned type = no->flags & NOVA_TYPE;
	const char *want = NULL;

	if (v->kind == IRV_SECRET)
		return;
	/* a URL without a password in it (sqlite://, fake://) may be
	 * literal; any other value of a secret option may not */
	if ((no->flags & NOVA_SECRET) && !(v->kind == IRV_STRING &&
	    (strstr(c->key, "connection") != NULL ||
	    strstr(c->key, "_url") != NULL) && !url_has_password(v->s))) {
		diag_error(d, v->loc, "[%s] %s holds a secret in nova %s: "
		    "write `secret NAME`, so that its value never sits in a "
		    ".zt file", c->section, c->key, release_name(ir->release));
		return;
	}
	switch (v->kind) {
	case IRV_STRING:
		if (has_control(v->s)) {
			diag_error(d, v->loc, "a nova.conf value cannot hold "
			    "newlines or other control characters");
			return;
		}
		if (type == NOVA_INT && !is_int(v->s))
			want = "an integer";
		else if (type == NOVA_BOOL && !is_bool(v->s))
			want = "true or false";
		else if (type == NOVA_FLOAT && !is_float(v->s))
			want = "a number";
		break;
	case IRV_INT:
		if (type == NOVA_BOOL && v->i != 0 && v->i != 1)
			want = "true or false";
		break;
	case IRV_BOOL:
		if (type == NOVA_INT || type == NOVA_FLOAT)
			want = type == NOVA_INT ? "an integer" : "a number";
		break;
	case IRV_SECRET:
		break;
	}
	if (want != NULL)
		diag_error(d, v->loc, "[%s] %s takes %s", c->section, c->key,
		    want);
}

/* Every config option of the nova services against release R's table. */
void
nova_check_config(const struct ir *ir, struct diag *d)
{
	enum ir_release r = ir->release;
	const char *rel = release_name(r);
	size_t nsecs, i, j, k, n;
	const char **secs = sections(ir->arena, r, &nsecs);
	const struct nova_opt *t = opt_table(r, &n);

	for (i = 0; i < ir->nservices; i++) {
		const struct ir_service *s = ir->services[i];

		if (role_table[s->role].conf != CONF_NOVA)
			continue;
		for (j = 0; j < s->nconfig; j++) {
			const struct ir_opt *c = &s->config[j];
			const struct nova_opt *no, *first;
			const struct nova_alias *al;
			const char *sug = NULL, **keys;
			char *also = NULL;
			size_t nk = 0;

			if ((first = nova_opt_find(r, c->section, NULL)) == NULL) {
				for (k = 0; k < nsecs; k++)
					if (strcasecmp(secs[k],
					    c->section) == 0)
						sug = secs[k];
				if (sug == NULL)
					sug = suggest(c->section, secs, nsecs);
				diag_error(d, c->section_loc, "unknown nova.conf "
				    "section [%s] in OpenStack %s%s%s%s%s",
				    c->section, rel,
				    sug ? "; did you mean [" : "",
				    sug ? sug : "", sug ? "]?" : "",
				    sug == NULL ? nova_rel[r].sections : "");
				/* one error per section is enough */
				while (j + 1 < s->nconfig && strcmp(
				    s->config[j + 1].section, c->section) == 0)
					j++;
				continue;
			}
			if ((no = nova_opt_find(r, c->section, c->key)) != NULL) {
				check_value(ir, d, c, no);
				continue;
			}
			for (al = alias_table(r); al->section != NULL; al++) {
				if (strcmp(al->section, c->section) != 0 ||
				    strcmp(al->key, c->key) != 0)
					continue;
				also = arena_printf(ir->arena, "%s%s[%s] %s",
				    also ? also : "", also ? " and " : "",
				    al->to_section, al->to_key);
			}
			if (also != NULL) {
				diag_error(d, c->loc, "[%s] %s is a deprecated "
				    "name in nova %s; write %s", c->section,
				    c->key, rel, also);
				continue;
			}
			keys = arena_alloc(ir->arena, (n + 1) * sizeof(*keys));
			for (no = first; no < t + n &&
			    strcmp(no->section, c->section) == 0; no++)
				keys[nk++] = no->key;
			sug = suggest(c->key, keys, nk);
			for (k = 0; k < sizeof(renamed) / sizeof(renamed[0]);
			    k++)
				if (REL_HAS(r, renamed[k].flag) ==
				    renamed[k].lacks && strcmp(
				    renamed[k].section, c->section) == 0 &&
				    strcmp(renamed[k].key, c->key) == 0)
					break;
			if (k < sizeof(renamed) / sizeof(renamed[0])) {
				diag_error(d, c->loc, "unknown option \"%s\" in "
				    "nova.conf section [%s] (OpenStack %s); "
				    "%s reads %s instead", c->key, c->section,
				    rel, rel, renamed[k].now);
				continue;
			}
			if (sug == NULL)
				for (no = t; no < t + n; no++)
					if (strcmp(no->key, c->key) == 0) {
						also = arena_printf(ir->arena,
						    "%s%s[%s]", also ? also : "",
						    also ? ", " : "",
						    no->section);
					}
			diag_error(d, c->loc, "unknown option \"%s\" in nova.conf "
			    "section [%s] (OpenStack %s)%s%s%s%s%s", c->key,
			    c->section, rel, sug ? "; did you mean \"" : "",
			    sug ? sug : "", sug ? "\"?" : "",
			    also ? "; it is an option of " : "",
			    also ? also : "");
		}
	}
}

