/*
 * ansible.c -- DIR/ansible/inventory.yml, DIR/ansible/site.yml and
 * DIR/ansible/converge.yml: the generated tree rolled out by Ansible, in
 * the order of `ztopo plan`, and the zones kept converged with it.
 *
 * The inventory lists every placed host (ansible_host: its admin
 * address) and groups the hosts by the roles of the services they run
 * (nova-api -> group nova_api; a custom service by its name).
 *
 * The playbook deploys exactly the files the other backends generated, so
 * it runs last; a step whose file is not in the set has no task.  One
 * play per stage and host, tasks named "[N] ..." after the plan's steps:
 *  - images: community.general.imgadm, state present;
 *  - zones: community.general.vmadm, state present, its arguments read
 *    at run time from the generated payload (uuid fixed, so a zone is
 *    created once); what that module cannot pass (alias, tags, and false
 *    or zero values, which it drops) is set by `vmadm update` right after
 *    a creation;
 *  - files are copied into the zone's root from the global zone (mode as
 *    generated; secret ones with no_log); SMF manifests are imported,
 *    grants fed to mysql, RabbitMQ setup run, each through zlogin(1) and
 *    only when the file's SHA-256 was not applied yet (a stamp in the
 *    zone's /var/ztopo/done);
 *  - services are enabled (svcadm enable -s) unless online, and
 *    restarted when their configuration changed.
 * So a second run changes nothing.  Nothing secret is written into the
 * playbook: secret files are read when it runs, and a first play refuses
 * to deploy a tree compiled with --redact.
 *
 * DIR/ansible/converge.yml brings existing zones to the description:
 * `ztopo diff' against what vmadm reports, then updates, reboots,
 * reprovisions, recreates and deletes, each behind its flag (below).
 *
 * Every string is written as a double-quoted YAML scalar; one that comes
 * from the .zt and holds '{' is tagged !unsafe so that Ansible does not
 * evaluate it as a template.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "../compiler/sha256.h"
#include "../compiler/plan.h"

/* ---- YAML and shell quoting */

/* S as a double-quoted YAML scalar. */
static void
yq(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

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

/* S as a Jinja2 string literal (inside an expression). */
static const char *
jq(struct arena *a, const char *s)
{
	struct strbuf sb;
	const char *r;

	sb_init(&sb);
	sb_putc(&sb, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			sb_putc(&sb, '\\');
		sb_putc(&sb, *s);
	}
	sb_putc(&sb, '\'');
	r = arena_strdup(a, sb.buf);
	sb_free(&sb);
	return r;
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
	size_t i;

	if (g == NULL) {
		g = arena_alloc(a, sizeof(*g));
		g->name = name;
		hash_put(groups, name, g);
		vec_push(a, order, g);
	}
	for (i = 0; i < g->hosts.n; i++)
		if (g->hosts.v[i] == h)
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
	    "    # the vmadm and imgadm modules need Python in the global "
	    "zone: pkgsrc's\n"
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

/* ---- the playbook */

/* What the vmadm module takes, and as which type (PK_BOOLEAN: either
 * true or false). */
static const struct vmadm_arg {
	const char	*name;
	enum pk_type	 type;
} vmadm_args[] = {
	/* must stay sorted (bsearch) */
	{ "archive_on_delete", PK_BOOLEAN },
	{ "autoboot", PK_BOOLEAN },
	{ "boot", PK_STRING },
	{ "brand", PK_STRING },
	{ "cpu_cap", PK_INTEGER },
	{ "cpu_shares", PK_INTEGER },
	{ "cpu_type", PK_STRING },
	{ "customer_metadata", PK_OBJECT },
	{ "delegate_dataset", PK_BOOLEAN },
	{ "disk_driver", PK_STRING },
	{ "disks", PK_ARRAY },
	{ "dns_domain", PK_STRING },
	{ "docker", PK_BOOLEAN },
	{ "filesystems", PK_ARRAY },
	{ "firewall_enabled", PK_BOOLEAN },
	{ "hostname", PK_STRING },
	{ "image_uuid", PK_STRING },
	{ "indestructible_delegated", PK_BOOLEAN },
	{ "indestructible_zoneroot", PK_BOOLEAN },
	{ "internal_metadata", PK_OBJECT },
	{ "kernel_version", PK_STRING },
	{ "maintain_resolvers", PK_BOOLEAN },
	{ "max_locked_memory", PK_INTEGER },
	{ "max_lwps", PK_INTEGER },
	{ "max_physical_memory", PK_INTEGER },
	{ "max_swap", PK_INTEGER },
	{ "mdata_exec_timeout", PK_INTEGER },
	{ "nic_driver", PK_STRING },
	{ "nics", PK_ARRAY },
	{ "nowait", PK_BOOLEAN },
	{ "qemu_extra_opts", PK_STRING },
	{ "qemu_opts", PK_STRING },
	{ "quota", PK_INTEGER },
	{ "ram", PK_INTEGER },
	{ "resolvers", PK_ARRAY },
	{ "routes", PK_OBJECT },
	{ "spice_opts", PK_STRING },
	{ "spice_password", PK_STRING },
	{ "tmpfs", PK_INTEGER },
	{ "uuid", PK_STRING },
	{ "vcpus", PK_INTEGER },
	{ "vga", PK_STRING },
	{ "virtio_txburst", PK_INTEGER },
	{ "virtio_txtimer", PK_INTEGER },
	{ "vnc_password", PK_STRING },
	{ "vnc_port", PK_INTEGER },
	{ "zfs_data_compression", PK_STRING },
	{ "zfs_data_recsize", PK_INTEGER },
	{ "zfs_filesystem_limit", PK_INTEGER },
	{ "zfs_io_priority", PK_INTEGER },
	{ "zfs_root_compression", PK_STRING },
	{ "zfs_root_recsize", PK_INTEGER },
	{ "zfs_snapshot_limit", PK_INTEGER },
	{ "zpool", PK_STRING },
};

static int
cmp_arg(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

enum { PASS, DEFER, SKIP };

/*
 * What to do with KEY = V of a payload: PASS it as a vmadm module
 * argument; DEFER it to `vmadm update` after the creation (the module has
 * no such argument, or would drop the value: it drops false, 0 and empty
 * ones); SKIP it (a dropped value that is vmadm's default anyway).
 */
static int
vmadm_arg(const struct payload_key *k)
{
	const struct vmadm_arg *p = bsearch(k->name, vmadm_args,
	    sizeof(vmadm_args) / sizeof(vmadm_args[0]), sizeof(vmadm_args[0]),
	    cmp_arg);

	if (p == NULL)
		return DEFER;
	if (p->type != k->type && !k->empty)
		return DEFER;		/* the module would mangle the type */
	if (!k->empty)
		return PASS;
	/* vmadm's defaults: autoboot true, quota 10 GiB; the rest false,
	 * none, empty */
	if (strcmp(k->name, "autoboot") == 0 || strcmp(k->name, "quota") == 0)
		return DEFER;
	return SKIP;
}

/* The key `vmadm update` takes for a create-time KEY. */
static const char *
update_key(struct arena *a, const char *key)
{
	if (strcmp(key, "tags") == 0 || strcmp(key, "customer_metadata") == 0 ||
	    strcmp(key, "internal_metadata") == 0 || strcmp(key, "routes") == 0)
		return arena_printf(a, "set_%s", key);
	return key;
}

struct pb {
	struct arena		*arena;
	const struct ir		*ir;
	const struct plan	*plan;
	struct strbuf		 sb;
	int			 redact_check;	/* a play checks secrets */
};

#define T	"    "		/* a task's indentation */

static void
task(struct pb *p, const struct plan_step *s, const char *what)
{
	const char *title = plan_step_title(p->arena, s);

	sb_puts(&p->sb, "\n" T "- name: ");
	ylit(&p->sb, what ? arena_printf(p->arena, "[%d] %s: %s", s->num,
	    title, what) : arena_printf(p->arena, "[%d] %s", s->num, title));
	sb_putc(&p->sb, '\n');
}

/* The root of the step's zone as the global zone sees it ("" for the
 * global zone itself). */
static const char *
zroot(struct pb *p, const struct plan_step *s)
{
	if (s->zone == NULL)
		return "";
	return arena_printf(p->arena, "/%s/%s/root", s->zpool ? s->zpool :
	    "zones", s->zone_uuid);
}

/* A command in the step's zone: zlogin UUID 'cmd', or cmd itself. */
static const char *
in_zone(struct pb *p, const struct plan_step *s, const char *cmd)
{
	if (s->zone == NULL)
		return cmd;
	return arena_printf(p->arena, "zlogin %s %s", sh_word(p->arena,
	    s->zone_uuid), sh_word(p->arena, cmd));
}

/* Jinja: the path of F in the tree, at run time. */
static const char *
tree_path(struct pb *p, const struct outfile *f)
{
	return arena_printf(p->arena, "ztopo_tree ~ %s",
	    jq(p->arena, arena_printf(p->arena, "/%s", f->path)));
}

static void
kv(struct pb *p, const char *indent, const char *key, const char *val)
{
	sb_printf(&p->sb, "%s%s: ", indent, key);
	yq(&p->sb, val);
	sb_putc(&p->sb, '\n');
}

static void
kv_lit(struct pb *p, const char *indent, const char *key, const char *val)
{
	sb_printf(&p->sb, "%s%s: ", indent, key);
	ylit(&p->sb, val);
	sb_putc(&p->sb, '\n');
}

static void
image_task(struct pb *p, const struct plan_step *s)
{
	task(p, s, NULL);
	sb_puts(&p->sb, T "  community.general.imgadm:\n");
	kv_lit(p, T "    ", "uuid", s->image->uuid);
	sb_puts(&p->sb, T "    state: present\n");
}

static void
zone_task(struct pb *p, const struct plan_step *s)
{
	struct arena *a = p->arena;
	const char *payload = arena_printf(a, "{{ lookup('ansible.builtin."
	    "file', %s) | from_json }}", tree_path(p, s->file));
	const char *reg = arena_printf(a, "ztopo_zone_%d", s->num);
	const struct payload_key *keys = s->file->keys;
	const char *key, *upd = "";
	size_t i, nkeys = s->file->nkeys;

	task(p, s, NULL);
	sb_puts(&p->sb, T "  vars:\n");
	kv(p, T "    ", "payload", payload);
	sb_puts(&p->sb, T "  community.general.vmadm:\n");
	sb_puts(&p->sb, T "    state: present\n");
	for (i = 0; i < nkeys; i++) {
		key = keys[i].name;
		if (vmadm_arg(&keys[i]) == SKIP)
			continue;
		if (vmadm_arg(&keys[i]) == DEFER) {
			upd = arena_printf(a, "%s%s%s: payload[%s]", upd,
			    upd[0] ? ", " : "", jq(a, update_key(a, key)),
			    jq(a, key));
			continue;
		}
		kv(p, T "    ", key, arena_printf(a, "{{ payload[%s] }}",
		    jq(a, key)));
	}
	sb_printf(&p->sb, T "  register: %s\n", reg);
	if (out_is_secret(s->file))
		sb_puts(&p->sb, T "  no_log: true\n");
	if (upd[0] != '\0') {
		/* what the module could not pass, set once it created it */
		const char *names = "";

		for (i = 0; i < nkeys; i++)
			if (vmadm_arg(&keys[i]) == DEFER)
				names = arena_printf(a, "%s%s%s", names,
				    names[0] ? ", " : "", keys[i].name);
		task(p, s, arena_printf(a, "set %s (vmadm update)", names));
		sb_puts(&p->sb, T "  vars:\n");
		kv(p, T "    ", "payload", payload);
		sb_puts(&p->sb, T "  ansible.builtin.command:\n");
		sb_puts(&p->sb, T "    argv: [\"vmadm\", \"update\", ");
		yq(&p->sb, s->zone_uuid);
		sb_puts(&p->sb, "]\n");
		kv(p, T "    ", "stdin", arena_printf(a, "{{ {%s} | to_json }}",
		    upd));
		sb_printf(&p->sb, T "  when: %s is changed\n", reg);
		if (out_is_secret(s->file))
			sb_puts(&p->sb, T "  no_log: true\n");
	}
}

/* mkdir -p the directory of DEST in the step's zone, then copy. */
static void
copy_task(struct pb *p, const struct plan_step *s, const char *reg)
{
	struct arena *a = p->arena;
	const char *dest = arena_printf(a, "%s%s", zroot(p, s), s->dest);
	const char *dir = arena_strndup(a, dest, (size_t)(strrchr(dest, '/') -
	    dest));

	task(p, s, "directory");
	sb_puts(&p->sb, T "  ansible.builtin.file:\n");
	kv_lit(p, T "    ", "path", dir);
	sb_puts(&p->sb, T "    state: directory\n");
	task(p, s, "copy");
	sb_puts(&p->sb, T "  ansible.builtin.copy:\n");
	kv(p, T "    ", "src", arena_printf(a, "{{ %s }}", tree_path(p,
	    s->file)));
	kv_lit(p, T "    ", "dest", dest);
	kv(p, T "    ", "mode", arena_printf(a, "%04o", s->file->mode));
	if (reg != NULL)
		sb_printf(&p->sb, T "  register: %s\n", reg);
	if (out_is_secret(s->file))
		sb_puts(&p->sb, T "  diff: false\n" T "  no_log: true\n");
}

/* Run CMD (a shell command line, in the global zone) once per content
 * of the step's file: a stamp named after its SHA-256 says it was done. */
static void
once_task(struct pb *p, const struct plan_step *s, const char *cmd)
{
	struct arena *a = p->arena;
	const char *done = arena_printf(a, "%s/var/ztopo/done", zroot(p, s));

	task(p, s, NULL);
	sb_puts(&p->sb, T "  vars:\n");
	/* a file read with its companion is done again when either changes */
	kv(p, T "    ", "stamp", arena_printf(a, "{{ %s ~ '/' ~ %s ~ '.' ~ "
	    "((lookup('ansible.builtin.file', %s)%s%s%s) | hash('sha256')) }}",
	    jq(a, done), jq(a, strrchr(s->dest, '/') + 1),
	    tree_path(p, s->file), s->file->companion ? " ~ lookup("
	    "'ansible.builtin.file', " : "", s->file->companion ? tree_path(p,
	    s->file->companion) : "", s->file->companion ? ")" : ""));
	sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
	kv_lit(p, T "    ", "cmd", arena_printf(a, "%s && mkdir -p %s && "
	    "touch \"$ZTOPO_STAMP\"", cmd, sh_word(a, done)));
	sb_puts(&p->sb, T "    creates: \"{{ stamp }}\"\n");
	sb_puts(&p->sb, T "  environment:\n" T "    ZTOPO_STAMP: \"{{ stamp "
	    "}}\"\n");
}

/* Run the step's command once per KEY (a stamp named after its SHA-256
 * says it was done): what it does is safe to repeat, but a pass that
 * changes nothing runs nothing. */
static void
stamp_task(struct pb *p, const struct plan_step *s, const char *key)
{
	struct arena *a = p->arena;
	const char *done = arena_printf(a, "%s/var/ztopo/done", zroot(p, s));
	char hex[65];

	sha256_hex(key, strlen(key), hex);
	task(p, s, NULL);
	sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
	kv_lit(p, T "    ", "cmd", arena_printf(a, "%s && mkdir -p %s && "
	    "touch %s", in_zone(p, s, s->command), sh_word(a, done),
	    sh_word(a, arena_printf(a, "%s/%s.%s", done, plan_action_name(
	    s->action), hex))));
	sb_printf(&p->sb, T "    creates: %s\n", jq(a, arena_printf(a,
	    "%s/%s.%s", done, plan_action_name(s->action), hex)));
}

static void
start_task(struct pb *p, const struct plan_step *s, const char *conf_changed)
{
	struct arena *a = p->arena;
	const char *reg = arena_printf(a, "ztopo_state_%d", s->num);

	task(p, s, "its state");
	sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
	kv_lit(p, T "    ", "cmd", in_zone(p, s, arena_printf(a,
	    "svcs -H -o state %s", sh_word(a, s->fmri))));
	sb_printf(&p->sb, T "  register: %s\n", reg);
	sb_puts(&p->sb, T "  changed_when: false\n" T "  failed_when: false\n");
	task(p, s, NULL);
	sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
	kv_lit(p, T "    ", "cmd", in_zone(p, s, arena_printf(a,
	    "svcadm enable -s %s", sh_word(a, s->fmri))));
	sb_printf(&p->sb, T "  when: %s.stdout != 'online'\n", reg);
	if (conf_changed[0] != '\0') {
		task(p, s, "restart, its configuration changed");
		sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
		kv_lit(p, T "    ", "cmd", in_zone(p, s, arena_printf(a,
		    "svcadm restart %s", sh_word(a, s->fmri))));
		sb_printf(&p->sb, T "  when: %s.stdout == 'online' and (%s)\n",
		    reg, conf_changed);
	}
}

/* Give the installed file to the service's user (names resolve in the
 * zone, not in the global zone where the copy module runs). */
static void
owner_task(struct pb *p, const struct plan_step *s)
{
	struct arena *a = p->arena;
	const char *f = sh_word(a, s->dest), *reg;
	const char *match = s->group ? arena_printf(a, "-user %s -group %s",
	    sh_word(a, s->owner), sh_word(a, s->group)) : arena_printf(a, "-user %s",
	    sh_word(a, s->owner));
	const char *who = sh_word(a, s->group ? arena_printf(a, "%s:%s", s->owner,
	    s->group) : s->owner);

	reg = arena_printf(a, "ztopo_owner_%d", s->num);
	task(p, s, "owner");
	sb_puts(&p->sb, T "  ansible.builtin.shell:\n");
	kv_lit(p, T "    ", "cmd", in_zone(p, s, arena_printf(a,
	    "if [ -z \"$(find %s %s)\" ]; then chown %s %s && echo chowned; "
	    "fi", f, match, who, f)));
	sb_printf(&p->sb, T "  register: %s\n", reg);
	sb_printf(&p->sb, T "  changed_when: \"'chowned' in %s.stdout\"\n",
	    reg);
}

/* Host discovery runs again when the set of compute steps changes. */
static const char *
discover_key(struct pb *p, const struct plan_step *s)
{
	const char *key = s->command;
	size_t i;

	for (i = 0; i < s->nafter; i++) {
		const struct plan_step *c = p->plan->steps[s->after[i] - 1];

		key = arena_printf(p->arena, "%s\n%s", key, c->host->name);
	}
	return key;
}

/* The steps of one stage on one host. */
static void
play(struct pb *p, size_t from, size_t to)
{
	struct arena *a = p->arena;
	const struct plan_step *s0 = p->plan->steps[from];
	const char *conf_changed = "";
	const struct ir_zinst *unit = NULL;
	int unit_set = 0;
	size_t i;

	sb_puts(&p->sb, "\n- name: ");
	ylit(&p->sb, arena_printf(a, "stage %d on %s", s0->stage,
	    s0->host->name));
	sb_puts(&p->sb, "\n  hosts: ");
	ylit(&p->sb, s0->host->name);
	sb_puts(&p->sb, "\n  gather_facts: false\n  vars:\n"
	    "    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n  tasks:\n");
	for (i = from; i < to; i++) {
		const struct plan_step *s = p->plan->steps[i];
		const char *reg;

		if (!unit_set || s->zone != unit) {
			unit = s->zone;
			unit_set = 1;
			conf_changed = "";
		}
		if (s->action == PLAN_IMAGE) {
			image_task(p, s);
			continue;
		}
		if (s->action == PLAN_ZONE) {
			if (s->file != NULL)
				zone_task(p, s);
			continue;
		}
		/* a zone without a payload (uuid) cannot be reached; in an
		 * HVM zone, zlogin reaches the zone, not the guest */
		if (s->zone != NULL && (s->zone_uuid == NULL ||
		    BRAND_IS_HVM(s->zone->zone->image->brand)))
			continue;
		switch (s->action) {
		case PLAN_CONFIG:
			reg = arena_printf(a, "ztopo_conf_%d", s->num);
			copy_task(p, s, reg);
			conf_changed = arena_printf(a, "%s%s%s is changed",
			    conf_changed, conf_changed[0] ? " or " : "", reg);
			if (s->owner != NULL)
				owner_task(p, s);
			break;
		case PLAN_MANIFEST:
			copy_task(p, s, NULL);
			once_task(p, s, in_zone(p, s, arena_printf(a,
			    "svccfg import %s", sh_word(a, s->dest))));
			break;
		case PLAN_START:
			start_task(p, s, role_table[s->sinst->service->role].conf ==
			    CONF_OSLO ?
			    conf_changed : "");
			break;
		case PLAN_GRANTS:
		case PLAN_RABBITMQ:
		case PLAN_RUN:
			copy_task(p, s, NULL);
			once_task(p, s, in_zone(p, s, s->command));
			break;
		case PLAN_DBSYNC:
			stamp_task(p, s, s->command);
			break;
		case PLAN_DISCOVER:	/* again when compute nodes change */
			stamp_task(p, s, discover_key(p, s));
			break;
		default:
			break;
		}
	}
}

/* The secret files the playbook deploys: a tree compiled with --redact
 * holds placeholders there, which must not become passwords. */
static void
secrets_play(struct pb *p)
{
	struct vec files;
	size_t i, j;

	memset(&files, 0, sizeof(files));
	for (i = 0; i < p->plan->nsteps; i++) {
		const struct plan_step *s = p->plan->steps[i];

		if (s->file == NULL || !out_is_secret(s->file))
			continue;
		for (j = 0; j < files.n; j++)
			if (files.v[j] == s->file)
				break;
		if (j == files.n)
			vec_push(p->arena, &files, (void *)s->file);
	}
	if (files.n == 0)
		return;
	sb_puts(&p->sb, "\n- name: \"the tree holds secret values, not "
	    "@@placeholders@@\"\n  hosts: localhost\n  connection: local\n"
	    "  gather_facts: false\n  vars:\n"
	    "    ztopo_tree: \"{{ playbook_dir | dirname }}\"\n  tasks:\n");
	sb_puts(&p->sb, T "- name: \"secret files are there and not "
	    "compiled with --redact\"\n"
	    T "  ansible.builtin.assert:\n"
	    T "    that:\n"
	    T "      - (ztopo_tree ~ '/' ~ item) is file\n"
	    T "      - lookup('ansible.builtin.file', ztopo_tree ~ '/' ~ item) "
	    "is not search('@@[A-Z0-9_]+@@')\n"
	    T "    fail_msg: \"{{ item }} is missing or holds a placeholder: "
	    "compile with --secrets FILE (or ZTOPO_SECRET_* variables), "
	    "without --redact, before deploying\"\n"
	    T "    quiet: true\n"
	    T "  loop:\n");
	for (i = 0; i < files.n; i++) {
		sb_puts(&p->sb, T "    - ");
		ylit(&p->sb, ((const struct outfile *)files.v[i])->path);
		sb_putc(&p->sb, '\n');
	}
}

static void
playbook(const struct ir *ir, const struct plan *plan, struct outset *os)
{
	struct pb p;
	size_t i, from;

	memset(&p, 0, sizeof(p));
	p.arena = ir->arena;
	p.ir = ir;
	p.plan = plan;
	sb_init(&p.sb);
	sb_printf(&p.sb, "# Deploys target %s (OpenStack %s) in the order of "
	    "`ztopo plan`; generated by\n# ztopo, do not edit.  From the "
	    "output directory:\n#\n#   ansible-playbook -i "
	    "ansible/inventory.yml ansible/site.yml\n#\n# Tasks are named "
	    "after the plan's steps ([N]).  Running it again changes\n# "
	    "nothing; after a recompile it applies what changed.\n---\n",
	    ir->target, release_name(ir->release));
	secrets_play(&p);
	for (from = 0; from < plan->nsteps; from = i) {
		const struct plan_step *s = plan->steps[from];

		for (i = from + 1; i < plan->nsteps &&
		    plan->steps[i]->stage == s->stage &&
		    plan->steps[i]->host == s->host; i++)
			;
		play(&p, from, i);
	}
	if (plan->nsteps == 0)
		sb_puts(&p.sb, "[]\n");
	out_add(os, ART_ROLLOUT, "ansible/site.yml", p.sb.buf, p.sb.len,
	    0644, 0);
	sb_free(&p.sb);
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
