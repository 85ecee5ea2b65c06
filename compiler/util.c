/*
 * util.c -- small shared helpers: a string-keyed hash table, edit
 * distance for "did you mean" suggestions, IPv4 parsing and printing,
 * name syntax, a growable byte buffer, atomic file writes.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ztopo.h"
#include "output.h"

/* ---- hash table: open addressing, FNV-1a, grows at 1/2 load; each
 * slot keeps its key's hash, so probes and growth compare no string but
 * the one that matches */

struct hslot {
	const char	*key;
	void		*val;
	uint64_t	 h;
};

struct hash {
	struct arena	*arena;
	struct hslot	*slots;
	size_t		 cap, count;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct hash *
hash_new(struct arena *a)
{
	struct hash *h = arena_alloc(a, sizeof(*h));

	h->arena = a;
	h->cap = 16;
	h->slots = arena_alloc(a, h->cap * sizeof(*h->slots));
	return h;
}

static struct hslot *
hash_slot(const struct hash *h, const char *key, uint64_t hv)
{
	size_t i = (size_t)hv & (h->cap - 1);

	while (h->slots[i].key != NULL && (h->slots[i].h != hv ||
	    strcmp(h->slots[i].key, key) != 0))
		i = (i + 1) & (h->cap - 1);
	return &h->slots[i];
}

void *
hash_get(const struct hash *h, const char *key)
{
	return hash_slot(h, key, fnv1a(key))->val;
}

int
hash_put(struct hash *h, const char *key, void *val)
{
	uint64_t hv = fnv1a(key);
	struct hslot *s;

	if ((h->count + 1) * 2 > h->cap) {
		struct hslot *old = h->slots;
		size_t i, ocap = h->cap;

		h->cap *= 2;
		h->slots = arena_alloc(h->arena, h->cap * sizeof(*h->slots));
		for (i = 0; i < ocap; i++)
			if (old[i].key != NULL) {
				size_t j = (size_t)old[i].h & (h->cap - 1);

				while (h->slots[j].key != NULL)
					j = (j + 1) & (h->cap - 1);
				h->slots[j] = old[i];
			}
	}
	s = hash_slot(h, key, hv);
	if (s->key != NULL)
		return 0;
	s->key = key;
	s->val = val;
	s->h = hv;
	h->count++;
	return 1;
}

/*
 * The same for integer keys (an index pair, a network and an address):
 * no key string to print, to keep or to compare, so a lookup touches one
 * slot.  Values are never NULL (NULL marks an empty slot).
 */
struct ihash {
	struct arena	*arena;
	struct islot	*slots;
	size_t		 cap, count;
};

struct islot {
	uint64_t	 key;
	void		*val;
};

struct ihash *
ihash_new(struct arena *a)
{
	struct ihash *h = arena_alloc(a, sizeof(*h));

	h->arena = a;
	h->cap = 16;
	h->slots = arena_alloc(a, h->cap * sizeof(*h->slots));
	return h;
}

/*
 * Keys come in runs (the hosts of one placement, the addresses of one
 * pool): a block of 16 consecutive keys goes to 16 consecutive slots, and
 * the blocks are spread by Fibonacci hashing, so that a run of lookups
 * walks memory in order instead of missing the cache at every key.
 */
static size_t
ihash_at(size_t cap, uint64_t key)
{
	uint64_t block = ((key >> 4) * 0x9e3779b97f4a7c15ULL) >> 32;

	return (size_t)(block << 4 | (key & 15)) & (cap - 1);
}

static struct islot *
ihash_slot(const struct ihash *h, uint64_t key)
{
	size_t i = ihash_at(h->cap, key);

	while (h->slots[i].val != NULL && h->slots[i].key != key)
		i = (i + 1) & (h->cap - 1);
	return &h->slots[i];
}

void *
ihash_get(const struct ihash *h, uint64_t key)
{
	return ihash_slot(h, key)->val;
}

int
ihash_put(struct ihash *h, uint64_t key, void *val)
{
	struct islot *s;

	if ((h->count + 1) * 2 > h->cap) {
		struct islot *old = h->slots;
		size_t i, ocap = h->cap;

		h->cap *= 2;
		h->slots = arena_alloc(h->arena, h->cap * sizeof(*h->slots));
		for (i = 0; i < ocap; i++)
			if (old[i].val != NULL)
				*ihash_slot(h, old[i].key) = old[i];
	}
	s = ihash_slot(h, key);
	if (s->val != NULL)
		return 0;
	s->key = key;
	s->val = val;
	h->count++;
	return 1;
}

size_t
hash_count(const struct hash *h)
{
	return h->count;
}

/* ---- suggestions */

/* Optimal string alignment distance: insertions, deletions,
 * substitutions and transpositions of neighbours ("chekc" -> "check" is
 * one edit), ignoring case. */
int
edit_distance(const char *a, const char *b)
{
	int m[65][65];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > 64 || lb > 64)
		return 99;
	for (i = 0; i <= la; i++)
		m[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		m[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			int d = m[i - 1][j - 1] + (ca != cb);

			if (m[i - 1][j] + 1 < d)
				d = m[i - 1][j] + 1;
			if (m[i][j - 1] + 1 < d)
				d = m[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)
			    b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
			    m[i - 2][j - 2] + 1 < d)
				d = m[i - 2][j - 2] + 1;
			m[i][j] = d;
		}
	return m[la][lb];
}

/*
 * The closest candidate within a third of the name's length (at least 1,
 * at most 3 edits); ties go to the earliest candidate, so the answer does
 * not depend on anything but the order of NAMES.
 */
const char *
suggest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	int bestd = 99, limit;
	size_t i;

	limit = (int)strlen(s) / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (i = 0; i < n && names[i] != NULL; i++) {
		int d = edit_distance(s, names[i]);

		if (d < bestd && d <= limit) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

/* ---- IPv4 */

int
ipv4_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return -1;
		}
		if (digits == 0)
			return -1;
		a = (a << 8) | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s != '\0')
		return -1;
	*out = a;
	return 0;
}

int
cidr_parse(const char *s, uint32_t *addr, int *prefix)
{
	const char *slash = strchr(s, '/');
	char buf[32];
	int p = 0, digits = 0;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (ipv4_parse(buf, addr) != 0)
		return -1;
	for (s = slash + 1; isdigit((unsigned char)*s); s++) {
		p = p * 10 + (*s - '0');
		if (++digits > 2)
			return -1;
	}
	if (digits == 0 || *s != '\0' || p > 32)
		return -1;
	*prefix = p;
	return 0;
}

uint32_t
prefix_mask(int prefix)
{
	return prefix <= 0 ? 0 : 0xffffffffU << (32 - prefix);
}

const char *
ipv4_str(struct arena *a, uint32_t x)
{
	char buf[16], *p = buf;
	int i;

	/* by hand: every address of every file goes through here */
	for (i = 24; i >= 0; i -= 8) {
		unsigned o = (x >> i) & 255;

		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		if (i > 0)
			*p++ = '.';
	}
	return arena_strndup(a, buf, (size_t)(p - buf));
}

/*
 * Names of declared things: a letter, then letters, digits, '-', '_'.
 * They become zone aliases, file names, SMF names and SQL identifiers,
 * so nothing else is allowed.
 */
int
valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* ---- strbuf */

void
sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void
sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

static void
sb_grow(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;

		while (sb->len + n + 1 > cap)
			cap *= 2;
		sb->buf = xrealloc(sb->buf, cap);
		sb->cap = cap;
	}
}

void
sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void
sb_putc(struct strbuf *sb, int c)
{
	sb_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

/* S percent-encoded for a URL: all but RFC 3986 unreserved characters. */
void
sb_urlencode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			sb_putc(sb, *p);
		else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[*p >> 4]);
			sb_putc(sb, hex[*p & 15]);
		}
	}
}

/* S single-quoted for sh(1). */
void
sb_shquote(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++)
		if (*s == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_putc(sb, *s);
	sb_putc(sb, '\'');
}

/* S as one word for sh(1): as is when plain, else single-quoted. */
const char *
sh_word(struct arena *a, const char *s)
{
	struct strbuf sb;
	const char *r;

	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-./:=@%+,") == strlen(s))
		return s;
	sb_init(&sb);
	sb_shquote(&sb, s);
	r = arena_strdup(a, sb.buf);
	sb_free(&sb);
	return r;
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* formatted in place when it fits in what is left, else again */
	sb_grow(sb, 128);
	room = sb->cap - sb->len;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room) {
		sb_grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
	sb->buf[sb->len] = '\0';
}

#define SECRET_ENV_PREFIX	"ZTOPO_SECRET_"

/* The environment variable that carries secret NAME: ZTOPO_SECRET_ and
 * the name in upper case, '-' and '.' as '_' (db-pw: ZTOPO_SECRET_DB_PW). */
char *
secret_env_name(struct arena *a, const char *name)
{
	char *s = arena_printf(a, SECRET_ENV_PREFIX "%s", name), *p;

	for (p = s + strlen(SECRET_ENV_PREFIX); *p; p++)
		*p = *p == '-' || *p == '.' ? '_' :
		    (char)toupper((unsigned char)*p);
	return s;
}

/* The placeholder of secret NAME with --redact: @@DB_PW@@. */
char *
secret_placeholder(struct arena *a, const char *name)
{
	return arena_printf(a, "@@%s@@", secret_env_name(a, name) +
	    strlen(SECRET_ENV_PREFIX));
}

/* Write DATA to PATH atomically (a temporary file renamed over it, made
 * durable) with MODE; -1 after an error (printed). */
int
write_atomic(struct arena *a, const char *path, const char *data,
    size_t len, mode_t mode)
{
	char *tmp = arena_printf(a, "%s.XXXXXX", path);
	char *dir = arena_strdup(a, path), *slash;
	size_t off = 0;
	int fd, dfd;

	if ((fd = mkstemp(tmp)) == -1)
		goto fail;
	if (fchmod(fd, mode) == -1)
		goto fail_unlink;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			goto fail_unlink;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail_unlink;
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		dir = arena_strdup(a, ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail_unlink:
	{
		int e = errno;

		if (fd != -1)
			close(fd);
		unlink(tmp);
		errno = e;
	}
fail:
	fprintf(stderr, "ztopo: %s: %s\n", path, strerror(errno));
	return -1;
}
