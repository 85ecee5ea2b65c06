/*
 * plan_print.c -- the plan as text for people and as JSON for scripts
 * (sorted keys, trailing newline), and the one-line titles the playbook
 * names its tasks with.  The order itself is plan.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output.h"
#include "plan.h"

static const char *const action_names[PLAN__COUNT] = {
	[PLAN_IMAGE] = "import-image",
	[PLAN_ZONE] = "create-zone",
	[PLAN_CONFIG] = "install-config",
	[PLAN_MANIFEST] = "import-manifest",
	[PLAN_START] = "start-service",
	[PLAN_GRANTS] = "apply-grants",
	[PLAN_RABBITMQ] = "setup-rabbitmq",
	[PLAN_DBSYNC] = "sync-database",
	[PLAN_RUN] = "run-script",
	[PLAN_DISCOVER] = "discover-hosts",
};

const char *
plan_action_name(enum plan_action a)
{
	return action_names[a];
}

static const char *
where(struct arena *a, const struct plan_step *s)
{
	if (s->zone == NULL)
		return "in the global zone";
	return arena_printf(a, "in zone %s", s->zone->zone->name);
}

const char *
plan_step_title(struct arena *a, const struct plan_step *s)
{
	const char *svc = s->sinst ? s->sinst->service->name : "";

	switch (s->action) {
	case PLAN_IMAGE:
		return arena_printf(a, "import image %s", s->image->name);
	case PLAN_ZONE:
		return arena_printf(a, "create zone %s",
		    s->zone->zone->name);
	case PLAN_CONFIG:
		return arena_printf(a, "install %s %s",
		    strrchr(s->file->path, '/') + 1, where(a, s));
	case PLAN_MANIFEST:
		return arena_printf(a, "import the manifest of %s %s", svc,
		    where(a, s));
	case PLAN_START:
		return arena_printf(a, "start %s %s", svc, where(a, s));
	case PLAN_GRANTS:
		return arena_printf(a, "apply the MySQL grants %s",
		    where(a, s));
	case PLAN_RABBITMQ:
		return arena_printf(a, "set up RabbitMQ %s", where(a, s));
	case PLAN_DBSYNC:
		return arena_printf(a, "prepare the database of %s %s", svc,
		    where(a, s));
	case PLAN_RUN:
		return arena_printf(a, "%s %s", s->file->title, where(a, s));
	case PLAN_DISCOVER:
		return arena_printf(a, "map the compute hosts to cells %s",
		    where(a, s));
	case PLAN__COUNT:
		break;
	}
	return "";
}

/* What the step works with: an artifact, an FMRI, an image uuid. */
static const char *
step_detail(struct arena *a, const struct plan_step *s)
{
	switch (s->action) {
	case PLAN_IMAGE:
		return s->image->uuid;
	case PLAN_ZONE:
		return s->file ? s->file->path : "(no vmadm payload generated)";
	case PLAN_CONFIG:
	case PLAN_GRANTS:
	case PLAN_RABBITMQ:
	case PLAN_RUN:
		return arena_printf(a, "%s -> %s", s->file->path, s->dest);
	case PLAN_DBSYNC:
	case PLAN_DISCOVER:
		return s->command;
	case PLAN_MANIFEST:
		return arena_printf(a, "%s -> %s", s->file->path, s->dest);
	case PLAN_START:
		return s->fmri;
	case PLAN__COUNT:
		break;
	}
	return "";
}

int
plan_print_text(const struct plan *p, FILE *fp)
{
	struct arena *a = p->ir->arena;
	const char **title, **detail;
	size_t i, nzones = 0, nglobal = 0;
	int wnum = 1, whost = 0, wtitle = 0, stage = 0, n;

	for (i = 0; i < p->ir->nhosts; i++) {
		nzones += p->ir->hosts[i]->nzones;
		nglobal += p->ir->hosts[i]->nglobal > 0;
	}
	for (n = (int)p->nsteps; n >= 10; n /= 10)
		wnum++;
	title = arena_alloc(a, (p->nsteps + 1) * sizeof(*title));
	detail = arena_alloc(a, (p->nsteps + 1) * sizeof(*detail));
	for (i = 0; i < p->nsteps; i++) {
		const struct plan_step *s = p->steps[i];

		title[i] = plan_step_title(a, s);
		detail[i] = step_detail(a, s);
		if ((int)strlen(s->host->name) > whost)
			whost = (int)strlen(s->host->name);
		if ((int)strlen(title[i]) > wtitle)
			wtitle = (int)strlen(title[i]);
	}
	fprintf(fp, "# deployment plan of target %s (OpenStack %s): %zu "
	    "host%s, %zu zone%s, %zu global zone%s with services, %zu "
	    "step%s in %d stage%s\n", p->ir->target,
	    release_name(p->ir->release), p->ir->nhosts,
	    p->ir->nhosts == 1 ? "" : "s", nzones, nzones == 1 ? "" : "s",
	    nglobal, nglobal == 1 ? "" : "s", p->nsteps,
	    p->nsteps == 1 ? "" : "s", p->nstages, p->nstages == 1 ? "" : "s");
	fputs("# Run the steps in order.  A stage needs only the stages "
	    "before it, so the\n# hosts of one stage may run their steps "
	    "at the same time.  Paths on the\n# left are in the output "
	    "tree, on the right inside the zone.\n", fp);
	for (i = 0; i < p->nsteps; i++) {
		const struct plan_step *s = p->steps[i];

		if (s->stage != stage) {
			stage = s->stage;
			fprintf(fp, "\nstage %d%s\n", stage,
			    s->action == PLAN_IMAGE ? ": images" : "");
		}
		fprintf(fp, "  %*d  %-*s  %-*s  %s\n", wnum, s->num, whost,
		    s->host->name, wtitle, title[i], detail[i]);
	}
	if (ferror(fp))
		return -1;
	return 0;
}

int
plan_print_json(const struct plan *p, FILE *fp)
{
	json_t *root = json_object(), *steps = json_array();
	size_t i, j;
	char *text;
	int rc = 0;

	json_object_set_new(root, "target", json_string(p->ir->target));
	json_object_set_new(root, "release",
	    json_string(release_name(p->ir->release)));
	json_object_set_new(root, "stages", json_integer(p->nstages));
	for (i = 0; i < p->nsteps; i++) {
		const struct plan_step *s = p->steps[i];
		json_t *o = json_object(), *after = json_array();

		json_object_set_new(o, "step", json_integer(s->num));
		json_object_set_new(o, "stage", json_integer(s->stage));
		json_object_set_new(o, "action",
		    json_string(plan_action_name(s->action)));
		json_object_set_new(o, "title",
		    json_string(plan_step_title(p->ir->arena, s)));
		json_object_set_new(o, "host", json_string(s->host->name));
		if (s->action != PLAN_IMAGE)
			json_object_set_new(o, "zone", json_string(s->zone ?
			    s->zone->zone->name : "global"));
		if (s->sinst != NULL && s->action != PLAN_CONFIG)
			json_object_set_new(o, "service",
			    json_string(s->sinst->service->name));
		if (s->image != NULL) {
			json_object_set_new(o, "image",
			    json_string(s->image->name));
			json_object_set_new(o, "image_uuid",
			    json_string(s->image->uuid));
		}
		if (s->file != NULL)
			json_object_set_new(o, "file",
			    json_string(s->file->path));
		if (s->dest != NULL)
			json_object_set_new(o, "dest", json_string(s->dest));
		if (s->fmri != NULL)
			json_object_set_new(o, "fmri", json_string(s->fmri));
		if (s->owner != NULL)
			json_object_set_new(o, "owner", json_string(s->owner));
		if (s->group != NULL)
			json_object_set_new(o, "group", json_string(s->group));
		if (s->command != NULL)
			json_object_set_new(o, "command",
			    json_string(s->command));
		if (s->zone_uuid != NULL)
			json_object_set_new(o, "zone_uuid",
			    json_string(s->zone_uuid));
		for (j = 0; j < s->nafter; j++)
			json_array_append_new(after, json_integer(s->after[j]));
		json_object_set_new(o, "after", after);
		json_array_append_new(steps, o);
	}
	json_object_set_new(root, "steps", steps);
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL)
		return -1;
	if (fputs(text, fp) == EOF || fputc('\n', fp) == EOF)
		rc = -1;
	free(text);
	return rc;
}
