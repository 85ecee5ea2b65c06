/*
 * secrets.h -- supplying secret values at compile time (secrets.c).
 */
#ifndef ZTOPO_SECRETS_H
#define ZTOPO_SECRETS_H

#include <stdio.h>

struct arena;
struct diag;
struct ir;
struct ir_secret;
struct emit_opts;
struct outset;

/*
 * Fill in the value of every secret of IR from the environment
 * (ZTOPO_SECRET_<NAME>, which wins) and the secrets file FILE (may be
 * NULL; "name = value" lines, see secrets.c).  Unless REDACT, a secret
 * that is used and has no value is an error naming every use.  0 or -1
 * (reported).
 */
int		 secrets_load(struct arena *, struct diag *, struct ir *,
		    const char *file, int redact);

/*
 * `ztopo secrets init`: add a random value (32 characters of [A-Za-z0-9]
 * from getrandom(2)) to secrets file PATH for every secret of IR it does
 * not set, keeping its existing lines byte for byte; create it if absent.
 * The file is replaced atomically, mode 0600; nothing is written when
 * nothing is missing.  ZT names the description in a new file's header.
 * Reports counts (never values) on REPORT.  0 or -1 (reported).
 */
int		 secrets_init(struct arena *, struct diag *, const struct ir *,
		    const char *zt, const char *path, FILE *report);

/* Add ".gitignore" listing every secret-bearing file of the set. */
void		 secrets_gitignore(struct outset *);

/*
 * What a backend writes for secret S: its value, or with --redact the
 * placeholder "@@NAME@@" (NAME as in the environment variable, without
 * the ZTOPO_SECRET_ prefix: @@NOVA_DB_PASSWORD@@).  The caller escapes
 * the result for its format like any other string.  A placeholder holds
 * only '@', 'A'-'Z', '0'-'9' and '_', which no format but percent-encoding
 * changes; oslo.c writes it verbatim inside URLs so it stays
 * recognisable (and greppable) there too.
 */
const char	*secret_text(struct arena *, const struct ir_secret *,
		    const struct emit_opts *);

#endif
