/*
 * fmt.c -- `ztopo fmt': one canonical layout of a .zt file, with its
 * comments where they were.  Not configurable; idempotent.
 *
 *  - a statement per line, indented four spaces per enclosing block;
 *    its words and values one space apart, lists as [a, b, c];
 *  - a block opens on its statement's line and closes on a line of its
 *    own, unless it was written on one line: then it stays on one line,
 *    as `host h1 { memory 8G; disk 1T; }';
 *  - a list written over several lines keeps its line breaks (after a
 *    comma), each continuation aligned after the '['; a statement's
 *    other values that start a line start one, indented one level more;
 *  - a comment on a line of its own stays on its own line, indented as
 *    the statement that follows it; one after code stays after that code,
 *    one space from it;
 *  - one blank line where the source had one or more between statements
 *    or comments, none at the start or end of a block or of the file;
 *    every line ends with LF, none with blanks.
 * Values are written as they were typed (escapes included), so the file
 * means the same: only blanks, line breaks and separators move.  The
 * file is parsed alone (an include is a statement like any other) and a
 * file with a syntax error is not touched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fmt.h"
#include "output.h"

struct fmt {
	struct strbuf		 sb;
	const struct src	*src;
	struct loc		**comments;
	size_t			 ncomments, next;	/* the next to place */
	int			 last;	/* source line of what was written last */
	int			 started;	/* something was written */
	int			 at_bol;	/* output at the start of a line */
	int			 block_start;	/* just after a '{' line */
};

static const char *
raw(const struct fmt *f, struct loc l, size_t *n)
{
	*n = (size_t)l.len;
	return f->src->text + f->src->lines[l.line - 1] + (size_t)(l.col - 1);
}

static int
before(struct loc a, struct loc b)
{
	return a.line < b.line || (a.line == b.line && a.col < b.col);
}

static void
newline(struct fmt *f)
{
	while (f->sb.len > 0 && f->sb.buf[f->sb.len - 1] == ' ')
		f->sb.len--;
	sb_putc(&f->sb, '\n');
	f->at_bol = 1;
}

static void
indent(struct fmt *f, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		sb_puts(&f->sb, "    ");
	f->at_bol = 0;
}

/* A statement or comment on its own line starts at source line LINE: a
 * blank line first if the source had one, but not at a block's start. */
static void
open_line(struct fmt *f, int line, int depth)
{
	if (!f->at_bol)
		newline(f);
	if (f->started && !f->block_start && line > f->last + 1)
		newline(f);
	indent(f, depth);
	f->started = 1;
	f->block_start = 0;
}

/* The comments before source position L: those on the line of what was
 * written last follow it; the others take lines of their own. */
static void
comments_before(struct fmt *f, struct loc l, int depth)
{
	while (f->next < f->ncomments && before(*f->comments[f->next], l)) {
		const struct loc *c = f->comments[f->next++];
		const char *t;
		size_t n;

		t = raw(f, *c, &n);
		if (f->started && c->line == f->last && !f->at_bol)
			sb_putc(&f->sb, ' ');
		else
			open_line(f, c->line, depth);
		sb_putn(&f->sb, t, n);
		newline(f);
		f->last = c->line;
	}
}

/* The column the output is at (0-based). */
static size_t
column(const struct fmt *f)
{
	size_t i = f->sb.len;

	while (i > 0 && f->sb.buf[i - 1] != '\n')
		i--;
	return f->sb.len - i;
}

static int
value_line(const struct ast_value *v)
{
	return v->kind == AV_LIST && v->nitems > 0 ? value_line(v->items[0]) :
	    v->loc.line;
}

static int
value_last_line(const struct ast_value *v)
{
	return v->kind == AV_LIST && v->nitems > 0 ?
	    value_last_line(v->items[v->nitems - 1]) : v->loc.line;
}

static struct loc
value_loc(const struct ast_value *v)
{
	return v->kind == AV_LIST && v->nitems > 0 ? value_loc(v->items[0]) :
	    v->loc;
}

static void
value(struct fmt *f, const struct ast_value *v, int depth)
{
	const char *t;
	size_t i, n, col;

	if (v->kind != AV_LIST) {
		comments_before(f, v->loc, depth + 1);
		if (f->at_bol)
			indent(f, depth + 1);
		t = raw(f, v->loc, &n);
		sb_putn(&f->sb, t, n);
		f->last = v->loc.line;
		return;
	}
	sb_putc(&f->sb, '[');
	col = column(f);
	for (i = 0; i < v->nitems; i++) {
		if (i > 0) {
			sb_putc(&f->sb, ',');
			if (value_line(v->items[i]) >
			    value_last_line(v->items[i - 1])) {
				size_t k;

				/* a comment after the comma stays there */
				comments_before(f, value_loc(v->items[i]),
				    depth + 1);
				if (!f->at_bol)
					newline(f);
				for (k = 0; k < col; k++)
					sb_putc(&f->sb, ' ');
				f->at_bol = 0;
			} else
				sb_putc(&f->sb, ' ');
		}
		value(f, v->items[i], depth);
	}
	sb_putc(&f->sb, ']');
}

static void stmt(struct fmt *, const struct ast_dir *, int, int);

static void
args(struct fmt *f, const struct ast_dir *d, int depth)
{
	const struct ast_value *v;

	for (v = d->args; v != NULL; v = v->next) {
		/* a statement written over several lines keeps its breaks:
		 * where a ';' is missing, the line break is what says so */
		if (value_line(v) > f->last) {
			comments_before(f, value_loc(v), depth + 1);
			if (!f->at_bol)
				newline(f);
			indent(f, depth + 1);
		} else
			sb_putc(&f->sb, ' ');
		value(f, v, depth);
	}
}

/* A statement, on a line of its own, or INLINE inside a one-line block. */
static void
stmt(struct fmt *f, const struct ast_dir *d, int depth, int inline_)
{
	const struct ast_dir *c;

	if (!inline_) {
		comments_before(f, d->loc, depth);
		open_line(f, d->loc.line, depth);
	} else
		sb_putc(&f->sb, ' ');
	sb_puts(&f->sb, d->name);
	f->last = d->loc.line;
	args(f, d, depth);
	if (!d->has_block) {
		sb_putc(&f->sb, ';');
		f->last = d->end.line;
		return;
	}
	sb_puts(&f->sb, " {");
	if (inline_ || d->open.line == d->end.line) {
		for (c = d->children; c != NULL; c = c->next)
			stmt(f, c, depth + 1, 1);
		sb_puts(&f->sb, d->children != NULL ? " }" : "}");
		f->last = d->end.line;
		return;
	}
	f->last = d->open.line;
	f->block_start = 1;
	for (c = d->children; c != NULL; c = c->next)
		stmt(f, c, depth + 1, 0);
	comments_before(f, d->end, depth + 1);
	f->block_start = 0;
	if (!f->at_bol)
		newline(f);
	indent(f, depth);
	sb_putc(&f->sb, '}');
	f->last = d->end.line;
}

/* The canonical text of S; NULL after a syntax error (reported). */
static char *
layout(struct arena *a, struct diag *d, struct src *s, size_t *len)
{
	struct fmt f;
	struct vec comments;
	struct ast_dir *top, *st;
	struct loc eof = { NULL, 1 << 30, 1, 1 };
	char *out;

	int mark = diag_mark(d);

	memset(&comments, 0, sizeof(comments));
	/* NULL is also an empty file: only this file's errors count */
	if ((top = ast_parse_alone(a, d, s, &comments)) == NULL &&
	    diag_since(d, mark) > 0)
		return NULL;
	memset(&f, 0, sizeof(f));
	sb_init(&f.sb);
	f.src = s;
	f.comments = (struct loc **)comments.v;
	f.ncomments = comments.n;
	f.at_bol = 1;
	for (st = top; st != NULL; st = st->next)
		stmt(&f, st, 0, 0);
	comments_before(&f, eof, 0);
	if (!f.at_bol)
		newline(&f);
	out = arena_strndup(a, f.sb.buf ? f.sb.buf : "", f.sb.len);
	*len = f.sb.len;
	sb_free(&f.sb);
	return out;
}

int
fmt_files(struct arena *a, struct diag *d, char *const *files, size_t n,
    int check, FILE *out)
{
	static char *const in[] = { "-" };
	int rc = FMT_SAME;
	size_t i;

	if (n == 0) {
		files = in;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		const char *path = files[i];
		int is_in = strcmp(path, "-") == 0;
		struct stat st;
		struct src *s;
		char *text;
		size_t len;

		if ((s = src_read(a, path, NULL)) == NULL) {
			fprintf(stderr, "ztopo: %s: %s\n", path,
			    src_strerror(errno));
			return FMT_ERROR;
		}
		if ((text = layout(a, d, s, &len)) == NULL) {
			rc = rc == FMT_ERROR ? rc : FMT_INPUT;
			continue;
		}
		if (is_in && !check) {
			if (fwrite(text, 1, len, out) != len)
				return FMT_ERROR;
			continue;
		}
		if (len == s->len && memcmp(text, s->text, len) == 0)
			continue;
		if (check) {
			fprintf(out, "%s\n", s->path);
			if (rc == FMT_SAME)
				rc = FMT_CHANGED;
			continue;
		}
		if (stat(path, &st) == -1) {
			fprintf(stderr, "ztopo: %s: %s\n", path,
			    strerror(errno));
			return FMT_ERROR;
		}
		if (write_atomic(a, path, text, len, st.st_mode & 07777) == -1)
			return FMT_ERROR;
	}
	return rc;
}
