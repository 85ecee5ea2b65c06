/*
 * stamp.c -- the fingerprint of everything a compile's tree depends on,
 * so that `compile -o' of an unchanged description costs reading and
 * hashing the tree, not generating it again (tree.c, out_tree_current).
 *
 * It covers, each length-prefixed: the ztopo binary itself (its bytes,
 * from /proc/self/exe: a rebuilt ztopo regenerates), the target and the
 * options that change bytes (--redact, --smf-dtd and the DTD's bytes),
 * the text of every source file the description was read from (not its
 * name: the same description read from elsewhere is the same), the lock
 * as it would be written, and every secret's value (or that it has
 * none).  The tree keeps it in .ztopo-stamp (mode 0600, git-ignored: it
 * hashes secret values), beside the hashes of the secret files, which
 * MANIFEST cannot hold.  What cannot be read gives no fingerprint, and
 * the tree is generated as always.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "lock.h"
#include "output.h"
#include "stamp.h"

static void
field(struct strbuf *sb, const char *tag, const char *data, size_t len)
{
	sb_printf(sb, "%s %zu\n", tag, len);
	sb_putn(sb, data, len);
	sb_putc(sb, '\n');
}

/* The bytes of PATH into SB as field TAG; -1 if it cannot be read. */
static int
file_field(struct strbuf *sb, const char *tag, const char *path)
{
	struct strbuf f;
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	sb_init(&f);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			sb_free(&f);
			return -1;
		}
		sb_putn(&f, buf, (size_t)n);
	}
	close(fd);
	field(sb, tag, f.buf != NULL ? f.buf : "", f.len);
	sb_free(&f);
	return 0;
}

/* Every source file, once each, in the order the description reads them. */
static void
sources(struct strbuf *sb, struct hash *seen, const struct ast_dir *d)
{
	for (; d != NULL; d = d->next) {
		const struct src *s = d->loc.src;

		/* the texts, not the names: the same description read
		 * from another directory is the same input */
		if (s != NULL && hash_put(seen, s->real != NULL ? s->real :
		    s->path, (void *)s))
			field(sb, "text", s->text, s->len);
		sources(sb, seen, d->children);
	}
}

int
stamp_inputs(struct arena *a, const struct ast_dir *top, struct lock *lk,
    const struct ir *ir, const struct emit_opts *eo, char hex[65])
{
	struct strbuf sb, lt;
	size_t i;
	int rc = -1;

	sb_init(&sb);
	sb_puts(&sb, "ztopo stamp 1\n");
	if (file_field(&sb, "binary", "/proc/self/exe") == -1)
		goto out;
	field(&sb, "target", ir->target, strlen(ir->target));
	field(&sb, "redact", eo->redact ? "1" : "0", 1);
	if (eo->smf_dtd != NULL && file_field(&sb, "dtd", eo->smf_dtd) == -1)
		goto out;
	sources(&sb, hash_new(a), top);
	lock_text(lk, &lt);
	field(&sb, "lock", lt.buf, lt.len);
	sb_free(&lt);
	for (i = 0; i < ir->nsecrets; i++) {
		const struct ir_secret *s = ir->secrets[i];

		field(&sb, "secret", s->name, strlen(s->name));
		if (s->value != NULL)
			field(&sb, "value", s->value, strlen(s->value));
		else
			field(&sb, "unset", "", 0);
	}
	sha256_hex(sb.buf, sb.len, hex);
	rc = 0;
out:
	sb_free(&sb);
	return rc;
}

void
stamp_add(struct outset *os, const char *inputs)
{
	struct strbuf sb;
	size_t i;

	out_sort(os);
	sb_init(&sb);
	sb_printf(&sb, "%s%s\n", STAMP_INPUTS, inputs);
	for (i = 0; i < os->files.n; i++) {
		const struct outfile *f = os->files.v[i];

		if (out_is_secret(f) && f->hash != NULL)
			sb_printf(&sb, "%s  %s\n", f->hash, f->path);
	}
	out_add(os, ART_TREE, STAMP_FILE, sb.buf, sb.len, 0600, 1);
	sb_free(&sb);
}
