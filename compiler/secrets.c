/*
 * secrets.c -- secret values arrive at compile time, never from .zt files.
 *
 * Sources, strongest first:
 *   1. the environment: ZTOPO_SECRET_<NAME> (upper case, '-' and '.' as
 *      '_'), for CI systems that inject secrets as variables;
 *   2. a secrets file (--secrets FILE): one NAME=VALUE per line, the value
 *      taken byte for byte up to the end of the line; blank lines and
 *      lines starting with '#' are ignored.  The file must not be
 *      readable by group or others.
 * With --redact no value is needed: backends write a placeholder instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "secrets.h"

static int
valid_secret_value(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/* Read FILE into the secrets of IR; errors are located in FILE. */
static int
load_file(struct arena *a, struct diag *d, struct ir *ir, const char *path)
{
	struct src *s;
	struct stat st;
	struct hash *byname = hash_new(a);
	size_t i, line;
	int errors = d->errors;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "ztopo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		fprintf(stderr, "ztopo: %s: secrets file is readable by group "
		    "or others (mode %04o); chmod 600 it\n", path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if ((s = src_read(a, path, NULL)) == NULL) {
		fprintf(stderr, "ztopo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < ir->nsecrets; i++)
		hash_put(byname, ir->secrets[i]->name, ir->secrets[i]);
	for (line = 0; line < s->nlines; line++) {
		const char *p = s->text + s->lines[line], *eq, *end;
		struct ir_secret *sec;
		struct loc l = { s, (int)line + 1, 1, 1 };
		char *name;

		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p && end[-1] == '\r')
			end--;
		if (p == end || p[0] == '#')
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p) {
			l.len = (int)(end - p);
			diag_error(d, l, "expected NAME=VALUE");
			continue;
		}
		name = arena_strndup(a, p, (size_t)(eq - p));
		l.len = (int)(eq - p);
		if ((sec = hash_get(byname, name)) == NULL) {
			const char **names = arena_alloc(a,
			    (ir->nsecrets + 1) * sizeof(*names));
			const char *sug;

			for (i = 0; i < ir->nsecrets; i++)
				names[i] = ir->secrets[i]->name;
			sug = suggest(name, names, ir->nsecrets);
			diag_error(d, l, "unknown secret \"%s\"%s%s%s", name,
			    sug ? "; did you mean \"" : "", sug ? sug : "",
			    sug ? "\"?" : "");
			continue;
		}
		if (sec->value != NULL && sec->value_src == SECRET_FILE) {
			diag_error(d, l, "secret \"%s\" set twice", name);
			continue;
		}
		if (!valid_secret_value(eq + 1, (size_t)(end - eq - 1))) {
			l.col = (int)(eq - p) + 2;
			l.len = 1;
			diag_error(d, l, "the value of secret \"%s\" is empty or "
			    "holds control characters", name);
			continue;
		}
		if (sec->value == NULL) {
			sec->value = arena_strndup(a, eq + 1,
			    (size_t)(end - eq - 1));
			sec->value_src = SECRET_FILE;
		}
	}
	return d->errors > errors ? -1 : 0;
}

int
secrets_load(struct arena *a, struct diag *d, struct ir *ir,
    const char *file, int redact)
{
	size_t i;
	int missing = 0;

	for (i = 0; i < ir->nsecrets; i++) {
		struct ir_secret *s = ir->secrets[i];
		const char *env = getenv(secret_env_name(a, s->name));

		if (env != NULL && env[0] != '\0') {
			if (!valid_secret_value(env, strlen(env))) {
				fprintf(stderr, "ztopo: %s holds control "
				    "characters\n", secret_env_name(a, s->name));
				return -1;
			}
			s->value = arena_strdup(a, env);
			s->value_src = SECRET_ENV;
		}
	}
	if (file != NULL && load_file(a, d, ir, file) == -1)
		return -1;
	if (redact)
		return 0;
	for (i = 0; i < ir->nsecrets; i++) {
		struct ir_secret *s = ir->secrets[i];

		if (s->value != NULL || s->nuses == 0)
			continue;
		if (missing++ == 0 || d->printed_errors < d->max_errors) {
			diag_error(d, s->loc, "no value for secret \"%s\": set "
			    "%s, add %s=... to a --secrets file, or use "
			    "--redact", s->name, secret_env_name(a, s->name),
			    s->name);
		}
	}
	return missing ? -1 : 0;
}

const char *
secret_text(struct arena *a, const struct ir_secret *s,
    const struct emit_opts *eo)
{
	if (eo->redact || s->value == NULL)
		return arena_printf(a, "@@%s@@", secret_env_name(a, s->name) +
		    strlen("ZTOPO_SECRET_"));
	return s->value;
}
