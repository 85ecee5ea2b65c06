/*
 * oslocheck.c -- the options a description sets for an OpenStack
 * service, checked against the option registry of the service's project
 * in its release (oslo_options.c, generated from the project's own
 * package): unknown sections and options (with the name the other
 * release uses, or the closest one), values of the wrong type, outside
 * the option's bounds or not among its choices, literal values for
 * options oslo.config marks secret; deprecated names and options
 * deprecated for removal are warned about.  oslo.c derives and writes the
 * files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oslo.h"

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
	{ SECT, "glance_api_servers", "the keystone catalog ([glance] region_name)" },
	{ SECT, "libvirt_type", "[libvirt] virt_type" },
	{ SECT, "connection_type", "[DEFAULT] compute_driver" },
	{ SECT, "auth_strategy", "[api] auth_strategy" },
	{ RF_TRANSPORT_URL, 0, "DEFAULT", "transport_url",
	    "[DEFAULT] rabbit_host, rabbit_port, rabbit_userid, "
	    "rabbit_password and rabbit_virtual_host" },
#undef SECT
#undef URL
};

/* Each project's registries per release: its main file's, and the
 * extra file's (ml2_conf.ini).  NULL: ztopo writes no file there. */
static const struct oslo_registry *const registries[PROJ__COUNT][REL__COUNT][2] = {
	[PROJ_NOVA] = {
		[REL_FOLSOM] = { &oslo_nova_folsom, NULL },
		[REL_ZED] = { &oslo_nova_zed, NULL },
	},
	[PROJ_KEYSTONE] = {
		[REL_FOLSOM] = { &oslo_keystone_folsom, NULL },
		[REL_ZED] = { &oslo_keystone_zed, NULL },
	},
	[PROJ_GLANCE] = {
		[REL_FOLSOM] = { &oslo_glance_api_folsom, NULL },
		[REL_ZED] = { &oslo_glance_api_zed, NULL },
	},
	[PROJ_GLANCE_REGISTRY] = {
		[REL_FOLSOM] = { &oslo_glance_registry_folsom, NULL },
	},
	[PROJ_PLACEMENT] = { [REL_ZED] = { &oslo_placement_zed, NULL } },
	[PROJ_NEUTRON] = { [REL_ZED] = { &oslo_neutron_zed, &oslo_ml2_zed } },
};

const struct oslo_registry *
oslo_registry(enum ir_project p, enum ir_release r, int extra)
{
	return registries[p][r][extra != 0];
}

static int
cmp_opt(const char *sec, const char *key, const struct oslo_opt *o)
{
	int c = strcmp(sec, o->section);

	if (c != 0 || key == NULL)
		return c;
	return strcmp(key, o->key);
}

/* The first entry of SECTION (KEY NULL) or the entry SECTION KEY. */
const struct oslo_opt *
oslo_opt_find(const struct oslo_registry *reg, const char *sec,
    const char *key)
{
	size_t n, lo = 0, hi;
	const struct oslo_opt *t;

	if (reg == NULL)
		return NULL;
	t = reg->opts;
	n = hi = reg->nopts;
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

const struct oslo_opt *
oslo_lookup(enum ir_project p, enum ir_release r, const char *sec,
    const char *key, int *extra)
{
	const struct oslo_opt *o;
	int i;

	for (i = 0; i < 2; i++)
		if ((o = oslo_opt_find(registries[p][r][i], sec, key)) != NULL) {
			if (extra != NULL)
				*extra = i;
			return o;
		}
	return NULL;
}

const struct oslo_alias *
oslo_alias_of(enum ir_project p, enum ir_release r, const char *sec,
    const char *key)
{
	const struct oslo_alias *al, *found = NULL;
	int i;

	for (i = 0; i < 2; i++) {
		if (registries[p][r][i] == NULL)
			continue;
		for (al = registries[p][r][i]->aliases; al->section != NULL;
		    al++)
			if (strcmp(al->section, sec) == 0 &&
			    strcmp(al->key, key) == 0) {
				if (found != NULL)
					return NULL;
				found = al;
			}
	}
	return found;
}

/* The distinct section names of registries REGS[0..1], in order. */
static const char **
sections(struct arena *a, const struct oslo_registry *const *regs,
    size_t *nout)
{
	size_t n = 0, i, k = 0;
	const char **v;
	int j;

	for (j = 0; j < 2; j++)
		if (regs[j] != NULL)
			n += regs[j]->nopts;
	v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (j = 0; j < 2; j++)
		for (i = 0; regs[j] != NULL && i < regs[j]->nopts; i++)
			if (k == 0 || strcmp(v[k - 1],
			    regs[j]->opts[i].section) != 0)
				v[k++] = regs[j]->opts[i].section;
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

static int
parse_int(const char *s, long long *out)
{
	char *end;
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	*out = strtoll(s, &end, 10);
	return *end == '\0';
}

static int
parse_float(const char *s, double *out)
{
	char *end;

	if (*s == '\0')
		return 0;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
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

const char *
oslo_literal(struct arena *a, const struct ir_value *v)
{
	const char *s;
	size_t i;

	switch (v->kind) {
	case IRV_STRING:
	case IRV_FLOAT:
		return v->s;
	case IRV_INT:
		return arena_printf(a, "%lld", v->i);
	case IRV_BOOL:
		return v->i ? "true" : "false";
	case IRV_LIST:
		s = "";
		for (i = 0; i < v->nitems; i++)
			s = arena_printf(a, "%s%s%s", s, i ? "," : "",
			    oslo_literal(a, &v->items[i]));
		return s;
	case IRV_SECRET:
		break;
	}
	return "";
}

static const char *
bound_text(struct arena *a, double x, unsigned type)
{
	if (type == OO_INT)
		return arena_printf(a, "%lld", (long long)x);
	return arena_printf(a, "%g", x);
}

/* One literal value V (an item of a list, or the whole value) against
 * option O of type TYPE. */
static void
check_one(const struct ir *ir, struct diag *d, const struct ir_opt *c,
    const struct ir_value *v, const struct oslo_opt *o, unsigned type)
{
	struct arena *a = ir->arena;
	const char *text = oslo_literal(a, v), *want = NULL;
	const char *const *ch;
	long long iv = 0;
	double fv = 0;
	int numeric = 0;

	if ((v->kind == IRV_STRING || v->kind == IRV_FLOAT) &&
	    has_control(v->s)) {
		diag_error(d, v->loc, "an oslo.config value cannot hold "
		    "newlines or other control characters");
		return;
	}
	switch (type) {
	case OO_INT:
		if (v->kind == IRV_BOOL || v->kind == IRV_FLOAT ||
		    !parse_int(text, &iv))
			want = "an integer";
		else {
			fv = (double)iv;
			numeric = 1;
		}
		break;
	case OO_FLOAT:
		if (v->kind == IRV_BOOL || !parse_float(text, &fv))
			want = "a number";
		else
			numeric = 1;
		break;
	case OO_BOOL:
		if ((v->kind == IRV_INT && v->i != 0 && v->i != 1) ||
		    v->kind == IRV_FLOAT ||
		    (v->kind == IRV_STRING && !is_bool(v->s)))
			want = "true or false";
		break;
	default:
		break;
	}
	if (want != NULL) {
		diag_error(d, v->loc, "[%s] %s takes %s", c->section, c->key,
		    want);
		return;
	}
	if (numeric && (((o->flags & OO_MIN) && fv < o->lo) ||
	    ((o->flags & OO_MAX) && fv > o->hi))) {
		if ((o->flags & OO_MIN) && (o->flags & OO_MAX))
			diag_error(d, v->loc, "[%s] %s takes %s from %s to %s",
			    c->section, c->key, type == OO_INT ?
			    "an integer" : "a number", bound_text(a, o->lo,
			    type), bound_text(a, o->hi, type));
		else if (o->flags & OO_MIN)
			diag_error(d, v->loc, "[%s] %s takes %s of at least "
			    "%s", c->section, c->key, type == OO_INT ?
			    "an integer" : "a number", bound_text(a, o->lo,
			    type));
		else
			diag_error(d, v->loc, "[%s] %s takes %s of at most %s",
			    c->section, c->key, type == OO_INT ?
			    "an integer" : "a number", bound_text(a, o->hi,
			    type));
		return;
	}
	if (o->choices != NULL) {
		size_t n = 0;
		const char *all = "", *sug;

		for (ch = o->choices; *ch != NULL; ch++, n++) {
			if (strcmp(*ch, text) == 0)
				return;
			if (n < 6)
				all = arena_printf(a, "%s%s\"%s\"", all,
				    n ? ", " : "", *ch);
		}
		if (n > 6)
			all = arena_printf(a, "%s and %zu more", all, n - 6);
		sug = suggest(text, o->choices, n);
		diag_error(d, v->loc, "[%s] %s takes one of %s, not \"%s\"%s%s%s",
		    c->section, c->key, all, text, sug ? "; did you mean \"" :
		    "", sug ? sug : "", sug ? "\"?" : "");
	}
}

static void
check_value(const struct ir *ir, struct diag *d, const struct ir_opt *c,
    const struct oslo_opt *o, const char *proj)
{
	const struct ir_value *v = &c->val;
	unsigned type = o->flags & OO_TYPE;
	size_t i;

	if (o->flags & OO_REMOVAL)
		diag_warning(d, W_DEPRECATED,
		    c->loc, "[%s] %s is deprecated for removal in "
		    "%s %s", c->section, c->key, proj,
		    release_name(ir->release));
	if (v->kind == IRV_SECRET)
		return;
	/* a URL without a password in it (sqlite://, fake://) may be
	 * literal; any other value of a secret option may not */
	if ((o->flags & OO_SECRET) && !(v->kind == IRV_STRING &&
	    (strstr(c->key, "connection") != NULL ||
	    strstr(c->key, "_url") != NULL) && !url_has_password(v->s))) {
		diag_error(d, v->loc, "[%s] %s holds a secret in %s %s: "
		    "write `secret NAME`, so that its value never sits in a "
		    ".zt file", c->section, c->key, proj,
		    release_name(ir->release));
		return;
	}
	if (v->kind == IRV_LIST) {
		if (type != OO_LIST && type != OO_MULTI && type != OO_DICT) {
			diag_error(d, v->loc, "[%s] %s takes a single value, "
			    "not a list", c->section, c->key);
			return;
		}
		for (i = 0; i < v->nitems; i++)
			check_one(ir, d, c, &v->items[i], o, OO_STR);
		return;
	}
	check_one(ir, d, c, v, o, type == OO_LIST || type == OO_MULTI ||
	    type == OO_DICT ? OO_STR : type);
}

/* Options renamed between Folsom and Zed that nova no longer maps (see
 * the Folsom-to-Zed table of nova.md), as hints. */
static const char *
renamed_to(enum ir_project p, enum ir_release r, const char *sec,
    const char *key)
{
	size_t k;

	if (p != PROJ_NOVA)
		return NULL;
	for (k = 0; k < sizeof(renamed) / sizeof(renamed[0]); k++)
		if (REL_HAS(r, renamed[k].flag) == renamed[k].lacks &&
		    strcmp(renamed[k].section, sec) == 0 &&
		    strcmp(renamed[k].key, key) == 0)
			return renamed[k].now;
	return NULL;
}

static void
check_service(const struct ir *ir, struct diag *d, const struct ir_service *s)
{
	enum ir_release r = ir->release;
	enum ir_project p = role_table[s->role].project;
	const char *proj = project_table[p].name, *rel = release_name(r);
	const struct oslo_registry *const *regs = registries[p][r];
	size_t nsecs, i, j, k;
	const char **secs;

	if (s->nconfig == 0)
		return;
	if (regs[0] == NULL) {
		diag_error(d, s->config[0].section_loc, "ztopo writes no %s "
		    "configuration for OpenStack %s, so config of \"%s\" "
		    "would be written nowhere", proj, rel, s->name);
		return;
	}
	secs = sections(ir->arena, regs, &nsecs);
	for (j = 0; j < s->nconfig; j++) {
		const struct ir_opt *c = &s->config[j];
		const struct oslo_opt *o, *first = NULL;
		const struct oslo_alias *al;
		const char *sug = NULL, **keys, *now;
		char *also = NULL;
		size_t nk = 0, n;
		int x;

		for (x = 0; x < 2 && first == NULL; x++)
			first = oslo_opt_find(regs[x], c->section, NULL);
		if (first == NULL) {
			for (k = 0; k < nsecs; k++)
				if (strcasecmp(secs[k], c->section) == 0)
					sug = secs[k];
			if (sug == NULL)
				sug = suggest(c->section, secs, nsecs);
			diag_error(d, c->section_loc, "unknown %s section [%s] "
			    "in OpenStack %s%s%s%s%s", regs[0]->file,
			    c->section, rel, sug ? "; did you mean [" : "",
			    sug ? sug : "", sug ? "]?" : "",
			    sug == NULL && p == PROJ_NOVA && !REL_HAS(r,
			    RF_NOVA_SECTIONS) ? " (Folsom's nova.conf has "
			    "[DEFAULT] and [keystone_authtoken] only)" : "");
			/* one error per section is enough */
			while (j + 1 < s->nconfig && strcmp(
			    s->config[j + 1].section, c->section) == 0)
				j++;
			continue;
		}
		if ((o = oslo_lookup(p, r, c->section, c->key, NULL)) != NULL) {
			check_value(ir, d, c, o, proj);
			continue;
		}
		if ((al = oslo_alias_of(p, r, c->section, c->key)) != NULL) {
			diag_warning(d, W_DEPRECATED,
			    c->loc, "[%s] %s is a deprecated name "
			    "in %s %s; ztopo writes it as [%s] %s", c->section,
			    c->key, proj, rel, al->to_section, al->to_key);
			if ((o = oslo_lookup(p, r, al->to_section, al->to_key,
			    NULL)) != NULL)
				check_value(ir, d, c, o, proj);
			continue;
		}
		for (x = 0; x < 2; x++) {
			if (regs[x] == NULL)
				continue;
			for (al = regs[x]->aliases; al->section != NULL; al++)
				if (strcmp(al->section, c->section) == 0 &&
				    strcmp(al->key, c->key) == 0)
					also = arena_printf(ir->arena,
					    "%s%s[%s] %s", also ? also : "",
					    also ? " and " : "",
					    al->to_section, al->to_key);
		}
		if (also != NULL) {
			diag_error(d, c->loc, "[%s] %s is a deprecated name in "
			    "%s %s for several options; write %s", c->section,
			    c->key, proj, rel, also);
			continue;
		}
		if ((now = renamed_to(p, r, c->section, c->key)) != NULL) {
			diag_error(d, c->loc, "unknown option \"%s\" in %s "
			    "section [%s] (OpenStack %s); %s reads %s instead",
			    c->key, regs[0]->file, c->section, rel, rel, now);
			continue;
		}
		n = regs[0]->nopts + (regs[1] ? regs[1]->nopts : 0);
		keys = arena_alloc(ir->arena, (n + 1) * sizeof(*keys));
		for (x = 0; x < 2; x++) {
			if (regs[x] == NULL)
				continue;
			for (o = oslo_opt_find(regs[x], c->section, NULL);
			    o != NULL && o < regs[x]->opts + regs[x]->nopts &&
			    strcmp(o->section, c->section) == 0; o++)
				keys[nk++] = o->key;
		}
		sug = suggest(c->key, keys, nk);
		if (sug == NULL)
			for (x = 0; x < 2; x++)
				for (i = 0; regs[x] != NULL &&
				    i < regs[x]->nopts; i++)
					if (strcmp(regs[x]->opts[i].key,
					    c->key) == 0)
						also = arena_printf(ir->arena,
						    "%s%s[%s]", also ? also :
						    "", also ? ", " : "",
						    regs[x]->opts[i].section);
		diag_error(d, c->loc, "unknown option \"%s\" in %s section "
		    "[%s] (OpenStack %s)%s%s%s%s%s", c->key, regs[0]->file,
		    c->section, rel, sug ? "; did you mean \"" : "",
		    sug ? sug : "", sug ? "\"?" : "",
		    also ? "; it is an option of " : "", also ? also : "");
	}
}

/* Every config option of the OpenStack services against its registry. */
void
oslo_check_config(const struct ir *ir, struct diag *d)
{
	size_t i;

	for (i = 0; i < ir->nservices; i++)
		if (role_table[ir->services[i]->role].conf == CONF_OSLO)
			check_service(ir, d, ir->services[i]);
}
