/*
 * load.c -- the load pass: reading sources, building the generic syntax
 * tree, and splicing included files into it.
 *
 * `include "file";` is allowed at top level only.  The path is relative
 * to the directory of the including file.  A file is read once: a second
 * include of the same file (by realpath) is skipped, and an include of a
 * file that is already being read is a cycle, reported with the chain.
 */
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ztopo.h"

struct ast_value *
ast_value_new(struct zt_parse *p, enum ast_vkind kind, struct loc loc)
{
	struct ast_value *v = arena_alloc(p->arena, sizeof(*v));

	v->kind = kind;
	v->loc = loc;
	return v;
}

struct ast_value *
ast_list_add(struct zt_parse *p, struct ast_value *list, struct ast_value *v)
{
	list->items = arena_grow(p->arena, list->items, list->nitems,
	    sizeof(*list->items));
	list->items[list->nitems++] = v;
	list->loc = loc_span(list->loc, v->loc);
	return list;
}

struct ast_dir *
ast_dir_new(struct zt_parse *p, const char *name, struct loc loc,
    struct ast_value *args)
{
	struct ast_dir *d = arena_alloc(p->arena, sizeof(*d));
	struct ast_value *v;

	d->name = name;
	d->loc = loc;
	d->args = args;
	for (v = args; v != NULL; v = v->next)
		d->nargs++;
	return d;
}

const char *
ast_vkind_name(enum ast_vkind k)
{
	switch (k) {
	case AV_WORD:	return "word";
	case AV_STRING:	return "string";
	case AV_INT:	return "integer";
	case AV_SIZE:	return "size";
	case AV_ADDR:	return "address";
	case AV_FLOAT:	return "number";
	case AV_LIST:	return "list";
	}
	return "value";
}

/* The span from A to the end of B when both are on one line, else A. */
struct loc
loc_span(struct loc a, struct loc b)
{
	if (a.src == NULL)
		return b;
	if (a.src == b.src && a.line == b.line && b.col >= a.col)
		a.len = b.col + b.len - a.col;
	return a;
}

long
utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, need;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07;
		} else
			return (long)i;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return (long)i;
		i += need + 1;
	}
	return -1;
}

/* strerror(3), naming what src_read refuses to read */
const char *
src_strerror(int e)
{
	if (e == EFBIG)
		return "larger than " SRC_MAX_TEXT ", the most ztopo reads";
	return e == ENODEV ? "not a regular file" : strerror(e);
}

static struct src *src_from(struct arena *, const char *, const char *,
		    const char *, size_t, struct loc *);

/*
 * Read PATH whole.  FROM is where it was included (NULL for the root);
 * system errors are reported there, or without a location.
 */
struct src *
src_read(struct arena *a, const char *path, struct loc *from)
{
	struct src *s;
	struct stat st;
	FILE *f;
	char *buf = NULL, rp[PATH_MAX];
	size_t len = 0, cap = 0;

	/* standard input, as the root file: a pipe or a terminal, read to
	 * its end under the same bound; its includes are relative to the
	 * current directory */
	int in = from == NULL && (strcmp(path, "-") == 0 ||
	    strcmp(path, "/dev/stdin") == 0);

	if (in) {
		f = stdin;
		path = strcmp(path, "-") == 0 ? "<stdin>" : path;
	} else if (stat(path, &st) == 0) {
		/* a device, FIFO or socket could block or never end */
		if (!S_ISREG(st.st_mode)) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
			return NULL;
		}
		if (st.st_size > SRC_MAX) {
			errno = EFBIG;
			return NULL;
		}
	}
	if (!in && (f = fopen(path, "rb")) == NULL)
		return NULL;
	errno = 0;
	for (;;) {
		size_t n;

		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		/* procfs and sysfs files say they are empty and may never
		 * end (/proc/self/pagemap): a bound, not the size, decides */
		if (len > SRC_MAX) {
			if (!in)
				fclose(f);
			free(buf);
			errno = EFBIG;
			return NULL;
		}
	}
	if (ferror(f)) {
		int e = errno;	/* fread's: EISDIR for a directory */

		if (!in)
			fclose(f);
		free(buf);
		errno = e != 0 ? e : EIO;
		return NULL;
	}
	if (!in)
		fclose(f);
	s = src_from(a, path, !in && realpath(path, rp) ? rp : path, buf, len,
	    from);
	s->is_stdin = in;
	free(buf);
	return s;
}

/* A source of LEN bytes of TEXT (copied) named PATH, with its lines. */
static struct src *
src_from(struct arena *a, const char *path, const char *real,
    const char *text, size_t len, struct loc *from)
{
	struct src *s = arena_alloc(a, sizeof(*s));
	size_t i, nl;

	s->path = arena_strdup(a, path);
	s->real = arena_strdup(a, real);
	s->text = arena_strndup(a, text, len);
	s->len = len;
	s->included_at = from;
	s->is_stdin = 0;
	for (i = 0, nl = 1; i < len; i++)
		if (s->text[i] == '\n')
			nl++;
	s->lines = arena_alloc(a, nl * sizeof(*s->lines));
	s->lines[0] = 0;
	for (i = 0, nl = 1; i < len; i++)
		if (s->text[i] == '\n')
			s->lines[nl++] = i + 1;
	s->nlines = nl;
	return s;
}

struct loader {
	struct arena	*arena;
	struct diag	*diag;
	struct hash	*seen;		/* realpath -> src, files read */
	int		 no_files;	/* text in memory: include nothing */
};

static struct ast_dir *load_src(struct loader *, struct src *);

static struct loc
offset_loc(const struct src *s, size_t off)
{
	struct loc l;
	size_t lo = 0, hi = s->nlines;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (s->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	l.src = s;
	l.line = (int)lo + 1;
	l.col = (int)(off - s->lines[lo]) + 1;
	l.len = 1;
	return l;
}

static char *
include_path(struct arena *a, const struct src *from, const char *name)
{
	const char *slash;

	if (name[0] == '/' || from->is_stdin ||
	    (slash = strrchr(from->path, '/')) == NULL)
		return arena_strdup(a, name);
	return arena_printf(a, "%.*s/%s", (int)(slash - from->path),
	    from->path, name);
}

/* Replace an include directive by the directives of the file it names. */
static struct ast_dir *
do_include(struct loader *ld, struct src *from, struct ast_dir *d)
{
	struct loc *at;
	struct src *s, *p;
	const char *path;
	int depth;

	if (d->nargs != 1 || d->args->kind != AV_STRING || d->has_block) {
		diag_error(ld->diag, d->loc, "include takes one quoted file "
		    "name, as in: include \"common.zt\";");
		return NULL;
	}
	if (ld->no_files) {
		diag_error(ld->diag, d->loc, "include reads no file here: the "
		    "description is given as text");
		return NULL;
	}
	for (depth = 1, p = from; p->included_at != NULL &&
	    p->included_at->src != NULL; p = (struct src *)
	    p->included_at->src)
		depth++;
	if (depth >= INCLUDE_MAX_DEPTH) {
		diag_error(ld->diag, d->loc, "includes nested %d deep; ztopo "
		    "reads at most %d levels", depth + 1, INCLUDE_MAX_DEPTH);
		return NULL;
	}
	path = include_path(ld->arena, from, d->args->s);
	at = arena_alloc(ld->arena, sizeof(*at));
	*at = d->args->loc;
	if ((s = src_read(ld->arena, path, at)) == NULL) {
		diag_error(ld->diag, d->args->loc, "cannot read \"%s\": %s",
		    path, src_strerror(errno));
		return NULL;
	}
	for (p = from; p != NULL; p = p->included_at ?
	    (struct src *)p->included_at->src : NULL) {
		if (strcmp(p->real, s->real) == 0) {
			char *chain = arena_strdup(ld->arena, s->path);
			const struct src *q;

			for (q = from; q != NULL; q = q->included_at ?
			    q->included_at->src : NULL) {
				chain = arena_printf(ld->arena, "%s -> %s",
				    q->path, chain);
				if (q == p)
					break;
			}
			diag_error(ld->diag, d->args->loc,
			    "include cycle: %s", chain);
			return NULL;
		}
	}
	if (hash_get(ld->seen, s->real) != NULL)
		return NULL;		/* read once */
	return load_src(ld, s);
}

/* What the lexer cannot read: invalid UTF-8, a NUL byte, a lone CR.
 * -1 after reporting the first. */
int
src_check(struct diag *d, const struct src *s)
{
	long bad;

	if ((bad = utf8_check((unsigned char *)s->text, s->len)) >= 0) {
		diag_error(d, offset_loc(s, (size_t)bad),
		    "file is not valid UTF-8");
		return -1;
	}
	if (memchr(s->text, '\0', s->len) != NULL) {
		diag_error(d, offset_loc(s, (size_t)((char *)memchr(
		    s->text, '\0', s->len) - s->text)),
		    "file contains a NUL byte");
		return -1;
	}
	{
		/* a lone CR (old Mac line endings) would make the first
		 * comment swallow the whole file */
		const char *cr = s->text;

		while ((cr = memchr(cr, '\r', s->len - (size_t)(cr - s->text)))
		    != NULL && cr[1] == '\n')
			cr++;
		if (cr != NULL) {
			diag_error(d, offset_loc(s, (size_t)(cr - s->text)),
			    "carriage return without a line feed; lines end "
			    "with LF (or CRLF)");
			return -1;
		}
	}
	return 0;
}

/* S parsed alone (its includes are statements like any other), with the
 * places of its comments: what `ztopo fmt' lays out.  NULL after errors. */
struct ast_dir *
ast_parse_alone(struct arena *a, struct diag *d, struct src *s,
    struct vec *comments)
{
	struct zt_parse p;
	int mark = diag_mark(d);

	if (src_check(d, s) == -1)
		return NULL;
	memset(&p, 0, sizeof(p));
	p.arena = a;
	p.diag = d;
	p.src = s;
	zt_parse_src(&p);
	*comments = p.comments;
	return diag_since(d, mark) > 0 ? NULL : p.top;
}

static struct ast_dir *
load_src(struct loader *ld, struct src *s)
{
	struct zt_parse p;
	struct ast_dir *d, *next, *head = NULL, **tail = &head;

	hash_put(ld->seen, s->real, s);
	if (src_check(ld->diag, s) == -1)
		return NULL;
	memset(&p, 0, sizeof(p));
	p.arena = ld->arena;
	p.diag = ld->diag;
	p.src = s;
	zt_parse_src(&p);
	for (d = p.top; d != NULL; d = next) {
		next = d->next;
		d->next = NULL;
		if (strcmp(d->name, "include") == 0) {
			struct ast_dir *inc = do_include(ld, s, d);

			*tail = inc;
			while (*tail != NULL)
				tail = &(*tail)->next;
		} else {
			*tail = d;
			tail = &d->next;
		}
	}
	return head;
}

int
ast_load(struct arena *a, struct diag *diag, const char *path,
    struct ast_dir **out)
{
	struct loader ld;
	struct src *s;

	if ((s = src_read(a, path, NULL)) == NULL) {
		fprintf(diag->out, "ztopo: cannot read \"%s\": %s\n", path,
		    src_strerror(errno));
		return -1;
	}
	ld.arena = a;
	ld.diag = diag;
	ld.seen = hash_new(a);
	ld.no_files = 0;
	*out = load_src(&ld, s);
	return 0;
}

struct src *
src_text(struct arena *a, const char *name, const char *text, size_t len)
{
	return src_from(a, name, name, text, len, NULL);
}

int
ast_load_text(struct arena *a, struct diag *diag, const char *name,
    const char *text, size_t len, struct ast_dir **out)
{
	struct loader ld;

	if (len > SRC_MAX) {
		diag_error(diag, (struct loc){ NULL, 0, 0, 0 }, "%s: %s", name,
		    src_strerror(EFBIG));
		*out = NULL;
		return 0;
	}
	ld.arena = a;
	ld.diag = diag;
	ld.seen = hash_new(a);
	ld.no_files = 1;
	*out = load_src(&ld, src_from(a, name, name, text, len, NULL));
	return 0;
}
