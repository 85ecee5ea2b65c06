/*
 * fuzz.c -- the libFuzzer target: the whole pipeline in memory on one
 * input -- load (no include reads a file), resolve, check, lower every
 * target, each backend's checks and emission (redacted: no secret is
 * needed), the plan, the graph and the IR as JSON.  Nothing is written to
 * disk; diagnostics and printed output go to /dev/null.  Built and run by
 * `make fuzz` (tests/fuzz/run.sh); a short run is part of `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../backends/backend.h"
#include "graph.h"
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
	struct arena *a;
	struct ast_dir *top;
	struct diag d;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	a = arena_new();
	diag_init(&d, null);
	ast_load_text(a, &d, "fuzz.zt", (const char *)data, size, &top);
	if (!diag_failed(&d))
		ir_build_each(a, &d, top, "*", NULL, each_target, &d);
	diag_finish(&d);
	arena_free(a);
	return 0;
}
