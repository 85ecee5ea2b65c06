/*
 * lock.c -- the lock file: one line per pool address handed to a zone
 * instance, so that adding, removing or reordering zones never moves
 * another instance's address (ztopo(5), LOCK FILE).
 *
 *	# comment
 *	TARGET ZONE@HOST NETWORK[#N] ADDRESS
 *
 * Lines are written sorted by target, network and address, so a new
 * instance adds one line and a removed one takes one away.  The file is
 * a pure function of the description and the lock read: every command
 * reads it, computes the same addresses, and only `compile -o' and
 * `lock' write it back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"
#include "output.h"

#define LOCK_HEADER \
	"# ztopo lock: the pool address each zone instance holds, so that\n" \
	"# adding, removing or reordering zones never moves another one's.\n" \
	"# Written by `ztopo compile -o' and `ztopo lock'; commit it beside\n" \
	"# the description (ztopo(5), LOCK FILE).\n" \
	"# target zone@host network address\n"

struct lock {
	struct arena	*arena;
	const char	*path;		/* NULL: no file (standard input) */
	const char	*old;		/* its bytes, NULL: none */
	size_t		 oldlen;
	struct hash	*bykey;		/* "T Z@H NET" -> struct lock_entry:
					 * a line read twice */
	struct vec	 lines;		/* struct lock_entry *, file order */
	struct hash	*redone;	/* targets lowered in this run */
	struct hash	*declared;	/* NULL: not told */
	struct vec	 recs;		/* struct lock_entry *, recorded */
	struct hash	*recorded;	/* key -> entry: no duplicates */
};

const char *
lock_path_for(struct arena *a, const char *zt)
{
	size_t n = strlen(zt);

	if (strcmp(zt, "-") == 0 || strcmp(zt, "/dev/stdin") == 0)
		return NULL;
	if (n > 3 && strcmp(zt + n - 3, ".zt") == 0)
		return arena_printf(a, "%.*s.lock", (int)(n - 3), zt);
	return arena_printf(a, "%s.lock", zt);
}

/* "T Z@H NET", the key of an instance's nic (built by hand: one per
 * line read and per address recorded). */
static const char *
key_of(struct arena *a, const char *t, const char *z, const char *h,
    const char *net)
{
	const char *part[7] = { t, " ", z, "@", h, " ", net };
	size_t len[7], n = 0, i;
	char *k, *p;

	for (i = 0; i < 7; i++)
		n += len[i] = strlen(part[i]);
	p = k = arena_alloc(a, n + 1);
	for (i = 0; i < 7; i++) {
		memcpy(p, part[i], len[i]);
		p += len[i];
	}
	return k;
}

/* Field I of line L: [*s, *e) on return, 0 if there is none. */
static int
next_field(const char **p, const char *end, const char **s,
    const char **e)
{
	const char *q = *p;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end)
		return 0;
	*s = q;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	*e = q;
	*p = q;
	return 1;
}

static void
parse_line(struct lock *lk, struct diag *d, const struct src *src,
    int lineno, const char *line, const char *end)
{
	struct arena *a = lk->arena;
	const char *s[5], *e[5], *p = line, *at, *key;
	struct lock_entry *le, *prev;
	struct loc l = { src, lineno, 1, (int)(end - line) };
	int nf = 0;
	size_t i;

	if (l.len < 1)
		l.len = 1;
	while (next_field(&p, end, &s[nf < 4 ? nf : 4], &e[nf < 4 ? nf : 4]))
		nf++;
	if (nf == 0 || *s[0] == '#')
		return;
	if (nf != 4) {
		diag_error(d, l, "expected four fields, TARGET ZONE@HOST "
		    "NETWORK ADDRESS; found %d", nf);
		return;
	}
	for (i = 0; i < 4; i++) {
		/* names are ASCII (valid_name); a stray byte is noise */
		const char *q;

		for (q = s[i]; q < e[i]; q++)
			if ((unsigned char)*q < 0x21 ||
			    (unsigned char)*q > 0x7e) {
				struct loc fl = { src, lineno,
				    (int)(q - line) + 1, 1 };

				diag_error(d, fl, "a lock line holds a byte "
				    "that is not printable ASCII");
				return;
			}
	}
	le = arena_alloc(a, sizeof(*le));
	le->target = arena_strndup(a, s[0], (size_t)(e[0] - s[0]));
	at = memchr(s[1], '@', (size_t)(e[1] - s[1]));
	if (at == NULL || at == s[1] || at + 1 == e[1] ||
	    memchr(at + 1, '@', (size_t)(e[1] - at - 1)) != NULL) {
		struct loc fl = { src, lineno, (int)(s[1] - line) + 1,
		    (int)(e[1] - s[1]) };

		diag_error(d, fl, "expected ZONE@HOST, not \"%.*s\"",
		    (int)(e[1] - s[1]), s[1]);
		return;
	}
	le->zone = arena_strndup(a, s[1], (size_t)(at - s[1]));
	le->host = arena_strndup(a, at + 1, (size_t)(e[1] - at - 1));
	le->net = arena_strndup(a, s[2], (size_t)(e[2] - s[2]));
	le->loc = l;
	le->addr_loc = (struct loc){ src, lineno, (int)(s[3] - line) + 1,
	    (int)(e[3] - s[3]) };
	if (ipv4_parse(arena_strndup(a, s[3], (size_t)(e[3] - s[3])),
	    &le->addr) != 0) {
		diag_error(d, le->addr_loc, "\"%.*s\" is not an IPv4 address",
		    (int)(e[3] - s[3]), s[3]);
		return;
	}
	key = key_of(a, le->target, le->zone, le->host, le->net);
	if ((prev = hash_get(lk->bykey, key)) != NULL) {
		diag_error(d, l, "zone \"%s\" on host \"%s\" is given two "
		    "addresses on \"%s\" in target \"%s\"", le->zone, le->host,
		    le->net, le->target);
		diag_note(d, prev->loc, "its first line");
		return;
	}
	hash_put(lk->bykey, key, le);
	vec_push(a, &lk->lines, le);
}

static struct lock *
lock_new(struct arena *a, const char *path)
{
	struct lock *lk = arena_alloc(a, sizeof(*lk));

	lk->arena = a;
	lk->path = path;
	lk->bykey = hash_new(a);
	lk->redone = hash_new(a);
	lk->recorded = hash_new(a);
	return lk;
}

static void
parse(struct lock *lk, struct diag *d, const struct src *src)
{
	size_t i;

	lk->old = src->text;
	lk->oldlen = src->len;
	for (i = 0; i < src->nlines; i++) {
		const char *line = src->text + src->lines[i];
		const char *end = memchr(line, '\n',
		    src->len - src->lines[i]);

		if (end == NULL)
			end = src->text + src->len;
		if (end > line && end[-1] == '\r')
			end--;
		parse_line(lk, d, src, (int)i + 1, line, end);
	}
}

struct lock *
lock_read(struct arena *a, struct diag *d, const char *path)
{
	struct lock *lk = lock_new(a, path);
	struct src *src;

	if (path == NULL)
		return lk;
	if ((src = src_read(a, path, NULL)) == NULL) {
		if (errno == ENOENT)
			return lk;
		fprintf(stderr, "ztopo: %s: %s\n", path,
		    src_strerror(errno));
		return NULL;
	}
	parse(lk, d, src);
	return lk;
}

struct lock *
lock_from_text(struct arena *a, struct diag *d, const char *name,
    const char *text, size_t len)
{
	struct lock *lk = lock_new(a, name);

	parse(lk, d, src_text(a, name, text, len));
	return lk;
}

const char *
lock_path(const struct lock *lk)
{
	return lk->path;
}

void
lock_declared(struct lock *lk, const char *const *names, size_t n)
{
	size_t i;

	lk->declared = hash_new(lk->arena);
	for (i = 0; i < n; i++)
		hash_put(lk->declared, names[i], (void *)names[i]);
}

void
lock_begin(struct lock *lk, const char *target)
{
	hash_put(lk->redone, target, (void *)target);
}

struct lock_entry **
lock_entries(struct lock *lk, const char *target, size_t *n)
{
	struct lock_entry **v = arena_alloc(lk->arena,
	    (lk->lines.n + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < lk->lines.n; i++) {
		struct lock_entry *le = lk->lines.v[i];

		if (strcmp(le->target, target) == 0)
			v[(*n)++] = le;
	}
	return v;
}

void
lock_record(struct lock *lk, const char *target, const char *zone,
    const char *host, const char *net, uint32_t addr)
{
	const char *key = key_of(lk->arena, target, zone, host, net);
	struct lock_entry *le = hash_get(lk->recorded, key);

	if (le == NULL) {
		le = arena_alloc(lk->arena, sizeof(*le));
		le->target = target;
		le->zone = zone;
		le->host = host;
		le->net = net;
		hash_put(lk->recorded, key, le);
		vec_push(lk->arena, &lk->recs, le);
	}
	le->addr = addr;
}

/* target, then network name, then address (numerically), then the rest */
static int
cmp_entry(const void *pa, const void *pb)
{
	const struct lock_entry *a = *(struct lock_entry *const *)pa;
	const struct lock_entry *b = *(struct lock_entry *const *)pb;
	int c;

	if ((c = strcmp(a->target, b->target)) != 0 ||
	    (c = strcmp(a->net, b->net)) != 0)
		return c;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if ((c = strcmp(a->zone, b->zone)) != 0)
		return c;
	return strcmp(a->host, b->host);
}

static const char *
line_of(struct arena *a, const struct lock_entry *le)
{
	return arena_printf(a, "%s %s@%s %s %s", le->target, le->zone,
	    le->host, le->net, ipv4_str(a, le->addr));
}

/* The lines the file will hold, sorted: recorded ones for the targets
 * lowered in this run, the file's own for the other declared targets. */
static struct lock_entry **
new_lines(struct lock *lk, size_t *n)
{
	struct lock_entry **v = arena_alloc(lk->arena,
	    (lk->lines.n + lk->recs.n + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < lk->lines.n; i++) {
		struct lock_entry *le = lk->lines.v[i];

		if (hash_get(lk->redone, le->target) != NULL ||
		    (lk->declared != NULL &&
		    hash_get(lk->declared, le->target) == NULL))
			continue;
		v[(*n)++] = le;
	}
	for (i = 0; i < lk->recs.n; i++)
		v[(*n)++] = lk->recs.v[i];
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_entry);
	return v;
}

void
lock_text(struct lock *lk, struct strbuf *sb)
{
	struct lock_entry **v;
	size_t i, n;

	v = new_lines(lk, &n);
	sb_init(sb);
	sb_puts(sb, LOCK_HEADER);
	for (i = 0; i < n; i++) {
		sb_puts(sb, line_of(lk->arena, v[i]));
		sb_putc(sb, '\n');
	}
}

int
lock_changed(struct lock *lk, FILE *fp)
{
	struct lock_entry **v, **o;
	struct strbuf sb;
	size_t i, j, n, no;
	int changed;

	if (lk->path == NULL)
		return 0;
	/* a library, or a target without pools: no file is needed */
	if (lk->old == NULL) {
		(void)new_lines(lk, &n);
		if (n == 0)
			return 0;
	}
	lock_text(lk, &sb);
	changed = lk->old == NULL || sb.len != lk->oldlen ||
	    memcmp(sb.buf, lk->old, sb.len) != 0;
	sb_free(&sb);
	if (!changed || fp == NULL)
		return changed;
	/* the lines, as sets: old ones (sorted as written) against new */
	v = new_lines(lk, &n);
	o = arena_alloc(lk->arena, (lk->lines.n + 1) * sizeof(*o));
	no = lk->lines.n;
	if (no > 0)
		memcpy(o, lk->lines.v, no * sizeof(*o));
	if (no > 1)
		qsort(o, no, sizeof(*o), cmp_entry);
	for (i = j = 0; i < n || j < no; ) {
		int c = i == n ? 1 : j == no ? -1 : cmp_entry(&v[i], &o[j]);

		if (c == 0) {
			i++, j++;
			continue;
		}
		if (c < 0)
			fprintf(fp, "+ %s\n", line_of(lk->arena, v[i++]));
		else
			fprintf(fp, "- %s\n", line_of(lk->arena, o[j++]));
	}
	return 1;
}

int
lock_write(struct lock *lk)
{
	struct strbuf sb;
	int rc;

	if (!lock_changed(lk, NULL))
		return 0;
	lock_text(lk, &sb);
	rc = write_atomic(lk->arena, lk->path, sb.buf, sb.len, 0644);
	sb_free(&sb);
	return rc == -1 ? -1 : 1;
}
