/*
 * arena.c -- one bump allocator per run.  The syntax tree, the IR and
 * every string live here and are freed together at the end, so no pass
 * has cleanup paths.
 *
 * Two refinements keep the memory of a large compile close to what it
 * keeps: a pass that makes many short-lived strings (one output file's
 * worth) releases them at once back to a mark (arena_mark, arena_release),
 * and what must outlive such a release lives in a child arena
 * (arena_child: freed with its parent, never released by the parent's
 * marks).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ztopo.h"

#define CHUNK	(64 * 1024)

/*
 * Under AddressSanitizer the unused part of every chunk is poisoned and
 * each allocation is followed by a poisoned redzone, so that ASan catches
 * an overflow of any object (in a plain chunk it would land in the
 * neighbour, unseen).
 */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN	1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE		32
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE		0
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

struct chunk {
	struct chunk	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;
	struct chunk	*spare;		/* released chunks, for reuse */
	size_t		 nspare;
	struct arena	*kids, *next;	/* child arenas, freed with it */
};

/* Released chunks kept for the next allocations: a pass that releases
 * after every file reuses the same memory instead of asking malloc (and
 * the kernel, page by page) for it again. */
#define SPARE_MAX	64

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fputs("ztopo: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("ztopo: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

struct arena *
arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->head = a->spare = NULL;
	a->nspare = 0;
	a->kids = a->next = NULL;
	return a;
}

struct arena *
arena_child(struct arena *parent)
{
	struct arena *a = arena_new();

	a->next = parent->kids;
	parent->kids = a;
	return a;
}

struct arena_mark
arena_mark(struct arena *a)
{
	struct arena_mark m;

	m.chunk = a->head;
	m.used = a->head != NULL ? a->head->used : 0;
	return m;
}

void
arena_release(struct arena *a, struct arena_mark m)
{
	struct chunk *c;

	while (a->head != m.chunk) {
		c = a->head;
		a->head = c->next;
		if (c->size == CHUNK && a->nspare < SPARE_MAX) {
			POISON(c->data, c->size);
			c->next = a->spare;
			a->spare = c;
			a->nspare++;
			continue;
		}
		UNPOISON(c->data, c->size);
		free(c);
	}
	if ((c = a->head) != NULL) {
		/* poisoned, so that a pointer kept past the release is
		 * caught by ASan, not read as garbage */
		POISON((char *)c->data + m.used, c->size - m.used);
		c->used = m.used;
	}
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *n;

	if (a == NULL)
		return;
	while (a->kids != NULL) {
		struct arena *k = a->kids;

		a->kids = k->next;
		arena_free(k);
	}
	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		UNPOISON(c->data, c->size);
		free(c);
	}
	for (c = a->spare; c != NULL; c = n) {
		n = c->next;
		UNPOISON(c->data, c->size);
		free(c);
	}
	free(a);
}

/* N bytes, not cleared: for what its caller fills at once (strings,
 * copies) */
static void *
alloc_raw(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct chunk *c = a->head;
	void *p;

	size_t want = n;

	n = (n + align - 1) / align * align + REDZONE;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK ? n : CHUNK;

		if (size == CHUNK && a->spare != NULL) {
			c = a->spare;
			a->spare = c->next;
			a->nspare--;
		} else {
			c = xmalloc(sizeof(*c) + size);
			c->size = size;
			POISON(c->data, size);
		}
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	UNPOISON(p, want);
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return memset(alloc_raw(a, n), 0, n);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char buf[256], *p;
	int n;

	/* most strings fit: formatted once, then copied */
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(buf))
		return arena_strndup(a, buf, (size_t)n);
	p = alloc_raw(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *
arena_grow(struct arena *a, void *p, size_t n, size_t size)
{
	void *np;

	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return p;
	np = alloc_raw(a, (n ? 2 * n : 8) * size);
	if (n)
		memcpy(np, p, n * size);
	return np;
}

void
vec_push(struct arena *a, struct vec *v, void *p)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **nv = alloc_raw(a, cap * sizeof(*nv));

		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
}
