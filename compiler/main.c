/*
 * main.c -- the ztopo command line.
 *
 *	ztopo check FILE [-t TARGET]
 *	ztopo ir FILE [-t TARGET]
 *	ztopo compile FILE [-t TARGET] (-o DIR [--check] | --zone Z [--host H])
 *	ztopo plan FILE [-t TARGET] [--format text|json]
 *	ztopo graph FILE [-t TARGET]
 *	ztopo diff FILE [-t TARGET] --live DIR [--format text|json] [-o OUT]
 *	ztopo lock FILE [-t TARGET] [--check]
 *	ztopo fmt [--check] [FILE...]
 *	ztopo secrets init FILE -o SECRETS
 *
 * Every command reads the description's lock file (lock.c); --frozen
 * makes a lock that would change exit 3.
 *
 * Exit status: 0 success, 1 errors in the input, 2 usage or system error,
 * 3 compile --check or lock --check found that the tree or the lock would
 * change, --frozen that the lock would, diff that a zone would.
 *
 * The command table at the end is the only list of commands: each names
 * the options it takes (any other is a usage error naming the command)
 * and how much of the pipeline it runs -- the front end only (ir, graph,
 * secrets), with every backend's located checks (check), or through
 * emission (compile, plan).  The usage text is printed from it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "../backends/vmadm.h"
#include "fmt.h"
#include "graph.h"
#include "lock.h"
#include "output.h"
#include "plan.h"
#include "secrets.h"
#include "stamp.h"

#define SYSTEM_SMF_DTD	"/usr/share/lib/xml/dtd/service_bundle.dtd.1"


static const char help_text[] =
"ztopo compiles one description of a SmartOS + OpenStack deployment (.zt\n"
"files) into what each machine of a target consumes.\n"
"\n"
"Commands:\n"
"  check FILE        check the description and every target (or -t TARGET)\n"
"  ir FILE           print the resolved model of a target as JSON\n"
"  compile FILE      generate the output tree of a target (-o DIR), or one\n"
"                    zone's vmadm payload on stdout (--zone)\n"
"  plan FILE         print the deployment steps of a target, in order\n"
"  graph FILE        print the services of a target as Graphviz DOT\n"
"  diff FILE --live DIR\n"
"                    compare every zone instance with the live state in\n"
"                    DIR/<host>.json (what `vmadm lookup -j' prints there):\n"
"                    create, unchanged, update, reboot, reprovision,\n"
"                    recreate or orphan, property by property\n"
"  fmt [FILE...]     lay out each FILE (or standard input, to standard\n"
"                    output) in ztopo's one canonical layout\n"
"  lock FILE         bring the lock file up to date with every target (or\n"
"                    -t TARGET), printing the lines added and removed\n"
"  secrets init FILE -o SECRETS\n"
"                    add a random value to the secrets file SECRETS for\n"
"                    every secret FILE declares that it lacks (mode 0600)\n"
"\n"
"FILE is - (or /dev/stdin) for standard input; its includes are then\n"
"relative to the current directory.\n"
"\n"
"Options (a command given an option it does not take exits 2):\n"
"  -t, --target NAME   the target to use; may be left out when the\n"
"                      description declares exactly one\n"
"  -o, --output DIR    compile: write the tree to DIR, replacing it\n"
"                      atomically; unchanged files keep their mtime;\n"
"                      diff: write the update payloads and diff.json to\n"
"                      the new directory DIR\n"
"      --check         compile: write nothing; exit 3 if DIR or the lock\n"
"                      would change; lock: exit 3 if the lock would change;\n"
"                      fmt: write nothing, list the files that would\n"
"                      change and exit 3 if any would\n"
"      --diff          compile --check: also show each change as diff -u\n"
"                      (files holding secrets are named, not shown)\n"
"      --zone ZONE     compile: print ZONE's vmadm payload on stdout\n"
"      --host HOST     compile: with --zone, the host of a replicated zone\n"
"      --secrets FILE  compile, diff: read secret values (name = value lines) from\n"
"                      FILE; ZTOPO_SECRET_<NAME> variables take precedence\n"
"      --redact        compile: write @@NAME@@ placeholders, not secrets\n"
"      --smf-dtd PATH  compile, plan: validate generated SMF manifests\n"
"                      against PATH\n"
"      --format FMT    plan, diff: text (default) or json\n"
"      --live DIR      diff: the live state, DIR/<host>.json per host\n"
"      --lock FILE     the lock file: the pool address each zone instance\n"
"                      holds (default: FILE with .zt replaced by .lock;\n"
"                      none for standard input)\n"
"      --frozen        exit 3 if the lock would change, before doing anything\n"
"  -W, --werror        treat warnings as errors\n"
"      --max-errors N  print at most N errors and N warnings (default 20)\n"
"      --diagnostics FMT  text (default), or json: one object per line\n"
"      --color WHEN    colour diagnostics: auto (a terminal, no NO_COLOR),\n"
"                      always or never (also spelt --colour)\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Exit status: 0 success, 1 errors in the input, 2 usage or system error,\n"
"3 compile --check, lock --check: the output tree or the lock would change;\n"
"diff: a zone would change;\n"
"--frozen: the lock would change.\n"
"See ztopo(1) and ztopo(5).\n";

struct opts {
	const char	*cmd;
	const char	*file;
	const char	*target;
	const char	*outdir;
	const char	*zone, *host;
	const char	*secrets;
	const char	*lock;		/* --lock, else beside FILE */
	const char	*live;		/* diff --live DIR */
	char *const	*files;		/* fmt */
	size_t		 nfiles;
	int		 frozen;
	int		 json;		/* plan --format json */
	int		 check;
	int		 diff;		/* --check --diff */
	int		 werror;
	int		 max_errors;
	struct emit_opts emit;
};

static void	print_usage(FILE *);

static int
usage(const char *fmt, const char *arg)
{
	if (fmt != NULL) {
		fputs("ztopo: ", stderr);
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
	print_usage(stderr);
	return EXIT_USAGE;
}

/* The backends' located checks, on every target's IR ("*": all of them). */
static void
check_backends(struct ir *ir, void *arg)
{
	struct diag *d = arg;
	size_t i;

	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->check != NULL) {
			/* a check keeps nothing but its diagnostics */
			struct arena_mark m = arena_mark(ir->arena);

			backends[i]->check(ir, d);
			arena_release(ir->arena, m);
		}
}

/* The lock of the description being built (build). */
static struct lock *the_lock;
/* ...and its syntax tree, whose locations name every source (stamp.c) */
static struct ast_dir *the_top;

/* Load and lower TARGET ("*": every target) with the description's lock,
 * running the backends' located checks on each IR where CHECKS; NULL
 * after errors (printed).  *status says which; --frozen and a lock that
 * would change is EXIT_CHANGED. */
static struct ir *
build(struct arena *a, struct diag *d, const struct opts *o,
    const char *target, int checks, int *status)
{
	struct ast_dir *top;
	struct ir *ir;
	const char *lp = o->lock != NULL ? o->lock :
	    lock_path_for(a, o->file);

	if (ast_load(a, d, o->file, &top) == -1) {
		*status = EXIT_USAGE;
		return NULL;
	}
	the_top = top;
	if ((the_lock = lock_read(a, d, lp)) == NULL) {
		*status = EXIT_USAGE;
		return NULL;
	}
	if (diag_failed(d)) {
		*status = EXIT_INPUT;
		return NULL;
	}
	ir = ir_build_each(a, d, top, target, the_lock,
	    checks ? check_backends : NULL, d);
	if (ir == NULL || diag_failed(d)) {
		/* an unknown or missing -t is a usage error, as an unknown
		 * --zone is */
		*status = d->cmdline ? EXIT_USAGE : EXIT_INPUT;
		return NULL;
	}
	if (o->frozen && lock_changed(the_lock, NULL)) {
		diag_finish(d);
		fprintf(stderr, "ztopo: %s would change, and --frozen forbids "
		    "it:\n", lp);
		lock_changed(the_lock, stderr);
		*status = EXIT_CHANGED;
		return NULL;
	}
	*status = EXIT_OK;
	return ir;
}

static int
cmd_check(struct arena *a, struct diag *d, const struct opts *o)
{
	int status;

	build(a, d, o, o->target ? o->target : "*", 1, &status);
	return status;
}

static int
cmd_ir(struct arena *a, struct diag *d, const struct opts *o)
{
	struct ir *ir;
	int status;

	if ((ir = build(a, d, o, o->target, 0, &status)) == NULL)
		return status;
	if (ir_print_json(ir, stdout) == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "ztopo: writing the IR: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int
emit_all(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	size_t i;

	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->emit != NULL) {
			/* what a backend keeps is in the set's own arena */
			struct arena_mark m = arena_mark(ir->arena);

			backends[i]->emit(ir, os, d, eo);
			arena_release(ir->arena, m);
		}
	return diag_failed(d) ? -1 : 0;
}

/* The warnings about the files a compile writes (or found current). */
static void
warn_all(const struct ir *ir, struct diag *d)
{
	size_t i;

	for (i = 0; backends[i] != NULL; i++)
		if (backends[i]->warn != NULL)
			backends[i]->warn(ir, d);
}

/* --zone needs only the secrets of that zone's payload; -1 if one lacks
 * a value (reported where the zone uses it).  REDACT: -1 if the payload
 * holds a secret at all -- piped to vmadm create, the zone would get the
 * @@NAME@@ placeholder as its value. */
static int
zone_secrets(struct arena *a, struct diag *d, const struct ir_zone *z,
    int redact)
{
	const struct ir_kv *kvs[3] = { z->metadata, z->internal_metadata,
	    z->tags };
	size_t nkvs[3] = { z->nmetadata, z->ninternal_metadata, z->ntags };
	size_t i, j;
	int missing = 0;

	for (i = 0; i < 3; i++)
		for (j = 0; j < nkvs[i]; j++) {
			const struct ir_value *v = &kvs[i][j].val;

			if (v->kind == IRV_SECRET && redact) {
				static const struct emit_opts ph = {
					.redact = 1
				};

				diag_error(d, v->loc, "zone \"%s\"'s payload "
				    "holds secret \"%s\": with --redact the "
				    "zone that vmadm creates from it would get "
				    "the placeholder %s as its value; give "
				    "the value (%s or --secrets) instead",
				    z->name, v->secret->name,
				    secret_text(a, v->secret, &ph),
				    secret_env_name(a, v->secret->name));
				missing = 1;
				continue;
			}
			if (v->kind != IRV_SECRET || v->secret->value != NULL)
				continue;
			diag_error(d, v->loc, "no value for secret \"%s\": set "
			    "%s, add \"%s = ...\" to a --secrets file, or "
			    "use --redact", v->secret->name,
			    secret_env_name(a, v->secret->name),
			    v->secret->name);
			missing = 1;
		}
	return missing ? -1 : 0;
}

static int
print_zone(struct arena *a, struct diag *d, const struct ir *ir,
    const struct outset *os, const struct opts *o)
{
	const struct ir_zinst *zi = NULL;
	const struct outfile *f;
	struct strbuf sb;
	size_t i, n = 0;
	const char *hosts;

	sb_init(&sb);		/* the hosts it is on, for the messages */
	for (i = 0; i < ir->nzinsts; i++) {
		const struct ir_zinst *z = ir->zinsts[i];

		if (strcmp(z->zone->name, o->zone) != 0)
			continue;
		sb_printf(&sb, "%s%s", n ? ", " : "", z->host->name);
		n++;
		if (o->host == NULL || strcmp(z->host->name, o->host) == 0)
			zi = z;
	}
	hosts = arena_strndup(a, sb.buf != NULL ? sb.buf : "", sb.len);
	sb_free(&sb);
	if (n == 0) {
		const char **names = arena_alloc(a,
		    (ir->nzones + 1) * sizeof(*names));
		const char *s;

		for (i = 0; i < ir->nzones; i++)
			if (strcmp(ir->zones[i]->name, o->zone) == 0)
				break;
			else
				names[i] = ir->zones[i]->name;
		if (i < ir->nzones)
			fprintf(stderr, "ztopo: zone \"%s\" is not placed by "
			    "target \"%s\"\n", o->zone, ir->target);
		else if ((s = suggest(o->zone, names, ir->nzones)) != NULL)
			fprintf(stderr, "ztopo: unknown zone \"%s\"; did you "
			    "mean \"%s\"?\n", o->zone, s);
		else
			fprintf(stderr, "ztopo: unknown zone \"%s\"\n",
			    o->zone);
		return EXIT_USAGE;
	}
	if (o->host != NULL && zi == NULL) {
		fprintf(stderr, "ztopo: zone \"%s\" is not placed on host "
		    "\"%s\" (it is on: %s)\n", o->zone, o->host, hosts);
		return EXIT_USAGE;
	}
	if (o->host == NULL && n > 1) {
		fprintf(stderr, "ztopo: zone \"%s\" has %zu instances; choose "
		    "one with --host (%s)\n", o->zone, n, hosts);
		return EXIT_USAGE;
	}
	for (f = NULL, i = 0; i < os->files.n && f == NULL; i++) {
		const struct outfile *af = os->files.v[i];

		if (af->kind == ART_PAYLOAD && af->zinst == zi)
			f = af;
	}
	if (f == NULL) {
		fprintf(stderr, "ztopo: no vmadm payload was generated for "
		    "zone \"%s\"\n", o->zone);
		return EXIT_USAGE;
	}
	if (zone_secrets(a, d, zi->zone, o->emit.redact) == -1)
		return EXIT_INPUT;
	if (fwrite(f->data, 1, f->len, stdout) != f->len ||
	    fflush(stdout) == EOF) {
		fprintf(stderr, "ztopo: writing stdout: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* --check: "new LOCK" or "changed LOCK" on stdout, with the lines as
 * +/- under --diff; 1 if it would change. */
static int
lock_report(struct lock *lk, int diff)
{
	struct stat st;

	if (!lock_changed(lk, NULL))
		return 0;
	printf("%s %s\n", stat(lock_path(lk), &st) == 0 ? "changed" : "new",
	    lock_path(lk));
	if (diff)
		lock_changed(lk, stdout);
	return 1;
}

static int
cmd_compile(struct arena *a, struct diag *d, const struct opts *o)
{
	struct outset os;
	struct ir *ir;
	char stamp[65] = "-";	/* "-": no fingerprint, never current */
	int status, rc, lock_changed_report = 0;

	if (o->outdir == NULL && o->zone == NULL)
		return usage("compile needs -o DIR or --zone ZONE", NULL);
	if (o->outdir != NULL && o->zone != NULL)
		return usage("-o and --zone cannot be used together", NULL);
	if (o->check && o->outdir == NULL)
		return usage("--check needs -o DIR", NULL);
	if (o->diff && !o->check)
		return usage("--diff needs --check", NULL);
	if (o->host != NULL && o->zone == NULL)
		return usage("--host needs --zone", NULL);
	if ((ir = build(a, d, o, o->target, 1, &status)) == NULL)
		return status;
	/* --zone: only the chosen zone's secrets are needed (print_zone) */
	if (secrets_load(a, d, ir, o->secrets, o->emit.redact ||
	    o->zone != NULL) == -1)
		return diag_failed(d) ? EXIT_INPUT : EXIT_USAGE;
	out_init(&os, a);
	os.redacted = o->emit.redact;
	os.diff = o->diff;
	/* -o: each file goes to the tree as it is made, not kept */
	if (o->outdir != NULL && out_open_tree(&os, o->outdir, o->check,
	    stdout) == -1)
		return EXIT_USAGE;
	/* the tree is what these inputs make: nothing to generate */
	if (o->outdir != NULL && stamp_inputs(a, the_top, the_lock, ir,
	    &o->emit, stamp) == 0 && out_tree_current(&os, stamp)) {
		warn_all(ir, d);
		goto lock;
	}
	/* --zone writes no file: warnings about written files are noise */
	d->quiet_warnings = o->zone != NULL;
	rc = emit_all(ir, &os, d, &o->emit);
	if (rc == 0)
		warn_all(ir, d);
	d->quiet_warnings = 0;
	if (rc == -1) {
		if (o->outdir != NULL)
			out_close_tree(&os, 0);
		return EXIT_INPUT;
	}
	if (o->zone != NULL)
		return print_zone(a, d, ir, &os, o);
	stamp_add(&os, stamp);
	secrets_gitignore(&os);
	out_manifest(&os);
lock:
	/* the lock first: the tree never holds an address it does not */
	if (o->check)
		lock_changed_report = lock_report(the_lock, o->diff);
	else if (lock_write(the_lock) == -1) {
		out_close_tree(&os, 0);
		return EXIT_USAGE;
	}
	rc = out_close_tree(&os, 1);
	if (rc == -1)
		return EXIT_USAGE;
	return rc == 1 || lock_changed_report ? EXIT_CHANGED : EXIT_OK;
}

/* secrets init FILE -o SECRETS (the subcommand is checked in main) */
static int
cmd_secrets(struct arena *a, struct diag *d, const struct opts *o)
{
	struct ir *ir;
	int status;

	if (o->outdir == NULL)
		return usage("secrets init needs -o SECRETS", NULL);
	if ((ir = build(a, d, o, o->target ? o->target : "*", 0, &status)) ==
	    NULL)
		return status;
	if (secrets_init(a, d, ir, o->file, o->outdir, stdout) == -1)
		return diag_failed(d) ? EXIT_INPUT : EXIT_USAGE;
	return EXIT_OK;
}

/* fmt [--check] [FILE...]: the canonical layout */
static int
cmd_fmt(struct arena *a, struct diag *d, const struct opts *o)
{
	switch (fmt_files(a, d, o->files, o->nfiles, o->check, stdout)) {
	case FMT_SAME:
		return EXIT_OK;
	case FMT_CHANGED:
		return o->check ? EXIT_CHANGED : EXIT_OK;
	case FMT_INPUT:
		return EXIT_INPUT;
	default:
		return EXIT_USAGE;
	}
}

/* lock FILE [--check]: bring the lock up to date with every target (or
 * -t TARGET); the lines added and removed are printed. */
static int
cmd_lock(struct arena *a, struct diag *d, const struct opts *o)
{
	int status;

	if (lock_path_for(a, o->file) == NULL && o->lock == NULL)
		return usage("lock: standard input has no lock file; name one "
		    "with --lock", NULL);
	if (build(a, d, o, o->target ? o->target : "*", 1, &status) == NULL)
		return status;
	if (!lock_changed(the_lock, stdout))
		return EXIT_OK;
	if (o->check)
		return EXIT_CHANGED;
	return lock_write(the_lock) == -1 ? EXIT_USAGE : EXIT_OK;
}

/* The files a compile would write, with placeholders for secrets: plan
 * describes them, and needs no secret value. */
static int
emit_redacted(const struct ir *ir, struct outset *os, struct diag *d,
    const struct opts *o)
{
	struct emit_opts eo = o->emit;
	int rc;

	eo.redact = 1;
	out_init(os, ir->arena);
	d->quiet_warnings = 1;
	rc = emit_all(ir, os, d, &eo);
	d->quiet_warnings = 0;
	return rc;
}

static int
cmd_plan(struct arena *a, struct diag *d, const struct opts *o)
{
	struct outset os;
	struct plan *p;
	struct ir *ir;
	int status, rc;

	if ((ir = build(a, d, o, o->target, 1, &status)) == NULL)
		return status;
	if (emit_redacted(ir, &os, d, o) == -1 ||
	    (p = plan_build(ir, &os, d)) == NULL)
		return EXIT_INPUT;
	rc = o->json ? plan_print_json(p, stdout) : plan_print_text(p, stdout);
	if (rc == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "ztopo: writing the plan: %s\n",
		    strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* diff FILE --live DIR [-o OUT]: the zones against vmadm's live state */
static int
cmd_diff(struct arena *a, struct diag *d, const struct opts *o)
{
	struct ir *ir;
	size_t i;
	int status, rc, missing = 0;

	if (o->live == NULL)
		return usage("diff needs --live DIR (DIR/<host>.json: what "
		    "`vmadm lookup -j' prints on each host)", NULL);
	if ((ir = build(a, d, o, o->target, 1, &status)) == NULL)
		return status;
	if (secrets_load(a, d, ir, o->secrets, 1) == -1)
		return diag_failed(d) ? EXIT_INPUT : EXIT_USAGE;
	/* the payloads are compared with real values: each secret in them
	 * needs one */
	for (i = 0; i < ir->nzones; i++)
		if (ir->zones[i]->ninstances > 0 &&
		    zone_secrets(a, d, ir->zones[i], 0) == -1)
			missing = 1;
	if (missing)
		return EXIT_INPUT;
	rc = vmadm_diff(a, d, ir, &o->emit, o->live, o->outdir, o->json,
	    stdout);
	if (rc >= 0 && fflush(stdout) == EOF) {
		fprintf(stderr, "ztopo: writing the diff: %s\n",
		    strerror(errno));
		return EXIT_USAGE;
	}
	return rc == -1 ? EXIT_INPUT : rc == -2 ? EXIT_USAGE : rc == 1 ?
	    EXIT_CHANGED : EXIT_OK;
}

static int
cmd_graph(struct arena *a, struct diag *d, const struct opts *o)
{
	struct ir *ir;
	int status;

	if ((ir = build(a, d, o, o->target, 0, &status)) == NULL)
		return status;
	if (graph_print_dot(ir, stdout) == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "ztopo: writing the graph: %s\n",
		    strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The options, as bits of a command's `takes'. */
enum {
	O_TARGET	= 1u << 0,
	O_OUTPUT	= 1u << 1,
	O_CHECK		= 1u << 2,
	O_ZONE		= 1u << 3,
	O_HOST		= 1u << 4,
	O_SMF_DTD	= 1u << 5,
	O_SECRETS	= 1u << 6,
	O_REDACT	= 1u << 7,
	O_FORMAT	= 1u << 8,
	O_WERROR	= 1u << 9,
	O_MAX_ERRORS	= 1u << 10,
	O_DIFF		= 1u << 11,
	O_LOCK		= 1u << 12,
	O_FROZEN	= 1u << 13,
	O_LIVE		= 1u << 14,
	O_COMMON	= O_TARGET | O_WERROR | O_MAX_ERRORS | O_LOCK | O_FROZEN
};

static const struct command {
	const char	*name;
	const char	*sub;		/* a required subcommand, or NULL */
	const char	*usage[2];	/* after "ztopo NAME [SUB] " */
	unsigned	 takes;		/* O_*: the options it accepts */
	int		(*fn)(struct arena *, struct diag *, const struct opts *);
} commands[] = {
	{ "check", NULL, { "FILE [-t TARGET] [-W]" }, O_COMMON, cmd_check },
	{ "ir", NULL, { "FILE [-t TARGET]" }, O_COMMON, cmd_ir },
	{ "compile", NULL, { "FILE [-t TARGET] -o DIR [--check [--diff]] "
	    "[--secrets F] [--redact]", "FILE [-t TARGET] --zone ZONE [--host HOST]" },
	    O_COMMON | O_OUTPUT | O_CHECK | O_ZONE | O_HOST | O_SMF_DTD |
	    O_SECRETS | O_REDACT | O_DIFF, cmd_compile },
	{ "plan", NULL, { "FILE [-t TARGET] [--format text|json]" },
	    O_COMMON | O_FORMAT | O_SMF_DTD, cmd_plan },
	{ "graph", NULL, { "FILE [-t TARGET]" }, O_COMMON, cmd_graph },
	{ "diff", NULL, { "FILE [-t TARGET] --live DIR [--format text|json] "
	    "[-o OUT] [--secrets F]" }, O_COMMON | O_LIVE | O_FORMAT |
	    O_OUTPUT | O_SECRETS, cmd_diff },
	{ "lock", NULL, { "FILE [-t TARGET] [--check]" }, O_COMMON | O_CHECK,
	    cmd_lock },
	{ "fmt", NULL, { "[--check] [FILE...]" }, O_CHECK | O_WERROR |
	    O_MAX_ERRORS, cmd_fmt },
	{ "secrets", "init", { "FILE -o SECRETS" }, O_COMMON | O_OUTPUT,
	    cmd_secrets },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
print_usage(FILE *fp)
{
	const char *lead = "usage:";
	size_t i, j;

	for (i = 0; i < NCOMMANDS; i++)
		for (j = 0; j < 2 && commands[i].usage[j] != NULL; j++) {
			fprintf(fp, "%-6s ztopo %s%s%s %s\n", lead,
			    commands[i].name, commands[i].sub ? " " : "",
			    commands[i].sub ? commands[i].sub : "",
			    commands[i].usage[j]);
			lead = "";
		}
	fprintf(fp, "%-6s ztopo --help | --version\n", lead);
}

/* "compile and secrets": the commands that take option BIT. */
static const char *
takers(struct arena *a, unsigned bit)
{
	const char *out = "";
	size_t i, n = 0, k = 0;

	for (i = 0; i < NCOMMANDS; i++)
		n += (commands[i].takes & bit) != 0;
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].takes & bit) {
			out = arena_printf(a, "%s%s%s", out, k == 0 ? "" :
			    k + 1 == n ? " and " : ", ", commands[i].name);
			k++;
		}
	return out;
}

enum { OPT_CHECK = 256, OPT_ZONE, OPT_HOST, OPT_SMF_DTD, OPT_MAX_ERRORS,
	OPT_SECRETS, OPT_REDACT, OPT_FORMAT, OPT_DIAGNOSTICS, OPT_COLOR,
	OPT_DIFF, OPT_LOCK, OPT_FROZEN, OPT_LIVE };

/* getopt's value of each option -> its bit and its name in messages */
static const struct {
	int		 val;
	unsigned	 bit;
	const char	*name;
} optbits[] = {
	{ 't', O_TARGET, "--target" },
	{ 'o', O_OUTPUT, "--output" },
	{ OPT_CHECK, O_CHECK, "--check" },
	{ OPT_ZONE, O_ZONE, "--zone" },
	{ OPT_HOST, O_HOST, "--host" },
	{ OPT_SMF_DTD, O_SMF_DTD, "--smf-dtd" },
	{ OPT_SECRETS, O_SECRETS, "--secrets" },
	{ OPT_REDACT, O_REDACT, "--redact" },
	{ OPT_DIFF, O_DIFF, "--diff" },
	{ OPT_LOCK, O_LOCK, "--lock" },
	{ OPT_FROZEN, O_FROZEN, "--frozen" },
	{ OPT_LIVE, O_LIVE, "--live" },
	{ OPT_FORMAT, O_FORMAT, "--format" },
	{ 'W', O_WERROR, "--werror" },
	{ OPT_MAX_ERRORS, O_MAX_ERRORS, "--max-errors" },
};
#define NOPTBITS	(sizeof(optbits) / sizeof(optbits[0]))

/* --color=WHEN: auto is a terminal that is not dumb, without NO_COLOR */
static int
want_color(const char *when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (strcmp(when, "auto") != 0)
		return strcmp(when, "always") == 0;
	return isatty(STDERR_FILENO) && (nc == NULL || *nc == '\0') &&
	    term != NULL && strcmp(term, "dumb") != 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "smf-dtd", required_argument, NULL, OPT_SMF_DTD },
		{ "secrets", required_argument, NULL, OPT_SECRETS },
		{ "redact", no_argument, NULL, OPT_REDACT },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "lock", required_argument, NULL, OPT_LOCK },
		{ "frozen", no_argument, NULL, OPT_FROZEN },
		{ "live", required_argument, NULL, OPT_LIVE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "werror", no_argument, NULL, 'W' },
		{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
		{ "diagnostics", required_argument, NULL, OPT_DIAGNOSTICS },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd = NULL;
	const char *format = NULL, *color = "auto";
	unsigned given = 0;
	int json_diags = 0;
	struct opts o;
	struct arena *a;
	struct diag d;
	char *end;
	size_t i;
	int c, rc;

	/* stderr is unbuffered: a diagnostic would be a write per byte */
	setvbuf(stderr, NULL, _IOLBF, 0);
	memset(&o, 0, sizeof(o));
	o.max_errors = 20;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:o:WhV", longopts, NULL)) != -1) {
		for (i = 0; i < NOPTBITS; i++)
			if (optbits[i].val == c)
				given |= optbits[i].bit;
		switch (c) {
		case 't':
			o.target = optarg;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case OPT_CHECK:
			o.check = 1;
			break;
		case OPT_ZONE:
			o.zone = optarg;
			break;
		case OPT_HOST:
			o.host = optarg;
			break;
		case OPT_SMF_DTD:
			o.emit.smf_dtd = optarg;
			break;
		case OPT_SECRETS:
			o.secrets = optarg;
			break;
		case OPT_REDACT:
			o.emit.redact = 1;
			break;
		case OPT_DIFF:
			o.diff = 1;
			break;
		case OPT_LOCK:
			o.lock = optarg;
			break;
		case OPT_FROZEN:
			o.frozen = 1;
			break;
		case OPT_LIVE:
			o.live = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'W':
			o.werror = 1;
			break;
		case OPT_MAX_ERRORS:
			errno = 0;
			o.max_errors = (int)strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || o.max_errors < 1)
				return usage("--max-errors: not a positive "
				    "number: %s", optarg);
			break;
		case OPT_DIAGNOSTICS:
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0)
				return usage("--diagnostics: \"%s\" is neither "
				    "text nor json", optarg);
			json_diags = strcmp(optarg, "json") == 0;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0)
				return usage("--color: \"%s\" is not auto, "
				    "always or never", optarg);
			color = optarg;
			break;
		case 'h':
			print_usage(stdout);
			fputc('\n', stdout);
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'V':
			printf("ztopo %s\n", ZTOPO_VERSION);
			return EXIT_OK;
		case ':':
			return usage("option %s needs an argument",
			    argv[optind - 1]);
		default:
			return usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage(NULL, NULL);
	o.cmd = argv[optind++];
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, o.cmd) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		const char *names[NCOMMANDS];
		const char *s;

		for (i = 0; i < NCOMMANDS; i++)
			names[i] = commands[i].name;
		s = suggest(o.cmd, names, i);

		if (s != NULL) {
			fprintf(stderr, "ztopo: unknown command \"%s\"; did you "
			    "mean \"%s\"?\n", o.cmd, s);
			print_usage(stderr);
			return EXIT_USAGE;
		}
		return usage("unknown command \"%s\"", o.cmd);
	}
	/* an option the command does not take is an error, never ignored;
	 * each one is named */
	if (given & ~cmd->takes) {
		a = arena_new();
		for (i = 0; i < NOPTBITS; i++)
			if (given & ~cmd->takes & optbits[i].bit)
				fprintf(stderr, "ztopo: %s is an option of %s, "
				    "not of %s\n", optbits[i].name,
				    takers(a, optbits[i].bit), cmd->name);
		arena_free(a);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (format != NULL) {
		if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
			return usage("--format: \"%s\" is neither text nor "
			    "json", format);
		o.json = strcmp(format, "json") == 0;
	}
	if (cmd->sub != NULL) {
		if (optind >= argc || strcmp(argv[optind], cmd->sub) != 0) {
			fprintf(stderr, "ztopo: %s: the only subcommand is "
			    "\"%s\"\n", cmd->name, cmd->sub);
			print_usage(stderr);
			return EXIT_USAGE;
		}
		optind++;
	}
	if (cmd->fn == cmd_fmt) {
		o.files = argv + optind;
		o.nfiles = (size_t)(argc - optind);
		o.file = "-";
	} else {
		if (optind >= argc)
			return usage("%s: no input file", o.cmd);
		o.file = argv[optind++];
		if (optind < argc)
			return usage("unexpected argument \"%s\"",
			    argv[optind]);
	}
	if (o.emit.smf_dtd != NULL) {
		struct stat st;
		int e = 0;

		if (stat(o.emit.smf_dtd, &st) == -1 ||
		    access(o.emit.smf_dtd, R_OK) == -1)
			e = errno;
		else if (S_ISDIR(st.st_mode))
			e = EISDIR;
		else if (!S_ISREG(st.st_mode))	/* a FIFO would hang libxml2 */
			e = ENODEV;
		else if (st.st_size > SRC_MAX)
			e = EFBIG;
		if (e != 0) {
			fprintf(stderr, "ztopo: --smf-dtd %s: %s\n",
			    o.emit.smf_dtd, src_strerror(e));
			return EXIT_USAGE;
		}
	}
	/* on SmartOS the system's own DTD is there: always validate */
	if (o.emit.smf_dtd == NULL && access(SYSTEM_SMF_DTD, R_OK) == 0)
		o.emit.smf_dtd = SYSTEM_SMF_DTD;

	a = arena_new();
	diag_init(&d, stderr);
	d.json = json_diags;
	d.color = !d.json && want_color(color);
	d.werror = o.werror;
	d.max_errors = o.max_errors;
	rc = cmd->fn(a, &d, &o);
	diag_finish(&d);
	arena_free(a);
	return rc;
}
