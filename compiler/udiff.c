/*
 * udiff.c -- a unified diff of two texts, as diff -u prints it, for
 * `compile --check --diff'.
 *
 * Lines are compared whole; the common head and tail are set aside, and
 * Myers' O(ND) algorithm finds a shortest edit script of the rest.  Its
 * trace costs O(D^2) memory, so beyond UDIFF_MAX_D differing lines the
 * diff is not shown, only said to be too large.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ztopo.h"
#include "output.h"

#define UDIFF_MAX_D	4000
#define CONTEXT		3

struct lines {
	const char	**p;
	size_t		 *len;		/* with its '\n', if it has one */
	size_t		  n;
};

static void
split(const char *s, size_t len, struct lines *l)
{
	size_t i, n = 0, start = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	n += len > 0 && s[len - 1] != '\n';
	l->p = xmalloc((n + 1) * sizeof(*l->p));
	l->len = xmalloc((n + 1) * sizeof(*l->len));
	l->n = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n' || i + 1 == len) {
			l->p[l->n] = s + start;
			l->len[l->n++] = i + 1 - start;
			start = i + 1;
		}
}

static int
same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j],
	    a->len[i]) == 0;
}

enum op { OP_EQ, OP_DEL, OP_INS };

/*
 * The edit script turning A[lo..] into B[lo..] (their ends set aside),
 * OPS in order; returns its length, or -1 when D exceeds the bound.
 */
static long
myers(const struct lines *a, const struct lines *b, size_t lo, size_t ea,
    size_t eb, unsigned char *ops)
{
	long n = (long)(ea - lo), m = (long)(eb - lo), max = n + m, d, k;
	long off, x, y, nops = 0;
	long **trace, *v;

	if (max == 0)
		return 0;
	if (max > UDIFF_MAX_D * 2L + 2)
		max = UDIFF_MAX_D * 2L + 2;
	off = max + 1;
	v = xmalloc((size_t)(2 * max + 3) * sizeof(*v));
	trace = xmalloc((size_t)(max + 1) * sizeof(*trace));
	v[off + 1] = 0;
	for (d = 0; d <= max; d++) {
		if (d > UDIFF_MAX_D)
			goto toolarge;
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] <
			    v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < n && y < m && same(a, lo + (size_t)x, b,
			    lo + (size_t)y)) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= n && y >= m)
				goto found;
		}
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof(**trace));
		for (k = -d; k <= d; k++)
			trace[d][k + d] = v[off + k];
	}
toolarge:
	while (--d >= 0)
		free(trace[d]);
	free(trace);
	free(v);
	return -1;
found:
	/* walk back from (n, m), writing the script from its end */
	{
		long pos = n + m + 1, px, py, pk, dd, nd = d;

		x = n;
		y = m;
		for (dd = nd; dd > 0; dd--) {
			const long *pv = trace[dd - 1];	/* index k + dd - 1 */

			k = x - y;
			if (k == -dd || (k != dd && pv[k - 1 + dd - 1] <
			    pv[k + 1 + dd - 1]))
				pk = k + 1;
			else
				pk = k - 1;
			px = pv[pk + dd - 1];
			py = px - pk;
			while (x > px && y > py) {
				ops[--pos] = OP_EQ;
				x--;
				y--;
			}
			if (x == px) {
				ops[--pos] = OP_INS;
				y--;
			} else {
				ops[--pos] = OP_DEL;
				x--;
			}
		}
		while (x > 0 && y > 0) {
			ops[--pos] = OP_EQ;
			x--;
			y--;
		}
		nops = n + m + 1 - pos;
		memmove(ops, ops + pos, (size_t)nops);
		for (dd = 0; dd < nd; dd++)
			free(trace[dd]);
	}
	free(trace);
	free(v);
	return nops;
}

static void
put_line(FILE *out, char mark, const struct lines *l, size_t i)
{
	fputc(mark, out);
	fwrite(l->p[i], 1, l->len[i], out);
	if (l->len[i] == 0 || l->p[i][l->len[i] - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", out);
}

static void
range(FILE *out, size_t start, size_t count)
{
	/* diff -u: an empty range names the line before it */
	if (count == 1)
		fprintf(out, "%zu", start + 1);
	else
		fprintf(out, "%zu,%zu", count == 0 ? start : start + 1, count);
}

int
udiff(FILE *out, const char *la, const char *a, size_t alen, const char *lb,
    const char *b, size_t blen)
{
	struct lines A, B;
	size_t lo = 0, ea, eb, i, nops, total;
	unsigned char *ops;
	long r;
	size_t *ai, *bi;

	split(a, alen, &A);
	split(b, blen, &B);
	ea = A.n;
	eb = B.n;
	while (lo < ea && lo < eb && same(&A, lo, &B, lo))
		lo++;
	while (ea > lo && eb > lo && same(&A, ea - 1, &B, eb - 1)) {
		ea--;
		eb--;
	}
	ops = xmalloc((ea - lo) + (eb - lo) + 2);
	if ((r = myers(&A, &B, lo, ea, eb, ops)) < 0) {
		fprintf(out, "--- %s\n+++ %s\n@@ the diff is too large to show "
		    "@@\n", la, lb);
		free(ops);
		free(A.p), free(A.len), free(B.p), free(B.len);
		return 1;
	}
	/* the whole script: the common head, the middle, the common tail */
	nops = (size_t)r;
	total = lo + nops + (A.n - ea);
	{
		unsigned char *all = xmalloc(total + 1);

		memset(all, OP_EQ, lo);
		memcpy(all + lo, ops, nops);
		memset(all + lo + nops, OP_EQ, A.n - ea);
		free(ops);
		ops = all;
	}
	/* the line of A and of B each op stands at */
	ai = xmalloc((total + 1) * sizeof(*ai));
	bi = xmalloc((total + 1) * sizeof(*bi));
	{
		size_t x = 0, y = 0;

		for (i = 0; i < total; i++) {
			ai[i] = x;
			bi[i] = y;
			x += ops[i] != OP_INS;
			y += ops[i] != OP_DEL;
		}
		ai[total] = x;
		bi[total] = y;
	}
	fprintf(out, "--- %s\n+++ %s\n", la, lb);
	for (i = 0; i < total; ) {
		size_t from, to, j, na = 0, nb = 0;

		if (ops[i] == OP_EQ) {
			i++;
			continue;
		}
		/* a hunk: this change, and every one within 2 * CONTEXT */
		from = i > CONTEXT ? i - CONTEXT : 0;
		for (to = i; to < total; to++) {
			if (ops[to] != OP_EQ)
				continue;
			for (j = to; j < total && ops[j] == OP_EQ; j++)
				;
			if (j == total || j - to > 2 * CONTEXT)
				break;
			to = j - 1;
		}
		to = to + CONTEXT < total ? to + CONTEXT : total;
		for (j = from; j < to; j++) {
			na += ops[j] != OP_INS;
			nb += ops[j] != OP_DEL;
		}
		fputs("@@ -", out);
		range(out, ai[from], na);
		fputs(" +", out);
		range(out, bi[from], nb);
		fputs(" @@\n", out);
		for (j = from; j < to; j++) {
			if (ops[j] == OP_EQ)
				put_line(out, ' ', &A, ai[j]);
			else if (ops[j] == OP_DEL)
				put_line(out, '-', &A, ai[j]);
			else
				put_line(out, '+', &B, bi[j]);
		}
		i = to;
	}
	free(ops);
	free(ai);
	free(bi);
	free(A.p), free(A.len), free(B.p), free(B.len);
	return 0;
}
