/*
 * secrets.h -- supplying secret values at compile time (secrets.c).
 */
#ifndef ZTOPO_SECRETS_H
#define ZTOPO_SECRETS_H

struct arena;
struct diag;
struct ir;
struct ir_secret;
struct emit_opts;

/*
 * Fill in the value of every secret of IR from the environment
 * (ZTOPO_SECRET_<NAME>) and FILE (may be NULL).  Unless REDACT, a secret
 * that is used and has no value is an error.  0 or -1 (reported).
 */
int		 secrets_load(struct arena *, struct diag *, struct ir *,
		    const char *file, int redact);

/*
 * What a backend writes for secret S: its value, or with --redact the
 * placeholder "@@NAME@@" (NAME as in the environment variable, without
 * the ZTOPO_SECRET_ prefix: @@NOVA_DB_PASSWORD@@).  The caller escapes
 * the result for its format like any other string.
 */
const char	*secret_text(struct arena *, const struct ir_secret *,
		    const struct emit_opts *);

#endif
