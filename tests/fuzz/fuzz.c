/*
 * fuzz.c -- the libFuzzer target: the whole pipeline in memory on one
 * input -- load (no include reads a file), resolve, check, lower every
 * target, each backend's checks and emission (redacted: no secret is
 * needed), the plan, the graph and the IR as JSON.  An input holding a
 * line "%%lock" is a description, then a lock file (lock.c) that every
 * target's addresses are taken from.  Nothing is written to disk; diagnostics and printed output go to /dev/null.  Built and run by
 * `make fuzz` (tests/fuzz/run.sh); a short run is part of `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/backend.h"
#include "graph.h"
#include "lock.h"
#include "plan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *null;

static void
each_target(struct ir *ir, void *arg)
{
	struct diag *d = arg;
	struct emit_opts eo = { 1, NULL };
	struct outset os;
	struct plan *p;
	int mark = diag_mark(d);
	size_t i;

	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->check != NULL)
			backends[i]->check(ir, d);
	ir_print_json(ir, null);
	graph_print_dot(ir, null);
	if (diag_since(d, mark) > 0)
		return;
	out_init(&os, ir->arena);
	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->emit != NULL)
			backends[i]->emit(ir, &os, d, &eo);
	if (diag_since(d, mark) > 0)
		return;
	if ((p = plan_build(ir, &os, d)) != NULL) {
		plan_print_text(p, null);
		plan_print_json(p, null);
	}
	secrets_gitignore(&os);
	out_manifest(&os);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%lock\n";
	const char *text = (const char *)data, *cut = NULL;
	struct lock *lk = NULL;
	struct arena *a;
	struct ast_dir *top;
	struct diag d;
	size_t i, zlen = size;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	for (i = 0; i + sizeof(sep) - 1 <= size && cut == NULL; i++)
		if (memcmp(text + i, sep, sizeof(sep) - 1) == 0)
			cut = text + i;
	a = arena_new();
	diag_init(&d, null);
	if (cut != NULL) {
		zlen = (size_t)(cut - text);
		lk = lock_from_text(a, &d, "fuzz.lock", cut + sizeof(sep) - 1,
		    size - zlen - (sizeof(sep) - 1));
	}
	ast_load_text(a, &d, "fuzz.zt", text, zlen, &top);
	if (!diag_failed(&d)) {
		ir_build_each(a, &d, top, "*", lk, each_target, &d);
		if (lk != NULL)
			lock_changed(lk, null);
	}
	diag_finish(&d);
	arena_free(a);
	return 0;
}
