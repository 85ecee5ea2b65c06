/*
 * ansible.c -- DIR/ansible/: the generated tree rolled out by Ansible in
 * the order of `ztopo plan` (inventory.yml, site.yml, steps.yml,
 * host_vars/HOST.yml), and the zones kept converged with the description
 * (converge.yml).
 *
 * The inventory lists every placed host (ansible_host: its admin
 * address) and groups the hosts by the roles of the services they run
 * (nova-api -> group nova_api; a custom service by its name).
 *
 * The playbook deploys exactly the files the other backends generated, so
 * it runs last; a step whose file is not in the set has no task.  Its
 * size does not grow with the topology: site.yml has one play per stage
 * of the plan, on every host, which includes steps.yml for each of the
 * host's steps of that stage, and the steps are data, in plan order, in
 * host_vars/HOST.yml.  What a step does:
 *  - images: community.general.imgadm, state present;
 *  - zones: `vmadm create' with the generated payload on stdin, when
 *    `vmadm lookup' does not find its (fixed) uuid;
 *  - files are copied into the zone's root from the global zone (mode as
 *    generated; secret ones with no_log); SMF manifests are imported,
 *    grants fed to mysql, RabbitMQ setup run, each through zlogin(1) and
 *    only when the file's SHA-256 was not applied yet (a stamp in the
 *    zone's /var/ztopo/done);
 *  - services are enabled (svcadm enable -s) unless online, and
 *    OpenStack services restarted when a file of their zone changed.
 * So a second run changes nothing.  Nothing secret is written into the
 * playbook: secret files are read when it runs, and a first play refuses
 * to deploy a tree compiled with --redact (the secret files as MANIFEST
 * names them).
 *
 * converge.yml brings existing zones to the description: `ztopo diff'
 * against what vmadm reports, then updates, reboots, reprovisions,
 * recreates and deletes, each behind its flag (below).
 *
 * Every string is written as a double-quoted YAML scalar; one that comes
 * from the .zt and holds '{' is tagged !unsafe so that Ansible does not
 * evaluate it as a template.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "../compiler/digest.h"
#include "../compiler/plan.h"

/* ---- YAML and shell quoting */

/* S as a double-quoted YAML scalar. */
static void
yq(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		size_t run;

		/* what needs no escape, at once */
		for (run = 0; (unsigned char)s[run] >= 0x20 && s[run] != '"' &&
		    s[run] != '\\' && s[run] != 0x7f; run++)
			;
		if (run > 0) {
			sb_putn(sb, s, run);
			s += run - 1;
			continue;
		}
		switch (c) {
		case '"':
			sb_puts(sb, "\\\"");
			break;
		case '\\':
			sb_puts(sb, "\\\\");
			break;
		case '\n':
			sb_puts(sb, "\\n");
			break;
		case '\t':
			sb_puts(sb, "\\t");
			break;
		case '\r':
			sb_puts(sb, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\x%02x", c);
			else
				sb_putc(sb, c);
		}
	}
	sb_putc(sb, '"');
}

/* A string from the .zt (or derived from it) that must stay literal. */
static void
ylit(struct strbuf *sb, const char *s)
{
	if (strchr(s, '{') != NULL)
		sb_puts(sb, "!unsafe ");
	yq(sb, s);
}

/* ---- the inventory */

struct group {
	const char	*name;
	struct vec	 hosts;		/* const struct ir_host * */
};

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;

	return strcmp(x->name, y->name);
}

/* An Ansible group name: letters, digits and '_', not a digit first. */
static const char *
group_name(struct arena *a, const struct ir_service *s)
{
	const char *n = s->role != ROLE_NONE ? role_table[s->role].name :
	    s->name;
	char *g = arena_strdup(a, n), *p;

	for (p = g; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9')))
			*p = '_';
	if (strcmp(g, "all") == 0 || strcmp(g, "ungrouped") == 0 ||
	    (g[0] >= '0' && g[0] <= '9'))
		return arena_printf(a, "service_%s", g);
	return g;
}

static void
add_to_group(struct arena *a, struct hash *groups, struct vec *order,
    const struct ir_service *s, const struct ir_host *h)
{
	const char *name = group_name(a, s);
	struct group *g = hash_get(groups, name);

	if (g == NULL) {
		g = arena_alloc(a, sizeof(*g));
		g->name = name;
		hash_put(groups, name, g);
		vec_push(a, order, g);
	}
	/* hosts come in order: a host already in G is its last */
	if (g->hosts.n > 0 && g->hosts.v[g->hosts.n - 1] == h)
		return;
	vec_push(a, &g->hosts, (void *)h);
}

static void
inventory(const struct ir *ir, struct outset *os)
{
	struct arena *a = ir->arena;
	struct hash *groups = hash_new(a);
	struct vec order;
	struct strbuf sb;
	size_t i, j, k;

	memset(&order, 0, sizeof(order));
	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];

		for (j = 0; j < h->nzones; j++)
			for (k = 0; k < h->zones[j]->nservices; k++)
				add_to_group(a, groups, &order,
				    h->zones[j]->services[k]->service, h);
		for (j = 0; j < h->nglobal; j++)
			add_to_group(a, groups, &order, h->global[j]->service,
			    h);
	}
	if (order.n > 1)
		qsort(order.v, order.n, sizeof(void *), cmp_group);

	sb_init(&sb);
	sb_printf(&sb, "# Ansible inventory of target %s (OpenStack %s), "
	    "generated by ztopo;\n# do not edit.  The hosts are the SmartOS "
	    "global zones; the groups are\n# the roles of the services each "
	    "one runs, in a zone or in its global zone.\n", ir->target,
	    release_name(ir->release));
	sb_puts(&sb, "all:\n  vars:\n"
	    "    # Ansible's modules need Python in the global zone: "
	    "pkgsrc's\n"
	    "    ansible_python_interpreter: \"/opt/tools/bin/python3\"\n");
	sb_puts(&sb, "  hosts:\n");
	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];

		sb_puts(&sb, "    ");
		ylit(&sb, h->name);
		if (h->naddrs == 0) {
			sb_puts(&sb, ": {}\n");
			continue;
		}
		sb_puts(&sb, ":\n      ansible_host: ");
		yq(&sb, ir_addr(ir, h->addrs[0].addr));
		sb_putc(&sb, '\n');
	}
	if (order.n > 0)
		sb_puts(&sb, "  children:\n");
	for (i = 0; i < order.n; i++) {
		const struct group *g = order.v[i];

		sb_puts(&sb, "    ");
		yq(&sb, g->name);
		sb_puts(&sb, ":\n      hosts:\n");
		for (j = 0; j < g->hosts.n; j++) {
			sb_puts(&sb, "        ");
			ylit(&sb, ((const struct ir_host *)g->hosts.v[j])->name);
			sb_puts(&sb, ": {}\n");
		}
	}
	out_add(os, ART_ROLLOUT, "ansible/inventory.yml", sb.buf, sb.len,
	    0644, 0);
	sb_free(&sb);
}

/* ---- the playbook: site.yml, steps.yml and host_vars/HOST.yml */

/*
 * ansible/steps.yml: one step of the plan, included by site.yml once per
 * step of a host (ztopo_step, from host_vars/HOST.yml); every task runs
 * only for the kinds of step it does.  The text is the same for every
 * target.
 */
static const char steps_text[] =
"# One step of the plan, for ansible/site.yml, which includes this file\n"
"# once per step of a host, in order.  The step is ztopo_step, from\n"
"# host_vars/HOST.yml; each task below runs only for its kinds of step.\n"
"# Paths in zones are under ztopo_pfx (site.yml: ztopo_root, default none).\n"
"# Generated by ztopo, do not edit.\n"
"---\n"
"\n"
"- name: \"{{ ztopo_step.title }}\"\n"
"  community.general.imgadm:\n"
"    uuid: \"{{ ztopo_step.image }}\"\n"
"    state: present\n"
"  when: ztopo_step.action == 'import-image'\n"
"\n"
"- name: \"{{ ztopo_step.title }}: is it there\"\n"
"  ansible.builtin.command:\n"
"    argv: [\"vmadm\", \"lookup\", \"-j\", \"-o\", \"uuid\", \"{{ 'uuid=' ~ ztopo_step.uuid }}\"]\n"
"  register: ztopo_found\n"
"  changed_when: false\n"
"  when: ztopo_step.action == 'create-zone'\n"
"\n"
"# the payload as generated, every key (vmadm create reads it whole)\n"
"- name: \"{{ ztopo_step.title }}\"\n"
"  ansible.builtin.command:\n"
"    argv: [\"vmadm\", \"create\"]\n"
"    stdin: \"{{ lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ ztopo_step.file) | string }}\"\n"
"  when: ztopo_step.action == 'create-zone' and (ztopo_found.stdout | from_json | length) == 0\n"
"  no_log: \"{{ ztopo_step.secret }}\"\n"
"\n"
"- name: \"{{ ztopo_step.title }}: directory\"\n"
"  ansible.builtin.file:\n"
"    path: \"{{ ztopo_pfx ~ ztopo_step.dir }}\"\n"
"    state: directory\n"
"  when: ztopo_step.dir is defined\n"
"\n"
"- name: \"{{ ztopo_step.title }}: copy\"\n"
"  ansible.builtin.copy:\n"
"    src: \"{{ ztopo_tree ~ '/' ~ ztopo_step.file }}\"\n"
"    dest: \"{{ ztopo_pfx ~ ztopo_step.path }}\"\n"
"    mode: \"{{ ztopo_step.mode }}\"\n"
"  register: ztopo_copied\n"
"  diff: false\n"
"  no_log: \"{{ ztopo_step.secret }}\"\n"
"  when: ztopo_step.dir is defined\n"
"\n"
"# an OpenStack service restarts when a file of its zone changed\n"
"- name: \"{{ ztopo_step.title }}: changed\"\n"
"  ansible.builtin.set_fact:\n"
"    ztopo_changed_units: \"{{ (ztopo_changed_units | default([])) + [ztopo_step.unit] }}\"\n"
"  when: ztopo_step.action == 'install-config' and ztopo_copied is changed\n"
"\n"
"# the owner's name resolves in the zone, not where the copy ran\n"
"- name: \"{{ ztopo_step.title }}: owner\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.owner_cmd }}\"\n"
"  register: ztopo_owned\n"
"  changed_when: \"'chowned' in ztopo_owned.stdout\"\n"
"  when: ztopo_step.owner_cmd is defined\n"
"\n"
"# once per content of the file (and its companion): a stamp named after\n"
"# their SHA-256 in the zone's /var/ztopo/done says it was done\n"
"- name: \"{{ ztopo_step.title }}\"\n"
"  vars:\n"
"    ztopo_done: \"{{ ztopo_pfx ~ ztopo_step.done }}\"\n"
"    ztopo_stamp: \"{{ ztopo_done ~ '/' ~ ztopo_step.stamp ~ '.' ~ ((lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ ztopo_step.file) ~ (lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ ztopo_step.companion) if ztopo_step.companion is defined else '')) | hash('sha256')) }}\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.once_cmd }}\"\n"
"    creates: \"{{ ztopo_stamp }}\"\n"
"  environment:\n"
"    ZTOPO_DONE: \"{{ ztopo_done }}\"\n"
"    ZTOPO_STAMP: \"{{ ztopo_stamp }}\"\n"
"  when: ztopo_step.once_cmd is defined\n"
"\n"
"# safe to repeat, but done once per command (its stamp)\n"
"- name: \"{{ ztopo_step.title }}\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.stamp_cmd }}\"\n"
"    creates: \"{{ ztopo_pfx ~ ztopo_step.stamp_path }}\"\n"
"  environment:\n"
"    ZTOPO_DONE: \"{{ ztopo_pfx ~ ztopo_step.done }}\"\n"
"    ZTOPO_STAMP: \"{{ ztopo_pfx ~ ztopo_step.stamp_path }}\"\n"
"  when: ztopo_step.stamp_cmd is defined\n"
"\n"
"- name: \"{{ ztopo_step.title }}: its state\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.state_cmd }}\"\n"
"  register: ztopo_state\n"
"  changed_when: false\n"
"  failed_when: false\n"
"  when: ztopo_step.action == 'start-service'\n"
"\n"
"- name: \"{{ ztopo_step.title }}\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.enable_cmd }}\"\n"
"  when: ztopo_step.action == 'start-service' and ztopo_state.stdout != 'online'\n"
"\n"
"- name: \"{{ ztopo_step.title }}: restart, its configuration changed\"\n"
"  ansible.builtin.shell:\n"
"    cmd: \"{{ ztopo_step.restart_cmd }}\"\n"
"  when: ztopo_step.restart_cmd is defined and ztopo_state.stdout == 'online' and ztopo_step.unit in (ztopo_changed_units | default([]))\n";

struct hv {
	struct arena	*arena;
	const struct plan *plan;
	struct strbuf	 sb;
};

#define F	"    "		/* a step's field */

static void
field(struct hv *h, const char *key, const char *val)
{
	sb_puts(&h->sb, F);
	sb_puts(&h->sb, key);
	sb_puts(&h->sb, ": ");
	ylit(&h->sb, val);
	sb_putc(&h->sb, '\n');
}

/* The root of the step's zone as the global zone sees it ("" for the
 * global zone itself). */
static const char *
zroot(struct arena *a, const struct plan_step *s)
{
	if (s->zone == NULL)
		return "";
	return arena_printf(a, "/%s/%s/root", s->zpool ? s->zpool : "zones",
	    s->zone_uuid);
}

/* A command in the step's zone: zlogin UUID 'cmd', or cmd itself. */
static const char *
in_zone(struct arena *a, const struct plan_step *s, const char *cmd)
{
	if (s->zone == NULL)
		return cmd;
	return arena_printf(a, "zlogin %s %s", sh_word(a, s->zone_uuid),
	    sh_word(a, cmd));
}

/* The step's file, copied to its destination in the zone. */
static void
copy_fields(struct hv *h, const struct plan_step *s)
{
	struct arena *a = h->arena;
	const char *path = arena_printf(a, "%s%s", zroot(a, s), s->dest);

	field(h, "file", s->file->path);
	field(h, "dir", arena_strndup(a, path, (size_t)(strrchr(path, '/') -
	    path)));
	field(h, "path", path);
	field(h, "mode", arena_printf(a, "%04o", s->file->mode));
	sb_printf(&h->sb, F "secret: %s\n", out_is_secret(s->file) ? "true" :
	    "false");
}

/* CMD once per content of the step's file (steps.yml names the stamp). */
static void
once_fields(struct hv *h, const struct plan_step *s, const char *cmd)
{
	struct arena *a = h->arena;
	const char *done = arena_printf(a, "%s/var/ztopo/done", zroot(a, s));

	field(h, "done", done);
	field(h, "stamp", strrchr(s->dest, '/') + 1);
	if (s->file->companion != NULL)
		field(h, "companion", s->file->companion->path);
	field(h, "once_cmd", arena_printf(a, "%s && mkdir -p \"$ZTOPO_DONE\" "
	    "&& touch \"$ZTOPO_STAMP\"", cmd));
}

/* The step's command once per KEY: a stamp named after its SHA-256. */
static void
stamp_fields(struct hv *h, const struct plan_step *s, const char *key)
{
	struct arena *a = h->arena;
	const char *done = arena_printf(a, "%s/var/ztopo/done", zroot(a, s));
	const char *stamp;
	char hex[65];

	sha256_hex(key, strlen(key), hex);
	stamp = arena_printf(a, "%s/%s.%s", done, plan_action_name(s->action),
	    hex);
	field(h, "done", done);
	field(h, "stamp_path", stamp);
	field(h, "stamp_cmd", arena_printf(a, "%s && mkdir -p \"$ZTOPO_DONE\" "
	    "&& touch \"$ZTOPO_STAMP\"", in_zone(a, s, s->command)));
}

/* Host discovery runs again when the set of compute steps changes. */
static const char *
discover_key(struct hv *h, const struct plan_step *s)
{
	struct strbuf sb;
	const char *key;
	size_t i;

	/* one buffer: the key grows with the compute nodes */
	sb_init(&sb);
	sb_puts(&sb, s->command);
	for (i = 0; i < s->nafter; i++) {
		const struct plan_step *c = h->plan->steps[s->after[i] - 1];

		sb_putc(&sb, '\n');
		sb_puts(&sb, c->host->name);
	}
	key = arena_strndup(h->arena, sb.buf, sb.len);
	sb_free(&sb);
	return key;
}

/* Give the installed file to the service's user, unless it has it. */
static const char *
owner_cmd(struct arena *a, const struct plan_step *s)
{
	const char *f = sh_word(a, s->dest);
	const char *match = s->group ? arena_printf(a, "-user %s -group %s",
	    sh_word(a, s->owner), sh_word(a, s->group)) : arena_printf(a,
	    "-user %s", sh_word(a, s->owner));
	const char *who = sh_word(a, s->group ? arena_printf(a, "%s:%s",
	    s->owner, s->group) : s->owner);

	return in_zone(a, s, arena_printf(a, "if [ -z \"$(find %s %s)\" ]; "
	    "then chown %s %s && echo chowned; fi", f, match, who, f));
}

/* Does the playbook have a task for step S?  A zone without a payload
 * (uuid) cannot be reached; in an HVM zone, zlogin reaches the zone, not
 * the guest. */
static int
deployed(const struct plan_step *s)
{
	if (s->action == PLAN_IMAGE)
		return 1;
	if (s->action == PLAN_ZONE)
		return s->file != NULL;
	if (s->zone != NULL && (s->zone_uuid == NULL ||
	    BRAND_IS_HVM(s->zone->zone->image->brand)))
		return 0;
	switch (s->action) {
	case PLAN_CONFIG:
	case PLAN_MANIFEST:
	case PLAN_START:
	case PLAN_GRANTS:
	case PLAN_RABBITMQ:
	case PLAN_RUN:
	case PLAN_DBSYNC:
	case PLAN_DISCOVER:
		return 1;
	default:
		return 0;
	}
}

static void
step(struct hv *h, const struct plan_step *s)
{
	struct arena *a = h->arena;
	const char *unit = s->zone != NULL ? s->zone->zone->name : "global";

	/* no step number: adding a host renumbers the plan, and would
	 * rewrite every host's file */
	sb_printf(&h->sb, "  - stage: %d\n" F "zoned: %s\n", s->stage,
	    s->zone != NULL ? "true" : "false");
	field(h, "title", plan_step_title(a, s));
	field(h, "action", plan_action_name(s->action));
	switch (s->action) {
	case PLAN_IMAGE:
		field(h, "image", s->image->uuid);
		break;
	case PLAN_ZONE:
		field(h, "uuid", s->zone_uuid);
		field(h, "file", s->file->path);
		sb_printf(&h->sb, F "secret: %s\n", out_is_secret(s->file) ?
		    "true" : "false");
		break;
	case PLAN_CONFIG:
		copy_fields(h, s);
		field(h, "unit", unit);
		if (s->owner != NULL)
			field(h, "owner_cmd", owner_cmd(a, s));
		break;
	case PLAN_MANIFEST:
		copy_fields(h, s);
		once_fields(h, s, in_zone(a, s, arena_printf(a,
		    "svccfg import %s", sh_word(a, s->dest))));
		break;
	case PLAN_START:
		field(h, "unit", unit);
		field(h, "state_cmd", in_zone(a, s, arena_printf(a,
		    "svcs -H -o state %s", sh_word(a, s->fmri))));
		field(h, "enable_cmd", in_zone(a, s, arena_printf(a,
		    "svcadm enable -s %s", sh_word(a, s->fmri))));
		if (role_table[s->sinst->service->role].conf == CONF_OSLO)
			field(h, "restart_cmd", in_zone(a, s, arena_printf(a,
			    "svcadm restart %s", sh_word(a, s->fmri))));
		break;
	case PLAN_GRANTS:
	case PLAN_RABBITMQ:
	case PLAN_RUN:
		copy_fields(h, s);
		once_fields(h, s, in_zone(a, s, s->command));
		break;
	case PLAN_DBSYNC:
		stamp_fields(h, s, s->command);
		break;
	case PLAN_DISCOVER:
		stamp_fields(h, s, discover_key(h, s));
		break;
	default:
		break;
	}
}

/* host_vars/HOST.yml: the host's STEPS, in plan order. */
static void
host_vars(const struct ir *ir, const struct plan *plan, struct outset *os,
    const struct ir_host *host, const struct vec *steps)
{
	struct hv h = { ir->arena, plan, { NULL, 0, 0 } };
	size_t i;

	sb_init(&h.sb);
	sb_printf(&h.sb, "# The deployment steps of host %s in target %s, in "
	    "the order of\n# `ztopo plan`, for ansible/site.yml; generated by "
	    "ztopo, do not edit.\n", host->name, ir->target);
	sb_puts(&h.sb, steps->n ? "ztopo_steps:\n" : "ztopo_steps: []\n");
	for (i = 0; i < steps->n; i++)
		step(&h, steps->v[i]);
	out_add(os, ART_ROLLOUT, arena_printf(ir->arena,
	    "ansible/host_vars/%s.yml", host->name), h.sb.buf, h.sb.len,
	    0644, 0);
	sb_free(&h.sb);
}

/*
 * ansible/site.yml: a play that refuses a tree compiled with --redact
 * (the secret files, as MANIFEST names them, must not hold placeholders),
 * then one play per stage on every host, each including steps.yml for
 * the host's steps of that stage.  Adding hosts and zones changes the
 * host_vars, not this file (unless the plan gets deeper).
 */
static void
playbook(const struct ir *ir, const struct plan *plan, struct outset *os)
{
	struct strbuf sb;
	struct vec *per;
	size_t i, *pos, npos = 0;
	char *used;
	int st;

	sb_init(&sb);
	sb_printf(&sb, "# Deploys target %s (OpenStack %s) in the order of "
	    "`ztopo plan`; generated by\n# ztopo, do not edit.  From the "
	    "output directory:\n#\n#   ansible-playbook -i "
	    "ansible/inventory.yml ansible/site.yml\n#\n# A play per stage, "
	    "on every host: a host's steps are in host_vars/HOST.yml\n"
	    "# (ztopo_steps) and ansible/steps.yml does one step.  Running it "
	    "again\n# changes nothing; after a recompile it applies what "
	    "changed.\n---\n", ir->target, release_name(ir->release));
	sb_puts(&sb, "\n- name: \"the tree holds secret values, not "
	    "@@placeholders@@\"\n  hosts: localhost\n  connection: local\n"
	    "  gather_facts: false\n  vars:\n"
	    "    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n  tasks:\n"
	    "    - name: \"secret files are there and not compiled with "
	    "--redact\"\n"
	    "      ansible.builtin.assert:\n"
	    "        that:\n"
	    "          - (ztopo_tree ~ '/' ~ item) is file\n"
	    "          - lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ "
	    "item) is not search('@@[A-Z0-9_]+@@')\n"
	    "        fail_msg: \"{{ item }} is missing or holds a placeholder: "
	    "compile with --secrets FILE (or ZTOPO_SECRET_* variables), "
	    "without --redact, before deploying\"\n"
	    "        quiet: true\n");
	sb_printf(&sb, "      loop: \"{{ lookup('ansible.builtin.file', "
	    "ztopo_tree ~ '/MANIFEST').splitlines() | select('match', '%s') | "
	    "map('regex_replace', '^%s', '') | list }}\"\n", SECRET_LINE,
	    SECRET_LINE);
	/* one pass over the plan: the stages that have a task, and each
	 * host's steps (by its position in the target) */
	used = arena_alloc(ir->arena, ((size_t)plan->nstages + 1) *
	    sizeof(*used));
	for (i = 0; i < ir->nhosts; i++)
		if ((size_t)ir->hosts[i]->index + 1 > npos)
			npos = (size_t)ir->hosts[i]->index + 1;
	pos = arena_alloc(ir->arena, (npos + 1) * sizeof(*pos));
	per = arena_alloc(ir->arena, (ir->nhosts + 1) * sizeof(*per));
	for (i = 0; i < ir->nhosts; i++)
		pos[ir->hosts[i]->index] = i;
	for (i = 0; i < plan->nsteps; i++) {
		const struct plan_step *s = plan->steps[i];

		if (!deployed(s))
			continue;
		used[s->stage] = 1;
		vec_push(ir->arena, &per[pos[s->host->index]], (void *)s);
	}
	for (st = 1; st <= plan->nstages; st++) {
		if (!used[st])
			continue;
		sb_printf(&sb, "\n- name: \"stage %d\"\n  hosts: all\n"
		    "  gather_facts: false\n  vars:\n"
		    "    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n"
		    "  tasks:\n"
		    "    - name: \"stage %d: the host's steps, in order\"\n"
		    "      ansible.builtin.include_tasks: steps.yml\n"
		    "      vars:\n"
		    "        ztopo_pfx: \"{{ (ztopo_root | default('')) if "
		    "ztopo_step.zoned else '' }}\"\n"
		    "      loop: \"{{ ztopo_steps | selectattr('stage', "
		    "'equalto', %d) | list }}\"\n"
		    "      loop_control:\n"
		    "        loop_var: ztopo_step\n"
		    "        label: \"{{ ztopo_step.title }}\"\n", st, st, st);
	}
	out_add(os, ART_ROLLOUT, "ansible/site.yml", sb.buf, sb.len, 0644, 0);
	sb_free(&sb);
	out_add(os, ART_ROLLOUT, "ansible/steps.yml", steps_text,
	    strlen(steps_text), 0644, 0);
	for (i = 0; i < ir->nhosts; i++) {
		struct arena_mark m = arena_mark(ir->arena);

		host_vars(ir, plan, os, ir->hosts[i], &per[i]);
		arena_release(ir->arena, m);	/* one file's strings */
	}
}

/*
 * ansible/converge.yml: the zones of the target brought to the
 * description, whatever state they are in (vmadm_diff.c does the
 * comparing).  The same text for every target but its name: hosts and
 * zones come from the inventory and from `ztopo diff', so its size does
 * not grow with the topology.  @TARGET@ stands for the target's name.
 */
static const char converge_text[] =
"# Converges the zones of target \"dev\" with its description; generated by\n"
"# ztopo, do not edit.  From the output directory, on a control node with\n"
"# ztopo and the description:\n"
"#\n"
"#   ansible-playbook -i ansible/inventory.yml ansible/converge.yml \\\n"
"#       -e ztopo_description=PATH/TO/FILE.zt [-e ztopo_secrets=SECRETS] \\\n"
"#       [-e ztopo_allow_reboot=true] [-e ztopo_allow_reprovision=true] \\\n"
"#       [-e ztopo_allow_recreate=true] [-e ztopo_allow_delete=true]\n"
"#\n"
"# It checks that this tree is what the description compiles to, gathers\n"
"# `vmadm lookup -j` from every host, runs `ztopo diff` on the control node\n"
"# and applies what it found: creates zones, applies `vmadm update` payloads\n"
"# (stopping a zone first where vmadm needs it stopped), and, only when the\n"
"# matching variable allows it, reboots the zones whose changes take effect\n"
"# at boot, reprovisions, recreates and deletes zones no longer described.\n"
"# A change that needs a flag not given stops the run before anything is\n"
"# done.  Then it gathers again and requires `ztopo diff` to find nothing.\n"
"# Variables: ztopo (the ztopo program, default ztopo), ztopo_vmadm (per\n"
"# host: the vmadm program, default vmadm).\n"
"---\n"
"\n"
"- name: \"the tree is current, and a directory for the live state\"\n"
"  hosts: localhost\n"
"  connection: local\n"
"  gather_facts: false\n"
"  vars:\n"
"    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n"
"    ztopo_target: @TARGET@\n"
"  tasks:\n"
"    - name: \"ztopo_description names the description\"\n"
"      ansible.builtin.assert:\n"
"        that:\n"
"          - ztopo_description is defined\n"
"        fail_msg: \"give the description: -e ztopo_description=PATH/TO/FILE.zt\"\n"
"        quiet: true\n"
"\n"
"    - name: \"the tree is what the description compiles to\"\n"
"      ansible.builtin.command:\n"
"        argv: \"{{ [ztopo | default('ztopo'), 'compile', ztopo_description, '-t', ztopo_target, '-o', ztopo_tree, '--check', '--redact', '--frozen'] }}\"\n"
"      changed_when: false\n"
"\n"
"    - name: \"a directory for the live state\"\n"
"      ansible.builtin.tempfile:\n"
"        state: directory\n"
"        suffix: .ztopo\n"
"      register: ztopo_tmp\n"
"      changed_when: false\n"
"\n"
"- name: \"gather the live state\"\n"
"  hosts: all\n"
"  gather_facts: false\n"
"  tasks:\n"
"    - name: \"vmadm lookup -j\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ ztopo_vmadm | default('vmadm') }}\", \"lookup\", \"-j\"]\n"
"      register: ztopo_live\n"
"      changed_when: false\n"
"\n"
"    - name: \"the live state on the control node\"\n"
"      ansible.builtin.copy:\n"
"        content: \"{{ ztopo_live.stdout | string }}\"\n"
"        dest: \"{{ hostvars.localhost.ztopo_tmp.path }}/{{ inventory_hostname }}.json\"\n"
"        mode: \"0600\"\n"
"      delegate_to: localhost\n"
"      changed_when: false\n"
"\n"
"- name: \"ztopo diff\"\n"
"  hosts: localhost\n"
"  connection: local\n"
"  gather_facts: false\n"
"  vars:\n"
"    ztopo_target: @TARGET@\n"
"    ztopo_tmpdir: \"{{ ztopo_tmp.path }}\"\n"
"  tasks:\n"
"    - name: \"ztopo diff --live\"\n"
"      ansible.builtin.command:\n"
"        argv: \"{{ [ztopo | default('ztopo'), 'diff', ztopo_description, '-t', ztopo_target, '--live', ztopo_tmpdir, '-o', ztopo_tmpdir ~ '/diff', '--format', 'json'] + (['--secrets', ztopo_secrets] if ztopo_secrets is defined else []) }}\"\n"
"      register: ztopo_diff_run\n"
"      failed_when: ztopo_diff_run.rc not in [0, 3]\n"
"      changed_when: false\n"
"\n"
"    - name: \"a directory for the live state after\"\n"
"      ansible.builtin.file:\n"
"        path: \"{{ ztopo_tmpdir }}/after\"\n"
"        state: directory\n"
"        mode: \"0700\"\n"
"      changed_when: false\n"
"\n"
"    - name: \"what it found\"\n"
"      ansible.builtin.set_fact:\n"
"        ztopo_diff: \"{{ lookup('ansible.builtin.file', ztopo_tmpdir ~ '/diff/diff.json') | from_json }}\"\n"
"\n"
"    - name: \"the changes\"\n"
"      ansible.builtin.debug:\n"
"        msg: \"{{ ztopo_diff.zones | rejectattr('action', 'equalto', 'unchanged') | map(attribute='action') | zip(ztopo_diff.zones | rejectattr('action', 'equalto', 'unchanged') | map(attribute='host'), ztopo_diff.zones | rejectattr('action', 'equalto', 'unchanged') | map(attribute='alias')) | map('join', ' ') | list }}\"\n"
"\n"
"    - name: \"changes that need a flag have it\"\n"
"      ansible.builtin.assert:\n"
"        that:\n"
"          - (ztopo_diff.zones | selectattr('action', 'equalto', item.action) | list | length == 0) or (lookup('ansible.builtin.vars', item.flag, default=false) | bool)\n"
"        fail_msg: \"{{ ztopo_diff.zones | selectattr('action', 'equalto', item.action) | map(attribute='alias') | join(', ') }}: {{ item.action }}; nothing was changed: run again with -e {{ item.flag }}=true\"\n"
"        quiet: true\n"
"      loop:\n"
"        - { action: \"reprovision\", flag: \"ztopo_allow_reprovision\" }\n"
"        - { action: \"recreate\", flag: \"ztopo_allow_recreate\" }\n"
"        - { action: \"orphan\", flag: \"ztopo_allow_delete\" }\n"
"\n"
"- name: \"apply\"\n"
"  hosts: all\n"
"  gather_facts: false\n"
"  vars:\n"
"    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n"
"    ztopo_out: \"{{ hostvars.localhost.ztopo_tmp.path }}/diff\"\n"
"    ztopo_zones: \"{{ hostvars.localhost.ztopo_diff.zones | selectattr('host', 'equalto', inventory_hostname) | list }}\"\n"
"    vmadm: \"{{ ztopo_vmadm | default('vmadm') }}\"\n"
"  tasks:\n"
"    - name: \"delete zones no longer described\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"delete\", \"{{ item.uuid }}\"]\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'equalto', 'orphan') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.alias }} {{ item.uuid }}\"\n"
"\n"
"    - name: \"recreate: delete\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"delete\", \"{{ item.uuid }}\"]\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'equalto', 'recreate') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"\n"
"    - name: \"create, and create again what was recreated\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"create\"]\n"
"        stdin: \"{{ lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ item.payload) | string }}\"\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'in', ['create', 'recreate']) | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"      no_log: \"{{ item.secret }}\"\n"
"\n"
"    - name: \"stop the zones vmadm updates only when stopped\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"stop\", \"{{ item.uuid }}\"]\n"
"      loop: \"{{ ztopo_zones | selectattr('stop') | selectattr('state', 'equalto', 'running') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"\n"
"    - name: \"vmadm update\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"update\", \"{{ item.uuid }}\"]\n"
"        stdin: \"{{ lookup('ansible.builtin.file', ztopo_out ~ '/' ~ item.update_file) | string }}\"\n"
"      loop: \"{{ ztopo_zones | selectattr('update_file', 'string') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"      no_log: \"{{ item.secret }}\"\n"
"\n"
"    - name: \"start the zones stopped for the update\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"start\", \"{{ item.uuid }}\"]\n"
"      loop: \"{{ ztopo_zones | selectattr('stop') | selectattr('state', 'equalto', 'running') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"\n"
"    - name: \"vmadm reprovision\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"reprovision\", \"{{ item.uuid }}\"]\n"
"        stdin: \"{{ item.reprovision | to_json }}\"\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'equalto', 'reprovision') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"\n"
"    - name: \"reboot the zones whose changes take effect at boot\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"reboot\", \"{{ item.uuid }}\"]\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'equalto', 'reboot') | rejectattr('stop') | selectattr('state', 'equalto', 'running') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"      when: ztopo_allow_reboot | default(false) | bool\n"
"\n"
"    - name: \"zones to reboot for their changes to take effect\"\n"
"      ansible.builtin.debug:\n"
"        msg: \"{{ item.zone }}: its changes take effect at its next boot (-e ztopo_allow_reboot=true reboots it)\"\n"
"      loop: \"{{ ztopo_zones | selectattr('action', 'equalto', 'reboot') | rejectattr('stop') | selectattr('state', 'equalto', 'running') | list }}\"\n"
"      loop_control:\n"
"        label: \"{{ item.zone }}\"\n"
"      when: not (ztopo_allow_reboot | default(false) | bool)\n"
"\n"
"    - name: \"vmadm lookup -j, again\"\n"
"      ansible.builtin.command:\n"
"        argv: [\"{{ vmadm }}\", \"lookup\", \"-j\"]\n"
"      register: ztopo_live\n"
"      changed_when: false\n"
"\n"
"    - name: \"the live state on the control node, again\"\n"
"      ansible.builtin.copy:\n"
"        content: \"{{ ztopo_live.stdout | string }}\"\n"
"        dest: \"{{ hostvars.localhost.ztopo_tmp.path }}/after/{{ inventory_hostname }}.json\"\n"
"        mode: \"0600\"\n"
"      delegate_to: localhost\n"
"      changed_when: false\n"
"\n"
"- name: \"nothing is left to change\"\n"
"  hosts: localhost\n"
"  connection: local\n"
"  gather_facts: false\n"
"  vars:\n"
"    ztopo_target: @TARGET@\n"
"  tasks:\n"
"    - name: \"ztopo diff --live finds nothing\"\n"
"      ansible.builtin.command:\n"
"        argv: \"{{ [ztopo | default('ztopo'), 'diff', ztopo_description, '-t', ztopo_target, '--live', ztopo_tmp.path ~ '/after'] + (['--secrets', ztopo_secrets] if ztopo_secrets is defined else []) }}\"\n"
"      register: ztopo_after\n"
"      changed_when: false\n"
"      failed_when: ztopo_after.rc != 0\n"
"\n"
"    - name: \"remove the live state\"\n"
"      ansible.builtin.file:\n"
"        path: \"{{ ztopo_tmp.path }}\"\n"
"        state: absent\n"
"      changed_when: false\n";

static void
converge(const struct ir *ir, struct outset *os)
{
	struct strbuf sb, name;
	const char *s = converge_text, *at;

	sb_init(&sb);
	sb_init(&name);
	yq(&name, ir->target);
	sb_putc(&name, '\0');
	while ((at = strstr(s, "@TARGET@")) != NULL) {
		sb_putn(&sb, s, (size_t)(at - s));
		sb_puts(&sb, name.buf);
		s = at + strlen("@TARGET@");
	}
	sb_puts(&sb, s);
	out_add(os, ART_ROLLOUT, "ansible/converge.yml", sb.buf, sb.len, 0644,
	    0);
	sb_free(&sb);
	sb_free(&name);
}

static int
ansible_check(const struct ir *ir, struct diag *d)
{
	return plan_check(ir, d);
}

static int
ansible_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	struct plan *plan;

	if ((plan = plan_build(ir, os, d)) == NULL)
		return 1;
	inventory(ir, os);
	playbook(ir, plan, os);
	converge(ir, os);
	return 0;
}

const struct backend ansible_backend = {
	.name = "ansible",
	.description = "Ansible inventory and playbook (ansible/)",
	.check = ansible_check,
	.emit = ansible_emit,
};
