/*
 * output.c -- the output set backends fill, and its MANIFEST; tree.c
 * writes it as a tree.
 *
 * Files are published with out_add; with a tree open (out_open_tree,
 * tree.c) each is compared and staged as it comes, and its bytes are
 * not kept.
 *
 * The tree carries a MANIFEST (sha256sum format) of every file ztopo
 * wrote, built from the hashes taken as each file was published.
 * A file that holds secret values is listed on a comment line without
 * its hash: the MANIFEST is committed, the file is not, and a hash of a
 * short password is a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "digest.h"

/* The MANIFEST line of a secret file: sha256sum skips '#' lines. */

int
out_is_secret(const struct outfile *f)
{
	return f->secret || (f->mode & 077) == 0;
}

void
out_init(struct outset *os, struct arena *a)
{
	memset(os, 0, sizeof(*os));
	/* its own: what the set keeps outlives the backends' releases */
	os->arena = arena_child(a);
	os->index = hash_new(os->arena);
}

struct outfile *
out_add(struct outset *os, enum art_kind kind, const char *path,
    const char *data, size_t len, unsigned mode, int secret)
{
	struct outfile *f = arena_alloc(os->arena, sizeof(*f));

	f->arena = os->arena;
	f->kind = kind;
	f->path = arena_strdup(os->arena, path);
	f->len = len;
	f->mode = mode;
	f->secret = secret;
	if (!hash_put(os->index, f->path, f)) {
		fprintf(stderr, "ztopo: internal error: %s emitted twice\n",
		    path);
		abort();
	}
	vec_push(os->arena, &os->files, f);
	if (os->tree != NULL)
		tree_add(os->tree, f, data, len);	/* bytes not kept */
	else {
		f->data = arena_alloc(os->arena, len + 1);
		memcpy(f->data, data, len);
	}
	return f;
}

void
out_for(struct outfile *f, const struct ir_sinst *si, enum art_apply apply,
    const char *dest)
{
	f->host = si->host;
	f->zinst = si->zone;
	f->sinst = si;
	f->apply = apply;
	f->dest = out_keep(f, dest);
}

struct outfile *
out_add_split(struct outset *os, enum art_kind kind, const char *path,
    const struct strbuf *structure, unsigned mode, const char *secret_path,
    const struct strbuf *secrets)
{
	struct outfile *f = out_add(os, kind, path, structure->buf ?
	    structure->buf : "", structure->len, mode, 0);

	/* secret even with --redact: MANIFEST and .gitignore stay the same */
	f->companion = out_add(os, ART_CONFIG, secret_path, secrets->buf ?
	    secrets->buf : "", secrets->len, 0600, 1);
	return f;
}

void
out_companion_for(struct outfile *f, const char *dest)
{
	struct outfile *c = f->companion;

	c->host = f->host;
	c->zinst = f->zinst;
	c->sinst = f->sinst;
	c->apply = APPLY_INSTALL;
	c->dest = out_keep(c, dest);
}

const char *
out_keep(const struct outfile *f, const char *s)
{
	return s != NULL ? arena_strdup(f->arena, s) : NULL;
}

struct outfile *
out_find(const struct outset *os, const char *path)
{
	return hash_get(os->index, path);
}

static int
cmp_path(const void *a, const void *b)
{
	const struct outfile *x = *(struct outfile *const *)a;
	const struct outfile *y = *(struct outfile *const *)b;

	return strcmp(x->path, y->path);
}

void
out_sort(struct outset *os)
{
	void **v = os->files.v;
	size_t n = os->files.n, k, i;

	/* sorted already but for the last few added (MANIFEST, .gitignore,
	 * the stamp): each put in its place, not the whole set sorted */
	for (k = 1; k < n && cmp_path(&v[k - 1], &v[k]) <= 0; k++)
		;
	if (n - k > 8) {
		qsort(v, n, sizeof(void *), cmp_path);
		return;
	}
	for (; k < n; k++) {
		void *f = v[k];

		for (i = k; i > 0 && cmp_path(&v[i - 1], &f) > 0; i--)
			v[i] = v[i - 1];
		v[i] = f;
	}
}

/*
 * Add MANIFEST: "sha256  path" for every file, sorted by path; a secret
 * file gets "# secret, not hashed: path" instead.
 */
void
out_manifest(struct outset *os)
{
	struct strbuf sb;
	size_t i;

	out_sort(os);
	sb_init(&sb);
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];
		char hex[65];

		if (out_is_secret(f)) {
			sb_printf(&sb, "%s%s\n", SECRET_LINE, f->path);
			continue;
		}
		if (f->hash == NULL)
			sha256_hex(f->data, f->len, hex);
		sb_printf(&sb, "%s  %s\n", f->hash != NULL ? f->hash : hex,
		    f->path);
	}
	out_add(os, ART_TREE, "MANIFEST", sb.buf ? sb.buf : "", sb.len, 0644,
	    0);
	sb_free(&sb);
	out_sort(os);
}
