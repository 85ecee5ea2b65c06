/*
 * diag.c -- located diagnostics.
 *
 *	In file included from examples/dev.zt:3:1:
 *	examples/openstack.zt:12:9: error: unknown network "admn"; did you mean "admin"?
 *	   12 |     nic admn;
 *	      |         ^~~~
 *
 * Every report is kept as data (struct diag_entry: level, location,
 * text, notes) and printed in one place, print_entry, as it comes: up
 * to max_errors errors, each identical report once; notes attached to a
 * report that was not printed are dropped with it.  Passes count their
 * own errors with diag_mark/diag_since, which count repeats too.
 * Nothing else in ztopo prints to stderr about the input.
 *
 * On a terminal the text is coloured as gcc colours it (d->color); with
 * --diagnostics=json each report is one line of JSON, its notes inside
 * it, printed once the next report (or the end) shows they are all in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ztopo.h"

static const char *const level_names[] = { "error", "warning", "note" };

/* SGR sequences, as gcc's defaults */
#define C_LOC		"\033[1m"
#define C_RESET		"\033[m"
static const char *const level_colors[] = {
	"\033[1;31m", "\033[1;35m", "\033[1;36m"
};
#define C_CARET		"\033[1;32m"

const char *const diag_class_names[W__COUNT] = {
	[W_UNUSED] = "unused",
	[W_UNPLACED] = "unplaced",
	[W_NO_CREDENTIAL] = "no-credential",
	[W_NO_ADMIN] = "no-admin",
	[W_EMPTY_SECRET] = "empty-secret",
	[W_SECRET_VARIABLE] = "secret-variable",
	[W_DEPRECATED] = "deprecated",
	[W_UNREADABLE_METADATA] = "unreadable-metadata",
	[W_DHCP_RESOLVERS] = "dhcp-resolvers",
	[W_SECRET_PAYLOAD] = "secret-payload",
};

struct diag_allow {
	const struct src	*src;
	int			 from, to;
	unsigned		 mask;
};

int
diag_class(const char *s)
{
	int i;

	for (i = 0; i < W__COUNT; i++)
		if (strcmp(diag_class_names[i], s) == 0)
			return i;
	return -1;
}

void
diag_allow(struct diag *d, const struct src *src, int from, int to,
    unsigned mask)
{
	struct diag_allow *al;

	if (d->arena == NULL) {
		d->arena = arena_new();
		d->seen = hash_new(d->arena);
	}
	al = arena_alloc(d->arena, sizeof(*al));
	al->src = src;
	al->from = from;
	al->to = to;
	al->mask = mask;
	vec_push(d->arena, &d->allows, al);
}

/* Is a warning of class CLS at L silenced by an `allow'? */
static int
allowed(const struct diag *d, int cls, struct loc l)
{
	size_t i;

	for (i = 0; l.src != NULL && i < d->allows.n; i++) {
		const struct diag_allow *al = d->allows.v[i];

		if (al->src == l.src && l.line >= al->from &&
		    l.line <= al->to && (al->mask & (1u << cls)))
			return 1;
	}
	return 0;
}

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

/* At most this many bytes of a source line are shown: a window around
 * the caret, marked with "..." where the line goes on. */
#define SHOW_MAX	200

static void
print_source(FILE *out, struct loc l, int color)
{
	const struct src *s = l.src;
	const char *line, *end;
	size_t n, i, col, from = 0, to;
	int width;

	if (l.line < 1 || (size_t)l.line > s->nlines)
		return;
	line = s->text + s->lines[l.line - 1];
	end = memchr(line, '\n', s->len - s->lines[l.line - 1]);
	n = end ? (size_t)(end - line) : strlen(line);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	col = (size_t)(l.col > 0 ? l.col - 1 : 0);
	if (col > n)
		col = n;
	if (n > SHOW_MAX && col > SHOW_MAX / 2)
		from = col - SHOW_MAX / 2;
	while (from > 0 && ((unsigned char)line[from] & 0xc0) == 0x80)
		from++;			/* not inside a UTF-8 character */
	to = from + SHOW_MAX < n ? from + SHOW_MAX : n;
	while (to < n && ((unsigned char)line[to] & 0xc0) == 0x80)
		to++;
	width = fprintf(out, "%5d", l.line);
	fputs(from > 0 ? " | ..." : " | ", out);
	for (i = from; i < to; i++)	/* control characters as blanks */
		fputc((unsigned char)line[i] < 0x20 && line[i] != '\t' ? ' ' :
		    line[i], out);
	fputs(to < n ? "...\n" : "\n", out);
	fprintf(out, "%*s | %s", width, "", from > 0 ? "   " : "");
	for (i = from; i < col; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputs(color ? C_CARET "^" : "^", out);
	for (i = 1; i < (size_t)l.len && col + i < to; i++)
		fputc('~', out);
	fputs(color ? C_RESET "\n" : "\n", out);
}

/* ---- JSON */

static json_t *
jloc(json_t *o, struct loc l)
{
	if (l.src == NULL) {
		json_object_set_new(o, "file", json_null());
		return o;
	}
	json_object_set_new(o, "file", json_string(l.src->path));
	json_object_set_new(o, "line", json_integer(l.line));
	json_object_set_new(o, "column", json_integer(l.col));
	json_object_set_new(o, "end_column",
	    json_integer(l.col + (l.len > 1 ? l.len : 1) - 1));
	return o;
}

/* The text as JSON: a string, with bytes that are not UTF-8 as U+FFFD. */
static json_t *
jtext(const char *s)
{
	json_t *j = json_string(s);
	char *t, *p;
	size_t n;

	if (j != NULL)
		return j;
	n = strlen(s);
	if ((t = malloc(n + 1)) == NULL)
		return json_string("?");
	memcpy(t, s, n + 1);
	for (p = t; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(t);
	free(t);
	return j;
}

static json_t *
jentry(const struct diag_entry *e)
{
	json_t *o = json_object();
	const char *dym;

	json_object_set_new(o, "level", json_string(e->as_error ? "error" :
	    level_names[e->level]));
	if (e->as_error)
		json_object_set_new(o, "werror", json_true());
	json_object_set_new(o, "message", jtext(e->text));
	if (e->level == DIAG_WARNING)
		json_object_set_new(o, "class",
		    json_string(diag_class_names[e->cls]));
	jloc(o, e->loc);
	/* the did-you-mean every suggesting message ends with */
	if ((dym = strstr(e->text, "did you mean \"")) != NULL) {
		const char *b = dym + 14, *q = strchr(b, '"');

		if (q != NULL) {
			char *sug = malloc((size_t)(q - b) + 1);

			if (sug != NULL) {
				memcpy(sug, b, (size_t)(q - b));
				sug[q - b] = '\0';
				json_object_set_new(o, "suggestion",
				    jtext(sug));
				free(sug);
			}
		}
	}
	return o;
}

static void
print_json(const struct diag *d, const struct diag_entry *e)
{
	json_t *o = jentry(e), *notes = json_array(), *chain = json_array();
	const struct loc *at;
	char *text;
	size_t i;

	if (e->loc.src != NULL)
		for (at = e->loc.src->included_at; at != NULL &&
		    at->src != NULL; at = at->src->included_at)
			json_array_append_new(chain, jloc(json_object(), *at));
	json_object_set_new(o, "included_from", chain);
	for (i = 0; i < e->notes.n; i++)
		json_array_append_new(notes, jentry(e->notes.v[i]));
	json_object_set_new(o, "notes", notes);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (text != NULL) {
		fputs(text, d->out);
		fputc('\n', d->out);
		free(text);
	}
	json_decref(o);
}

static void
flush_pending(struct diag *d)
{
	if (d->pending != NULL)
		print_json(d, d->pending);
	d->pending = NULL;
}

/* Print E, an error or warning or note, as gcc does; in JSON, keep it
 * until its notes are in. */
static void
print_entry(struct diag *d, struct diag_entry *e)
{
	enum diag_level lvl = e->as_error ? DIAG_ERROR : e->level;

	if (d->json) {
		if (e->level != DIAG_NOTE) {
			flush_pending(d);
			d->pending = e;
		}
		return;
	}
	if (e->loc.src != NULL) {
		if (e->level != DIAG_NOTE)
			print_chain(d->out, e->loc.src);
		fprintf(d->out, "%s%s:%d:%d:%s ", d->color ? C_LOC : "",
		    e->loc.src->path, e->loc.line, e->loc.col,
		    d->color ? C_RESET : "");
	} else
		fputs("ztopo: ", d->out);
	fprintf(d->out, "%s%s:%s %s%s%s%s%s\n", d->color ? level_colors[lvl] :
	    "", level_names[lvl], d->color ? C_RESET : "", e->text,
	    e->level == DIAG_WARNING ? " [" : "", e->level == DIAG_WARNING ?
	    diag_class_names[e->cls] : "", e->level == DIAG_WARNING ? "]" : "",
	    e->as_error ? " [-W]" : "");
	if (e->loc.src != NULL)
		print_source(d->out, e->loc, d->color);
}

/* A line of ztopo's own about the diagnostics (how many were not shown). */
static void
print_summary(struct diag *d, const char *text)
{
	struct diag_entry e;

	if (!d->json) {
		fprintf(d->out, "ztopo: %s\n", text);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.level = DIAG_NOTE;
	e.text = text;
	print_json(d, &e);
}

/*
 * Record one report.  Every error report counts in `raised', so a pass
 * that reports a problem again (a shared declaration, checked once per
 * target) still fails; only the first of identical reports (level,
 * place, text) counts in `errors' and is printed, up to max_errors.
 * Notes follow the fate of the report they belong to.
 */
void
diag_vreport(struct diag *d, enum diag_level lvl, struct loc l,
    const char *fmt, va_list ap)
{
	struct diag_entry *e;
	const char *key;
	char *text;
	int error = lvl == DIAG_ERROR || (lvl == DIAG_WARNING && d->werror);

	if (d->arena == NULL) {
		d->arena = arena_new();
		d->seen = hash_new(d->arena);
	}
	/* silenced where the .zt says so: not counted, not printed, and
	 * its notes go with it */
	if (lvl == DIAG_WARNING && allowed(d, d->cls, l)) {
		d->last = NULL;
		return;
	}
	if (lvl == DIAG_NOTE) {
		if (d->last == NULL)
			return;
	} else if (error)
		d->raised++;
	if (lvl != DIAG_NOTE)
		flush_pending(d);
	{
		va_list aq;
		int n;

		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
		text = arena_alloc(d->arena, (size_t)(n < 0 ? 0 : n) + 1);
		if (n > 0)
			vsnprintf(text, (size_t)n + 1, fmt, ap);
	}
	e = arena_alloc(d->arena, sizeof(*e));
	e->level = lvl;
	e->loc = l;
	e->text = text;
	e->as_error = lvl == DIAG_WARNING && d->werror;
	e->cls = lvl == DIAG_WARNING ? d->cls : -1;
	if (lvl == DIAG_NOTE) {
		vec_push(d->arena, &d->last->notes, e);
		print_entry(d, e);
		return;
	}
	key = arena_printf(d->arena, "%d:%p:%d:%d:%s", (int)lvl,
	    (const void *)l.src, l.line, l.col, text);
	d->last = NULL;
	if (!hash_put(d->seen, key, e))
		return;				/* a repeat */
	if (error) {
		d->errors++;
		if (d->printed_errors >= d->max_errors)
			return;
		d->printed_errors++;
	} else {
		d->warnings++;
		if (d->quiet_warnings)
			return;
		if (d->printed_warnings >= d->max_errors) {
			d->capped_warnings++;
			return;
		}
		d->printed_warnings++;
	}
	vec_push(d->arena, &d->entries, e);
	d->last = e;
	print_entry(d, e);
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
diag_warning(struct diag *d, enum diag_class cls, struct loc l,
    const char *fmt, ...)
{
	va_list ap;

	d->cls = cls;
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
	char text[64];

	flush_pending(d);
	if (d->errors > d->printed_errors) {
		snprintf(text, sizeof(text), "%d more error%s not shown",
		    d->errors - d->printed_errors,
		    d->errors - d->printed_errors == 1 ? "" : "s");
		print_summary(d, text);
	}
	if (d->capped_warnings > 0) {
		snprintf(text, sizeof(text), "%d more warning%s not shown",
		    d->capped_warnings, d->capped_warnings == 1 ? "" : "s");
		print_summary(d, text);
	}
	fflush(d->out);
	if (d->arena != NULL)
		arena_free(d->arena);
	d->arena = NULL;
	d->seen = NULL;
	d->last = NULL;
	memset(&d->entries, 0, sizeof(d->entries));
}

int
diag_failed(const struct diag *d)
{
	return d->raised > 0;
}

int
diag_mark(const struct diag *d)
{
	return d->raised;
}

int
diag_since(const struct diag *d, int mark)
{
	return d->raised - mark;
}
