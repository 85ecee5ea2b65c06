/*
 * fmri.c -- SMF names and service FMRIs: libuutil's name rules
 * (uu_check_name), libscf's FMRI syntax, and the FMRI each service of a
 * description gets.  The FMRI is identity that the SMF backend, the plan
 * and the playbook all need, so it is computed here, once, and carried in
 * the IR (ir_service.smf_fmri).
 *
 * The scheme, following smf(7), whose site-specific services use a
 * category beginning with "site":
 *	a service with a role	svc:/site/openstack/<service>:default
 *	a custom service	svc:/site/<service>:default
 *	packaged		its role's (roles.c), svc:/pkgsrc/mysql:default
 * `fmri` in the .zt overrides the scheme ("svc:/" and "//localhost" may be
 * left out; an instance other than default is named explicitly).
 */
#include <string.h>

#include "fmri.h"


static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
smf_is_ident(const char *s, size_t n, int dot)
{
	size_t i;

	if (n == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '-' && s[i] != '_' && !(dot && s[i] == '.'))
			return 0;
	return 1;
}

/* One name component: IDENT or PROVIDER,IDENT (providers may hold '.'). */
static int
is_component(const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n);

	if (comma == NULL)
		return smf_is_ident(s, n, 0);
	return smf_is_ident(s, (size_t)(comma - s), 1) &&
	    smf_is_ident(comma + 1, n - (size_t)(comma - s) - 1, 0);
}

/* Why S is not a valid SMF service name ('/'-separated components, or
 * one component when !PATH), or NULL. */
const char *
smf_name_problem(struct arena *a, const char *s, int path)
{
	const char *p, *end;
	size_t n;

	if (*s == '\0')
		return "the name is empty";
	if (strlen(s) > SMF_NAME_MAX)
		return arena_printf(a, "it is %zu bytes long; SMF names "
		    "have at most %d", strlen(s), SMF_NAME_MAX);
	for (p = s; ; p = end + 1) {
		end = path ? strchr(p, '/') : NULL;
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			return "it has an empty component";
		if (!is_component(p, n))
			return arena_printf(a, "\"%.*s\" is not a valid SMF "
			    "name: names start with a letter and contain "
			    "only letters, digits, '-' and '_'", (int)n, p);
		/* libuutil skips the last byte before each '/', so it
		 * refuses a one-character component there */
		if (end != NULL && n == 1)
			return arena_printf(a, "svccfg refuses the one-"
			    "character component \"%.*s\"", (int)n, p);
		if (end == NULL)
			return NULL;
	}
}

/*
 * Parse a service FMRI as written in a `fmri` setting:
 * [svc:][//localhost]/service[:instance] or service[:instance].
 * NULL on success, else why it is not one.
 */
const char *
fmri_parse(struct arena *a, const char *s, struct fmri *f)
{
	const char *p = s, *colon, *why;

	f->service = f->instance = NULL;
	if (strlen(s) > SMF_FMRI_MAX)
		return arena_printf(a, "it is %zu bytes long; FMRIs have at "
		    "most %d", strlen(s), SMF_FMRI_MAX);
	if (strncmp(p, "file:", 5) == 0)
		return "a file: FMRI names a file, not a service";
	if (strncmp(p, "lrc:", 4) == 0)
		return "an lrc: FMRI names a legacy rc script, not a service";
	if (strncmp(p, "svc:", 4) == 0)
		p += 4;
	if (strncmp(p, "//", 2) == 0) {
		const char *slash = strchr(p + 2, '/');
		size_t n = slash ? (size_t)(slash - p - 2) : strlen(p + 2);

		if (n != 9 || strncmp(p + 2, "localhost", 9) != 0)
			return "SMF supports only the local scope "
			    "(svc:/NAME or svc://localhost/NAME)";
		p += 11;
	}
	if (*p == '/')
		p++;
	if (strstr(p, "/:properties") != NULL)
		return "it names a property group or property, not a "
		    "service or an instance";
	colon = strchr(p, ':');
	f->service = colon ? arena_strndup(a, p, (size_t)(colon - p)) :
	    arena_strdup(a, p);
	if ((why = smf_name_problem(a, f->service, 1)) != NULL)
		return why;
	if (colon != NULL) {
		f->instance = colon + 1;
		if (*f->instance == '\0')
			return "the instance name after ':' is empty";
		if ((why = smf_name_problem(a, f->instance, 0)) != NULL)
			return arena_printf(a, "instance %s", why);
	}
	return NULL;
}

/* The FMRI of S's own manifest ("default" instance unless given). */
int
fmri_own(struct arena *a, const struct ir_service *s, struct fmri *f)
{
	if (s->fmri != NULL) {
		if (fmri_parse(a, s->fmri, f) != NULL)
			return -1;
	} else {
		f->service = arena_printf(a, "%s%s", s->role != ROLE_NONE ?
		    "site/openstack/" : "site/", s->name);
		f->instance = NULL;
	}
	if (f->instance == NULL)
		f->instance = "default";
	return 0;
}

/* The FMRI of S's SMF instance, "svc:/S[:I]"; NULL if unknown (packaged,
 * none known) or invalid (reported by the SMF backend's check). */
const char *
fmri_of_service(struct arena *a, const struct ir_service *s)
{
	struct fmri f;

	if (s->packaged && s->fmri == NULL)
		return role_table[s->role].packaged_fmri;
	if (s->packaged) {
		if (fmri_parse(a, s->fmri, &f) != NULL)
			return NULL;
	} else if (fmri_own(a, s, &f) == -1)
		return NULL;
	return f.instance ? arena_printf(a, "svc:/%s:%s", f.service,
	    f.instance) : arena_printf(a, "svc:/%s", f.service);
}
