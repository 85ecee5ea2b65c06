/*
 * secrets.c -- secret values arrive at compile time, never from .zt files.
 *
 * Sources, strongest first:
 *   1. the environment: ZTOPO_SECRET_<NAME> (upper case, '-' and '.' as
 *      '_'), for CI systems that inject secrets as variables;
 *   2. a secrets file (--secrets FILE), which must not be readable by
 *      group or others.  One secret per line:
 *
 *	# a comment
 *	nova-db-password = correct horse battery staple
 *	padded = "  a value with spaces around it, a \" and a \\  "
 *
 *      Blank lines and lines whose first non-blank character is '#' are
 *      ignored.  Blanks (spaces and tabs) around the name and around the
 *      value are dropped; everything else is taken byte for byte, '#',
 *      quotes and backslashes inside the value included.  A value that
 *      starts with '"' is a quoted string: it ends at the next unescaped
 *      '"', "\"" is a quote and "\\" a backslash, nothing else is an
 *      escape, and only blanks may follow it.  That is the way to write a
 *      value with leading or trailing blanks, or one that starts with '"'.
 *      A value is never empty, never holds control characters (no
 *      newlines: no consumer format could carry one) and is valid UTF-8.
 * With --redact no value is needed: backends write a placeholder instead.
 *
 * No secret value is ever printed: a diagnostic about a line of a secrets
 * file shows the line with its value masked.
 *
 * `ztopo secrets init` (secrets_init) fills a secrets file with random
 * values for the secrets it lacks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "secrets.h"

extern char **environ;

#define MASK		"********"
#define GEN_LEN		32	/* characters of a generated value */

static const char gen_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* One "name = value" line of a secrets file. */
struct sline {
	struct ir_secret	*secret;
	char			*value;
	struct loc		 loc;		/* of the name */
};

struct sfile {
	struct src	*src;		/* the file as read */
	struct src	*masked;	/* the same lines, values masked */
	struct sline	*lines;
	size_t		 nlines;
};

/* Length of the UTF-8 sequence at P (at most N bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Non-empty, no control characters, valid UTF-8. */
static int
valid_secret_value(const char *v, size_t n)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t i, l;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i += l) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		if ((l = utf8_len(p + i, n - i)) == 0)
			return 0;
	}
	return 1;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static const char *
suggest_secret(struct arena *a, const struct ir *ir, const char *name)
{
	const char **names = arena_alloc(a, (ir->nsecrets + 1) *
	    sizeof(*names));
	size_t i;

	for (i = 0; i < ir->nsecrets; i++)
		names[i] = ir->secrets[i]->name;
	return suggest(name, names, ir->nsecrets);
}

/* Whether a secrets-file line may show NAME: a declared secret, or one
 * close to a declared secret (a typo).  Anything else may be a value
 * pasted before its '=' (base64 ends in "=="), and is masked too. */
static int
shows_name(struct arena *a, const struct ir *ir, const char *name)
{
	size_t i;

	if (!valid_name(name))
		return 0;
	for (i = 0; i < ir->nsecrets; i++)
		if (strcmp(ir->secrets[i]->name, name) == 0)
			return 1;
	return suggest_secret(a, ir, name) != NULL;
}

/*
 * The lines of S with every value replaced by MASK, so that a diagnostic
 * can show a line without its secret: "name = ********" when the line
 * names a secret of IR (or nearly: a typo), "********" for anything else
 * that is not blank.
 */
static struct src *
mask_src(struct arena *a, const struct src *s, const struct ir *ir)
{
	struct src *m = arena_alloc(a, sizeof(*m));
	struct strbuf sb;
	size_t i;

	*m = *s;
	m->lines = arena_alloc(a, s->nlines * sizeof(*m->lines));
	sb_init(&sb);
	for (i = 0; i < s->nlines; i++) {
		const char *p = s->text + s->lines[i];
		const char *end = memchr(p, '\n', s->len - s->lines[i]);
		const char *eq, *q;
		char *name;

		if (end == NULL)
			end = s->text + s->len;
		m->lines[i] = sb.len;
		for (q = p; q < end && is_blank(*q); q++)
			;
		eq = memchr(p, '=', (size_t)(end - p));
		if (q == end || (end - q == 1 && *q == '\r')) {
			/* blank */
		} else if (eq != NULL) {
			const char *ne = eq;

			while (ne > q && is_blank(ne[-1]))
				ne--;
			name = arena_strndup(a, q, (size_t)(ne - q));
			if (shows_name(a, ir, name)) {
				sb_putn(&sb, p, (size_t)(eq - p) + 1);
				for (q = eq + 1; q < end && (is_blank(*q) ||
				    *q == '\r'); q++)
					;
				if (q < end)
					sb_puts(&sb, " " MASK);
			} else
				sb_puts(&sb, MASK);
		} else
			sb_puts(&sb, MASK);
		sb_putc(&sb, '\n');
	}
	m->text = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	m->len = sb.len;
	sb_free(&sb);
	return m;
}

/*
 * Decode the value of one line, P..END (blanks trimmed around it).  NULL
 * after an error, reported at L (a location in the masked source).
 */
static char *
parse_value(struct arena *a, struct diag *d, const char *p, const char *end,
    struct loc l)
{
	struct strbuf sb;
	char *v;

	if (p == end) {
		diag_error(d, l, "expected a value after \"=\"");
		return NULL;
	}
	if (*p != '"')
		return arena_strndup(a, p, (size_t)(end - p));
	sb_init(&sb);
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\') {
			if (p + 1 == end || (p[1] != '"' && p[1] != '\\')) {
				diag_error(d, l, "a quoted value knows only "
				    "the escapes \\\" and \\\\");
				sb_free(&sb);
				return NULL;
			}
			p++;
		}
		sb_putc(&sb, *p);
	}
	if (p == end) {
		diag_error(d, l, "unterminated quoted value");
		sb_free(&sb);
		return NULL;
	}
	for (p++; p < end; p++)
		if (!is_blank(*p)) {
			diag_error(d, l, "unexpected text after the closing "
			    "quote of a value");
			sb_free(&sb);
			return NULL;
		}
	v = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	return v;
}

/*
 * Refuse a secrets file that group or others may read.  0, or -1 after
 * printing why; *exists says whether there is a file at all.
 */
static int
check_mode(const char *path, int must_exist, int *exists)
{
	struct stat st;

	*exists = 0;
	if (stat(path, &st) == -1) {
		if (errno == ENOENT && !must_exist)
			return 0;
		fprintf(stderr, "ztopo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*exists = 1;
	if ((st.st_mode & 077) != 0) {
		fprintf(stderr, "ztopo: %s: secrets file is readable by group "
		    "or others (mode %04o); chmod 600 it\n", path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/*
 * Read and parse the secrets file PATH against the secrets of IR.  Errors
 * are located in PATH (values masked).  0, or -1 after errors.
 */
static int
read_secrets(struct arena *a, struct diag *d, const struct ir *ir,
    const char *path, struct sfile *sf)
{
	struct hash *byname = hash_new(a), *seen = hash_new(a);
	struct src *s;
	size_t i, line;
	int mark = diag_mark(d);

	memset(sf, 0, sizeof(*sf));
	if ((s = src_read(a, path, NULL)) == NULL) {
		fprintf(stderr, "ztopo: %s: %s\n", path, src_strerror(errno));
		return -1;
	}
	sf->src = s;
	sf->masked = mask_src(a, s, ir);
	sf->lines = arena_alloc(a, (s->nlines + 1) * sizeof(*sf->lines));
	for (i = 0; i < ir->nsecrets; i++)
		hash_put(byname, ir->secrets[i]->name, ir->secrets[i]);
	for (line = 0; line < s->nlines; line++) {
		const char *start = s->text + s->lines[line];
		const char *end = memchr(start, '\n', s->len - s->lines[line]);
		const char *p, *eq, *ne, *vp, *ve;
		struct loc l = { sf->masked, (int)line + 1, 1, 1 };
		struct sline *sl;
		struct ir_secret *sec;
		char *name, *value;
		size_t mlen;

		if (end == NULL)
			end = s->text + s->len;
		if (end > start && end[-1] == '\r')
			end--;
		for (p = start; p < end && is_blank(*p); p++)
			;
		if (p == end || *p == '#')
			continue;
		mlen = strcspn(sf->masked->text + sf->masked->lines[line],
		    "\n");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL) {
			l.len = (int)mlen;
			diag_error(d, l, "expected name = value");
			continue;
		}
		for (ne = eq; ne > p && is_blank(ne[-1]); ne--)
			;
		name = arena_strndup(a, p, (size_t)(ne - p));
		l.col = (int)(p - start) + 1;
		l.len = ne > p ? (int)(ne - p) : 1;
		if (!valid_name(name)) {
			l.col = 1;
			l.len = (int)mlen;
			diag_error(d, l, ne == p ? "expected a secret name "
			    "before \"=\"" : "expected name = value, where "
			    "name is a secret's name");
			continue;
		}
		if ((sec = hash_get(byname, name)) == NULL) {
			const char *sug = suggest_secret(a, ir, name);

			if (sug != NULL)
				diag_error(d, l, "unknown secret \"%s\"; did "
				    "you mean \"%s\"?", name, sug);
			else {
				l.col = 1;
				l.len = (int)mlen;
				diag_error(d, l, "this line names no secret the "
				    "description declares (not shown: it may be "
				    "a value pasted before its '=')");
			}
			continue;
		}
		if ((sl = hash_get(seen, name)) != NULL) {
			diag_error(d, l, "secret \"%s\" set twice", name);
			diag_note(d, sl->loc, "first set here");
			continue;
		}
		for (vp = eq + 1; vp < end && is_blank(*vp); vp++)
			;
		for (ve = end; ve > vp && is_blank(ve[-1]); ve--)
			;
		/* value errors underline the mask */
		l.col = (int)(eq - start) + 3;
		l.len = (int)strlen(MASK);
		if (memchr(vp, '\0', (size_t)(ve - vp)) != NULL) {
			diag_error(d, l, "the value of secret \"%s\" holds a "
			    "NUL byte", name);
			continue;
		}
		if ((value = parse_value(a, d, vp, ve, l)) == NULL)
			continue;
		if (!valid_secret_value(value, strlen(value))) {
			diag_error(d, l, "the value of secret \"%s\" is empty, "
			    "holds control characters or is not UTF-8", name);
			continue;
		}
		sl = &sf->lines[sf->nlines++];
		sl->secret = sec;
		sl->value = value;
		sl->loc = l;
		sl->loc.col = (int)(p - start) + 1;
		sl->loc.len = (int)(ne - p);
		hash_put(seen, name, sl);
	}
	return diag_since(d, mark) ? -1 : 0;
}

/* A ZTOPO_SECRET_* variable that names no declared secret is most likely
 * a typo: its secret then silently has no value. */
static void
unknown_env(struct arena *a, struct diag *d, const struct ir *ir)
{
	static const struct loc none;
	const char **names = arena_alloc(a, (ir->nsecrets + 1) *
	    sizeof(*names));
	const char *prefix = secret_env_name(a, "");
	size_t i, n = strlen(prefix);
	char **e;

	for (i = 0; i < ir->nsecrets; i++)
		names[i] = secret_env_name(a, ir->secrets[i]->name);
	for (e = environ; *e != NULL; e++) {
		size_t len = strcspn(*e, "=");
		const char *var = arena_strndup(a, *e, len), *sug;

		if (len <= n || strncmp(var, prefix, n) != 0)
			continue;
		for (i = 0; i < ir->nsecrets; i++)
			if (strcmp(names[i], var) == 0)
				break;
		if (i < ir->nsecrets)
			continue;
		sug = suggest(var, names, ir->nsecrets);
		diag_warning(d, W_SECRET_VARIABLE,
		    none, "%s names no secret of this description"
		    "%s%s%s", var, sug ? "; did you mean " : "", sug ? sug : "",
		    sug ? "?" : "");
	}
}

int
secrets_load(struct arena *a, struct diag *d, struct ir *ir,
    const char *file, int redact)
{
	struct sfile sf;
	size_t i, j;
	int missing = 0, exists;

	for (i = 0; i < ir->nsecrets; i++) {
		struct ir_secret *s = ir->secrets[i];
		const char *var = secret_env_name(a, s->name);
		const char *env = getenv(var);

		if (env != NULL && env[0] == '\0' && !redact)
			diag_warning(d, W_EMPTY_SECRET,
			    s->loc, "%s is set but empty; an empty "
			    "value counts as no value for secret \"%s\"", var,
			    s->name);
		if (env != NULL && env[0] != '\0') {
			if (!valid_secret_value(env, strlen(env))) {
				fprintf(stderr, "ztopo: %s holds control "
				    "characters or is not UTF-8\n", var);
				return -1;
			}
			s->value = arena_strdup(a, env);
			s->value_src = SECRET_ENV;
		}
	}
	unknown_env(a, d, ir);
	if (file != NULL) {
		if (check_mode(file, 1, &exists) == -1 ||
		    read_secrets(a, d, ir, file, &sf) == -1)
			return -1;
		for (i = 0; i < sf.nlines; i++) {
			struct ir_secret *s = sf.lines[i].secret;

			if (s->value_src != SECRET_ENV) {
				s->value = sf.lines[i].value;
				s->value_src = SECRET_FILE;
			}
		}
	}
	if (redact)
		return 0;
	for (i = 0; i < ir->nsecrets; i++) {
		struct ir_secret *s = ir->secrets[i];

		if (s->value != NULL || s->nuses == 0)
			continue;
		missing++;
		diag_error(d, s->loc, "no value for secret \"%s\": set %s, add "
		    "\"%s = ...\" to a --secrets file, or use --redact",
		    s->name, secret_env_name(a, s->name), s->name);
		for (j = 0; j < s->nuses; j++)
			diag_note(d, s->uses[j], "secret \"%s\" is used here",
			    s->name);
	}
	return missing ? -1 : 0;
}

const char *
secret_text(struct arena *a, const struct ir_secret *s,
    const struct emit_opts *eo)
{
	if (eo->redact || s->value == NULL)
		return secret_placeholder(a, s->name);
	return s->value;
}

/* GEN_LEN characters of gen_alphabet from the OS CSPRNG, unbiased. */
static int
gen_value(char *out)
{
	unsigned char buf[64];
	size_t n = 0, i;
	ssize_t r;

	while (n < GEN_LEN) {
		r = getrandom(buf, sizeof(buf), 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < (size_t)r && n < GEN_LEN; i++) {
			/* 248 = 4 * 62: reject the rest to stay uniform */
			if (buf[i] < 248)
				out[n++] = gen_alphabet[buf[i] % 62];
		}
	}
	out[n] = '\0';
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int
secrets_init(struct arena *a, struct diag *d, const struct ir *ir,
    const char *zt, const char *path, FILE *report)
{
	struct sfile sf;
	struct hash *have = hash_new(a);
	struct strbuf sb;
	size_t i, added = 0, kept = 0;
	int exists, rc;
	struct stat lst;

	/* the file is replaced by rename(2): a link would be replaced too,
	 * not the file it points at */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		fprintf(stderr, "ztopo: %s: a symbolic link; secrets init "
		    "replaces the file atomically and would replace the link, "
		    "so give it the file the link points at\n", path);
		return -1;
	}
	if (check_mode(path, 0, &exists) == -1)
		return -1;
	sb_init(&sb);
	if (exists) {
		if (read_secrets(a, d, ir, path, &sf) == -1)
			return -1;
		for (i = 0; i < sf.nlines; i++)
			hash_put(have, sf.lines[i].secret->name, &sf.lines[i]);
		sb_putn(&sb, sf.src->text, sf.src->len);
		if (sf.src->len > 0 && sf.src->text[sf.src->len - 1] != '\n')
			sb_putc(&sb, '\n');
	} else
		sb_printf(&sb, "# Secrets of %s (ztopo secrets init): "
		    "name = value lines.\n# Keep this file mode 0600 and out "
		    "of version control.\n", zt);
	for (i = 0; i < ir->nsecrets; i++) {
		char value[GEN_LEN + 1];

		if (hash_get(have, ir->secrets[i]->name) != NULL) {
			kept++;
			continue;
		}
		if (gen_value(value) == -1) {
			fprintf(stderr, "ztopo: getrandom: %s\n",
			    strerror(errno));
			explicit_bzero(sb.buf, sb.len);
			sb_free(&sb);
			return -1;
		}
		sb_printf(&sb, "%s = %s\n", ir->secrets[i]->name, value);
		explicit_bzero(value, sizeof(value));
		added++;
	}
	rc = 0;
	if (added > 0 || !exists)
		rc = write_atomic(a, path, sb.buf ? sb.buf : "", sb.len, 0600);
	if (sb.buf != NULL)
		explicit_bzero(sb.buf, sb.len);
	sb_free(&sb);
	if (rc == 0)
		fprintf(report, "%s: %zu secret%s added, %zu kept\n", path,
		    added, added == 1 ? "" : "s", kept);
	return rc;
}

/*
 * Add ".gitignore" to OS: an anchored pattern for every file that holds a
 * secret (outfile.secret), so that `git add DIR` cannot commit one.  It is
 * written with and without --redact alike: a placeholder file that git
 * tracked would keep being tracked once it held real values.
 */
void
secrets_gitignore(struct outset *os)
{
	struct strbuf sb;
	size_t i;
	const char *p;

	out_sort(os);
	sb_init(&sb);
	sb_puts(&sb, "# Generated by ztopo: the files of this tree that hold "
	    "secrets.\n# Only their owner may read them; never commit them.\n");
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		if (!f->secret)
			continue;
		sb_putc(&sb, '/');
		for (p = f->path; *p; p++) {
			if (strchr("\\*?[ !#", *p) != NULL)
				sb_putc(&sb, '\\');
			sb_putc(&sb, *p);
		}
		sb_putc(&sb, '\n');
	}
	out_add(os, ART_TREE, ".gitignore", sb.buf, sb.len, 0644, 0);
	sb_free(&sb);
}
