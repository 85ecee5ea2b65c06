/*
 * diag.c -- located diagnostics.
 *
 *	In file included from examples/dev.zt:3:1:
 *	examples/openstack.zt:12:9: error: unknown network "admn"; did you mean "admin"?
 *	   12 |     nic admn;
 *	      |         ^~~~
 *
 * Errors are counted and printed as they come, up to max_errors; notes
 * attached to an error that was not printed are dropped with it.  Nothing
 * else in ztopo prints to stderr about the input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ztopo.h"

void
diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->max_errors = 20;
	d->out = out;
}

static void
print_chain(FILE *out, const struct src *src)
{
	const struct loc *at;

	for (at = src->included_at; at != NULL && at->src != NULL;
	    at = at->src->included_at)
		fprintf(out, "In file included from %s:%d:%d:\n",
		    at->src->path, at->line, at->col);
}

static void
print_source(FILE *out, struct loc l)
{
	const struct src *s = l.src;
	const char *line, *end;
	size_t n, i, col;
	int width;

	if (l.line < 1 || (size_t)l.line > s->nlines)
		return;
	line = s->text + s->lines[l.line - 1];
	end = strchr(line, '\n');
	n = end ? (size_t)(end - line) : strlen(line);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	width = fprintf(out, "%5d", l.line);
	fputs(" | ", out);
	for (i = 0; i < n; i++)		/* control characters as blanks */
		fputc((unsigned char)line[i] < 0x20 && line[i] != '\t' ? ' ' :
		    line[i], out);
	fputc('\n', out);
	fprintf(out, "%*s | ", width, "");
	col = (size_t)(l.col > 0 ? l.col - 1 : 0);
	if (col > n)
		col = n;
	for (i = 0; i < col; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (i = 1; i < (size_t)l.len && col + i < n; i++)
		fputc('~', out);
	fputc('\n', out);
}

/* Has this very diagnostic (level, place, text) been reported before? */
static int
is_repeat(struct diag *d, enum diag_level lvl, struct loc l, const char *fmt,
    va_list ap)
{
	va_list aq;
	char msg[1024];
	const char *key;

	va_copy(aq, ap);
	vsnprintf(msg, sizeof(msg), fmt, aq);
	va_end(aq);
	if (d->seen == NULL) {
		d->seen_arena = arena_new();
		d->seen = hash_new(d->seen_arena);
	}
	key = arena_printf(d->seen_arena, "%d:%p:%d:%d:%s", (int)lvl,
	    (const void *)l.src, l.line, l.col, msg);
	d->duplicate = !hash_put(d->seen, key, (void *)1);
	return d->duplicate;
}

void
diag_vreport(struct diag *d, enum diag_level lvl, struct loc l,
    const char *fmt, va_list ap)
{
	static const char *names[] = { "error", "warning", "note" };

	if (lvl == DIAG_NOTE ? d->duplicate : is_repeat(d, lvl, l, fmt, ap))
		return;
	switch (lvl) {
	case DIAG_ERROR:
		d->errors++;
		if (d->printed_errors >= d->max_errors) {
			d->suppressed_note = 1;
			return;
		}
		d->printed_errors++;
		d->suppressed_note = 0;
		break;
	case DIAG_WARNING:
		if (d->werror) {
			d->errors++;
			if (d->printed_errors >= d->max_errors) {
				d->suppressed_note = 1;
				return;
			}
			d->printed_errors++;
		} else
			d->warnings++;
		d->suppressed_note = d->quiet_warnings && !d->werror;
		if (d->suppressed_note)
			return;
		break;
	case DIAG_NOTE:
		if (d->suppressed_note)
			return;
		break;
	}
	if (l.src != NULL) {
		if (lvl != DIAG_NOTE)
			print_chain(d->out, l.src);
		fprintf(d->out, "%s:%d:%d: ", l.src->path, l.line, l.col);
	} else
		fputs("ztopo: ", d->out);
	fprintf(d->out, "%s: ", lvl == DIAG_WARNING && d->werror ? "error" :
	    names[lvl]);
	vfprintf(d->out, fmt, ap);
	if (lvl == DIAG_WARNING && d->werror)
		fputs(" [-W]", d->out);
	fputc('\n', d->out);
	if (l.src != NULL)
		print_source(d->out, l);
}

void
diag_error(struct diag *d, struct loc l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_ERROR, l, fmt, ap);
	va_end(ap);
}

void
diag_warning(struct diag *d, struct loc l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_WARNING, l, fmt, ap);
	va_end(ap);
}

void
diag_note(struct diag *d, struct loc l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, DIAG_NOTE, l, fmt, ap);
	va_end(ap);
}

void
diag_finish(struct diag *d)
{
	if (d->errors > d->printed_errors)
		fprintf(d->out, "ztopo: %d more error%s not shown\n",
		    d->errors - d->printed_errors,
		    d->errors - d->printed_errors == 1 ? "" : "s");
	fflush(d->out);
	if (d->seen_arena != NULL)
		arena_free(d->seen_arena);
	d->seen_arena = NULL;
	d->seen = NULL;
}

int
diag_failed(const struct diag *d)
{
	return d->errors > 0;
}
