/*
 * vmadm.c -- every zone instance of a target becomes the JSON payload
 * that SmartOS `vmadm create` accepts, at <host>/vmadm/<zone>.json.
 *
 * The facts come from vmadm's own validation (see the fact sheet in the
 * repository's shared reference, vmadm.md).  Two rules shape this file:
 *
 *  - nothing vmadm would reject, drop or silently adjust reaches a
 *    payload: `check` reports each such rule as a located error in the
 *    .zt (memory relations and value ranges are already enforced while
 *    zones are read, in resolve.c), and `emit` only writes properties
 *    the zone's brand allows (the table below, from vmadm's property
 *    table; `emit` refuses, as an internal error, to write anything
 *    else);
 *  - a payload is a pure function of the IR: the zone uuid is an RFC 4122
 *    version 5 UUID of "<target>/<host>/<zone>" in the namespace
 *    VMADM_UUID_NS, so recompiling never changes a zone's identity and
 *    creating the same payload twice fails in vmadm ("VM with UUID x
 *    already exists") instead of making a twin.
 *
 * Payloads are written with JSON_INDENT(2) | JSON_SORT_KEYS and a
 * trailing newline.  A payload that carries a secret (only possible
 * through internal_metadata) is mode 0600 and flagged secret, with its
 * value or, with --redact, its placeholder: the same files are secret
 * either way, so a redacted tree and a real one have the same MANIFEST.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "uuid.h"
#include "vmadm.h"

/* The namespace of every zone uuid ztopo generates; never change it. */
#define VMADM_UUID_NS	"10aa668d-5002-49bc-808e-1b651fd176b6"

struct allow {
	const char	*name;
	unsigned	 class;		/* BP_*: brands whose row has it */
};

/*
 * The top-level properties this backend may write, per class of brand
 * (vmadm's proptable, create action; brands.c says which brand has which
 * class), and what `vmadm update' does with a change to each
 * (vmadm-update.md, section 4).  Sorted by name, as the payload is.
 */
const struct vmadm_prop vmadm_props[] = {
	{ "alias", BP_ALL, VF_SCALAR, VE_LIVE, NULL },
	{ "autoboot", BP_ALL, VF_SCALAR, VE_LIVE, NULL },
	{ "brand", BP_ALL, VF_SCALAR, VE_RECREATE, NULL },
	{ "cpu_cap", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "cpu_shares", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "customer_metadata", BP_ALL, VF_MAP, VE_LIVE, NULL },
	{ "delegate_dataset", BP_OS, VF_SCALAR, VE_RECREATE, NULL },
	{ "disks", BP_HVM, VF_LIST, VE_STOP, "path" },
	{ "dns_domain", BP_OS, VF_SCALAR, VE_LIVE, NULL },
	{ "filesystems", BP_OS, VF_LIST, VE_BOOT, "target" },
	{ "firewall_enabled", BP_ALL, VF_SCALAR, VE_LIVE, NULL },
	{ "hostname", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "image_uuid", BP_ALL, VF_SCALAR, VE_REPROVISION, NULL },
	{ "internal_metadata", BP_ALL, VF_MAP, VE_LIVE, NULL },
	{ "kernel_version", BP_LX, VF_SCALAR, VE_BOOT, NULL },
	{ "max_locked_memory", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "max_lwps", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "max_physical_memory", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "max_swap", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ "nics", BP_ALL, VF_LIST, VE_BOOT, "mac" },
	{ "quota", BP_ALL, VF_SCALAR, VE_LIVE, NULL },
	{ "ram", BP_ALL, VF_SCALAR, VE_BOOT, NULL },
	{ "resolvers", BP_ALL, VF_SCALAR, VE_BOOT, NULL },
	{ "routes", BP_ALL, VF_MAP, VE_ROUTES, NULL },
	{ "tags", BP_ALL, VF_MAP, VE_LIVE, NULL },
	{ "tmpfs", BP_OS, VF_SCALAR, VE_LIVE, NULL },
	{ "uuid", BP_ALL, VF_SCALAR, VE_RECREATE, NULL },
	{ "vcpus", BP_HVM, VF_SCALAR, VE_BOOT, NULL },
	{ "zfs_io_priority", BP_ALL, VF_SCALAR, VE_RCTL, NULL },
	{ NULL, 0, 0, 0, NULL }
};

const struct vmadm_prop *
vmadm_prop(const char *name)
{
	static size_t n;
	size_t lo = 0, hi;

	if (n == 0)
		while (vmadm_props[n].name != NULL)
			n++;
	/* the table is sorted by name (t/vmadm-payloads checks) */
	for (hi = n; lo < hi; ) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, vmadm_props[mid].name);

		if (c == 0)
			return &vmadm_props[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The members of nics, disks and filesystems items, on create. */
static const struct allow nic_allow[] = {
	{ "gateways", BP_ALL },
	{ "ips", BP_ALL },
	{ "mac", BP_ALL },
	{ "model", BP_HVM },
	{ "mtu", BP_ALL },
	{ "nic_tag", BP_ALL },
	{ "primary", BP_ALL },
	{ "vlan_id", BP_ALL },
	{ NULL, 0 }
};
static const struct allow disk_allow[] = {
	{ "boot", BP_HVM },
	{ "image_size", BP_HVM },
	{ "image_uuid", BP_HVM },
	{ "model", BP_HVM },
	{ "size", BP_HVM },
	{ NULL, 0 }
};
static const struct allow fs_allow[] = {
	{ "options", BP_OS },
	{ "source", BP_OS },
	{ "target", BP_OS },
	{ "type", BP_OS },
	{ NULL, 0 }
};

/* ---- helpers */

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static const char *
join_list(struct arena *a, const char *const *list)
{
	const char *out = "";
	size_t i, n = 0;

	while (list[n] != NULL)
		n++;
	for (i = 0; i < n; i++)
		out = arena_printf(a, "%s%s%s", out, i == 0 ? "" :
		    i + 1 == n ? " or " : ", ", list[i]);
	return out;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
loc_set(struct loc l)
{
	return l.src != NULL;
}

static int
nic_tag_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '/'))
			return 0;
	return 1;
}

/* ---- check: vmadm's rules, as located errors in the .zt */

static void
check_nics(const struct ir *ir, const struct ir_zone *z, struct diag *d)
{
	enum ir_brand b = z->image->brand;
	size_t i;

	for (i = 0; i < z->nnics; i++) {
		const struct ir_nic *nic = &z->nics[i];
		const struct ir_network *n = nic->network;

		if (!BRAND_IS_HVM(b) && nic->model != NULL)
			diag_error(d, nic->model_loc, "nic model applies to %s "
			    "zones only, and zone \"%s\" uses %s image \"%s\"",
			    brand_list(ir->arena, BP_HVM, -1, "and"), z->name,
			    brand_name(b), z->image->name);
		else if (BRAND_IS_HVM(b) && nic->model == NULL)
			diag_error(d, nic->loc, "nic of %s zone \"%s\" has no "
			    "model, which vmadm requires: nic %s { model "
			    "virtio; }", brand_name(b), z->name, n->name);
		else if (brand_table[b].nic_models != NULL &&
		    !in_list(nic->model, brand_table[b].nic_models))
			diag_error(d, nic->model_loc, "unknown nic model \"%s\" "
			    "for %s zones (expected %s)", nic->model,
			    brand_name(b), join_list(ir->arena,
			    brand_table[b].nic_models));
	}
}

static void
check_disks(const struct ir *ir, const struct ir_zone *z, struct diag *d)
{
	enum ir_brand b = z->image->brand;
	const char *const *models = brand_table[b].disk_models;
	const struct ir_disk *boot = NULL;
	size_t i;
	int holds_image = 0;

	if (!BRAND_IS_HVM(b))
		return;		/* disk on an OS zone: resolve.c reports it */
	for (i = 0; i < z->ndisks; i++) {
		const struct ir_disk *dk = &z->disks[i];
		const struct ir_image *im = dk->image;

		if (dk->model == NULL)
			diag_error(d, dk->loc, "disk of %s zone \"%s\" has no "
			    "model, which vmadm requires (%s)", brand_name(b),
			    z->name, join_list(ir->arena, models));
		else if (!in_list(dk->model, models))
			diag_error(d, dk->model_loc, "\"%s\" is not a valid "
			    "disk model for %s zones (expected %s)", dk->model,
			    brand_name(b), join_list(ir->arena, models));
		if (dk->boot) {
			if (boot != NULL) {
				diag_error(d, dk->boot_loc, "zone \"%s\" has a "
				    "second boot disk; vmadm allows one",
				    z->name);
				diag_note(d, boot->boot_loc, "first boot disk "
				    "here");
			} else
				boot = dk;
		}
		if (im == NULL)
			continue;
		if (im == z->image)
			holds_image = 1;
		if (!BRAND_IS_HVM(im->brand)) {
			diag_error(d, dk->image_loc, "image \"%s\" is a %s "
			    "image; a disk needs a %s disk image",
			    im->name, brand_name(im->brand),
			    brand_list(ir->arena, BP_HVM, -1, "or"));
			diag_note(d, im->brand_loc, "brand set here");
			continue;
		}
		if (im->brand != b) {
			diag_error(d, dk->image_loc, "image \"%s\" is a %s "
			    "image, and zone \"%s\" is a %s zone", im->name,
			    brand_name(im->brand), z->name, brand_name(b));
			diag_note(d, im->brand_loc, "brand set here");
		}
		if (dk->size_mib != IR_UNSET)
			diag_error(d, dk->size_loc, "a disk made from an image "
			    "has the image's size; vmadm rejects size with "
			    "image_uuid");
		if (im->size_mib == IR_UNSET) {
			diag_error(d, dk->image_loc, "image \"%s\" has no size, "
			    "which vmadm needs for a disk made from it "
			    "(image_size)", im->name);
			diag_note(d, im->loc, "image \"%s\" is defined here",
			    im->name);
		}
	}
	if (!holds_image)
		diag_error(d, ir_zone_loc(z, ZP_IMAGE), "%s zone \"%s\" boots "
		    "image \"%s\", but no disk holds it: add disk { image %s; "
		    "model %s; }", brand_name(b), z->name, z->image->name,
		    z->image->name, models[0]);
}

static void
check_routes(const struct ir_zone *z, struct diag *d)
{
	size_t i, j;

	for (i = 1; i < z->nroutes; i++)
		for (j = 0; j < i; j++)
			if (strcmp(z->routes[i].dest, z->routes[j].dest) == 0) {
				diag_error(d, z->routes[i].loc, "zone \"%s\" has "
				    "two routes to %s", z->name,
				    z->routes[i].dest);
				diag_note(d, z->routes[j].loc, "first route "
				    "here");
				break;
			}
}

static void
check_metadata(const struct ir_zone *z, struct diag *d)
{
	size_t i;

	for (i = 0; i < z->nmetadata; i++) {
		const struct ir_kv *kv = &z->metadata[i];

		if (z->user_script != NULL &&
		    strcmp(kv->key, "user-script") == 0) {
			diag_error(d, kv->loc, "metadata key \"user-script\" "
			    "conflicts with user_script");
			diag_note(d, ir_zone_loc(z, ZP_SCRIPT),
			    "user_script set here");
		}
		if (has_suffix(kv->key, "_pw"))
			diag_error(d, kv->loc, "metadata key \"%s\" would never "
			    "reach the zone: mdata-get serves keys ending in "
			    "_pw from internal_metadata; put it there",
			    kv->key);
	}
	for (i = 0; i < z->ntags; i++)
		if (strcmp(z->tags[i].key, VMADM_TAG) == 0)
			diag_error(d, z->tags[i].loc, "tag \"%s\" is ztopo's own: "
			    "every payload carries it, naming its target, so "
			    "that `ztopo diff' knows the zone", VMADM_TAG);
	for (i = 0; i < z->ninternal_metadata; i++) {
		const struct ir_kv *kv = &z->internal_metadata[i];

		if (kv->val.kind == IRV_SECRET && !has_suffix(kv->key, "_pw"))
			diag_warning(d, W_UNREADABLE_METADATA,
			    kv->loc, "internal_metadata key \"%s\" "
			    "holds secret \"%s\" but cannot be read inside "
			    "the zone: mdata-get serves only keys ending in "
			    "_pw from internal_metadata", kv->key,
			    kv->val.secret->name);
	}
}

static void
check_misc(const struct ir_zone *z, struct diag *d)
{
	size_t i, j;

	for (i = 0; i < z->nfilesystems; i++) {
		const struct ir_fs *fs = &z->filesystems[i];

		for (j = 0; j < fs->noptions; j++)
			if (fs->options[j][0] == '\0' ||
			    strchr(fs->options[j], ',') != NULL)
				diag_error(d, fs->loc, "filesystem option \"%s\" "
				    "is empty or holds a comma; give each "
				    "option as its own list item",
				    fs->options[j]);
	}
	if (brand_table[z->image->brand].max_resolvers > 0 &&
	    z->nresolvers > brand_table[z->image->brand].max_resolvers)
		diag_warning(d, W_DHCP_RESOLVERS,
		    ir_zone_loc(z, ZP_RESOLVERS), "%s zone \"%s\" "
		    "has %zu resolvers; its guest gets only the first %zu (over "
		    "DHCP)", brand_name(z->image->brand), z->name,
		    z->nresolvers, brand_table[z->image->brand].max_resolvers);
}

static void
check_nic_tags(const struct ir *ir, struct diag *d)
{
	size_t i, j, k;

	for (i = 0; i < ir->nnetworks; i++) {
		const struct ir_network *n = ir->networks[i];
		int used = 0;

		for (j = 0; j < ir->nzones && !used; j++)
			for (k = 0; k < ir->zones[j]->nnics && !used; k++)
				used = ir->zones[j]->nics[k].network == n;
		if (used && n->nic_tag != NULL && !nic_tag_ok(n->nic_tag))
			diag_error(d, n->tag_loc, "invalid nic_tag \"%s\": "
			    "vmadm accepts only letters, digits, '_' and '/'",
			    n->nic_tag);
	}
}

static int
vmadm_check(const struct ir *ir, struct diag *d)
{
	int errors = diag_mark(d);
	size_t i;

	for (i = 0; i < ir->nzones; i++) {
		const struct ir_zone *z = ir->zones[i];

		if (z->image == NULL)
			continue;
		check_nics(ir, z, d);
		check_disks(ir, z, d);
		check_routes(z, d);
		check_metadata(z, d);
		check_misc(z, d);
	}
	check_nic_tags(ir, d);
	return diag_since(d, errors);
}

/* ---- emit */

/* One payload being built; FAILED is sticky (jansson refused a value). */
struct payload {
	const struct ir		*ir;
	const struct ir_zinst	*zi;
	const struct emit_opts	*eo;
	struct diag		*d;
	const struct ir_kv	*secret;	/* first secret written */
	int			 failed;
	const char		*uuid;		/* the zone's */
};

static void
put(struct payload *p, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		p->failed = 1;
}

static void
append(struct payload *p, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		p->failed = 1;
}

static json_t *
jaddr(const struct ir *ir, uint32_t a)
{
	return json_string(ir_addr(ir, a));
}

/* A metadata/tags value; secrets as their value (or placeholder). */
static json_t *
jvalue(struct payload *p, const struct ir_kv *kv)
{
	const struct ir_value *v = &kv->val;
	json_t *j;

	switch (v->kind) {
	case IRV_STRING:
	case IRV_FLOAT:		/* metadata values are strings (resolve.c) */
		return json_string(v->s);
	case IRV_LIST:		/* config only */
		break;
	case IRV_INT:
		return json_integer(v->i);
	case IRV_BOOL:
		return json_boolean(v->i);
	case IRV_SECRET:
		j = json_string(secret_text(p->ir->arena, v->secret, p->eo));
		if (j == NULL) {
			diag_error(p->d, v->loc, "the value of secret \"%s\" is "
			    "not valid UTF-8, which a vmadm payload (JSON) "
			    "cannot carry", v->secret->name);
			return json_null();
		}
		if (p->secret == NULL)
			p->secret = kv;
		return j;
	}
	return NULL;
}

static json_t *
jkvs(struct payload *p, const struct ir_kv *kv, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		put(p, o, kv[i].key, jvalue(p, &kv[i]));
	return o;
}

/* A locally administered unicast MAC, from the version 5 UUID of
 * "<target>/<host>/<zone>/nic/<key>": stable, so `ztopo diff' finds the
 * nic again by it (vmadm updates and removes nics by MAC). */
static json_t *
jmac(struct payload *p, const struct ir_nic *nic)
{
	const struct ir_zinst *zi = p->zi;
	unsigned char b[6];
	char u[37], *q;
	size_t i;

	if (uuid_v5(VMADM_UUID_NS, arena_printf(p->ir->arena, "%s/%s/%s/nic/%s",
	    p->ir->target, zi->host->name, zi->zone->name, nic->key), u) != 0)
		return NULL;
	for (i = 0, q = u; i < 6; i++, q += 2) {
		if (*q == '-')
			q++;
		b[i] = (unsigned char)strtoul(arena_strndup(p->ir->arena, q, 2),
		    NULL, 16);
	}
	b[0] = (unsigned char)((b[0] & 0xfc) | 0x02);
	return json_string(arena_printf(p->ir->arena,
	    "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
	    b[5]));
}

static json_t *
jnic(struct payload *p, const struct ir_nic *nic)
{
	const struct ir *ir = p->ir;
	const struct ir_network *n = nic->network;
	json_t *o = json_object(), *a;

	put(p, o, "mac", jmac(p, nic));
	put(p, o, "nic_tag", json_string(n->nic_tag));
	a = json_array();
	append(p, a, json_string(arena_printf(ir->arena, "%s/%d",
	    ir_addr(ir, nic->addr), n->prefix)));
	put(p, o, "ips", a);
	if (n->gateway != 0) {
		a = json_array();
		append(p, a, jaddr(ir, n->gateway));
		put(p, o, "gateways", a);
	}
	if (n->vlan != IR_UNSET)
		put(p, o, "vlan_id", json_integer(n->vlan));
	if (n->mtu != IR_UNSET)
		put(p, o, "mtu", json_integer(n->mtu));
	if (nic->primary)
		put(p, o, "primary", json_true());
	if (BRAND_IS_HVM(p->zi->zone->image->brand) && nic->model != NULL)
		put(p, o, "model", json_string(nic->model));
	return o;
}

static json_t *
jdisks(struct payload *p, const struct ir_zone *z)
{
	json_t *a = json_array();
	size_t i, boot = z->ndisks;

	/* no disk says boot: the first one holding the zone's image does */
	for (i = 0; i < z->ndisks; i++)
		if (z->disks[i].boot)
			break;
	if (i == z->ndisks)
		for (i = 0; i < z->ndisks; i++)
			if (z->disks[i].image == z->image &&
			    !loc_set(z->disks[i].boot_loc)) {
				boot = i;
				break;
			}
	for (i = 0; i < z->ndisks; i++) {
		const struct ir_disk *dk = &z->disks[i];
		json_t *o = json_object();

		if (dk->image != NULL) {
			put(p, o, "image_uuid", json_string(dk->image->uuid));
			put(p, o, "image_size",
			    json_integer(dk->image->size_mib));
		} else
			put(p, o, "size", json_integer(dk->size_mib));
		put(p, o, "model", json_string(dk->model));
		if (dk->boot || i == boot)
			put(p, o, "boot", json_true());
		append(p, a, o);
	}
	return a;
}

static json_t *
jfilesystems(struct payload *p, const struct ir_zone *z)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; i < z->nfilesystems; i++) {
		const struct ir_fs *fs = &z->filesystems[i];
		json_t *o = json_object();

		put(p, o, "source", json_string(fs->source));
		put(p, o, "target", json_string(fs->target));
		put(p, o, "type", json_string(fs->type));
		if (fs->noptions > 0) {
			json_t *opts = json_array();

			for (j = 0; j < fs->noptions; j++)
				append(p, opts, json_string(fs->options[j]));
			put(p, o, "options", opts);
		}
		append(p, a, o);
	}
	return a;
}

/* Everything of OBJ is in ALLOW for brand B; else report what is not. */
static int
allowed(struct payload *p, json_t *obj, const struct allow *allow,
    const char *what)
{
	unsigned b = brand_table[p->zi->zone->image->brand].props;
	const char *key;
	json_t *v;
	int ok = 1;

	json_object_foreach(obj, key, v) {
		const struct allow *a;

		for (a = allow; a->name != NULL; a++)
			if (strcmp(a->name, key) == 0)
				break;
		if (a->name == NULL || !(a->class & b)) {
			diag_error(p->d, p->zi->loc, "internal error: the vmadm "
			    "payload of zone \"%s\" would hold %s%s, which "
			    "vmadm does not accept for brand %s", p->zi->zone
			    ->name, what, key, brand_name(p->zi->zone->image
			    ->brand));
			ok = 0;
		}
	}
	return ok;
}

static int
all_allowed(struct payload *p, json_t *root)
{
	unsigned b = brand_table[p->zi->zone->image->brand].props;
	const char *key;
	json_t *arr, *v;
	size_t i;
	int ok = 1;

	json_object_foreach(root, key, v) {
		const struct vmadm_prop *vp = vmadm_prop(key);

		if (vp == NULL || !(vp->create & b)) {
			diag_error(p->d, p->zi->loc, "internal error: the vmadm "
			    "payload of zone \"%s\" would hold %s, which vmadm "
			    "does not accept for brand %s", p->zi->zone->name,
			    key, brand_name(p->zi->zone->image->brand));
			ok = 0;
		}
	}

	if ((arr = json_object_get(root, "nics")) != NULL)
		json_array_foreach(arr, i, v)
			ok &= allowed(p, v, nic_allow, "nics.*.");
	if ((arr = json_object_get(root, "disks")) != NULL)
		json_array_foreach(arr, i, v)
			ok &= allowed(p, v, disk_allow, "disks.*.");
	if ((arr = json_object_get(root, "filesystems")) != NULL)
		json_array_foreach(arr, i, v)
			ok &= allowed(p, v, fs_allow, "filesystems.*.");
	return ok;
}

static json_t *
build(struct payload *p)
{
	const struct ir *ir = p->ir;
	const struct ir_zinst *zi = p->zi;
	const struct ir_zone *z = zi->zone;
	enum ir_brand b = z->image->brand;
	json_t *root = json_object(), *a;
	char uuid[37] = "";
	size_t i;

	if (uuid_v5(VMADM_UUID_NS, arena_printf(ir->arena, "%s/%s/%s",
	    ir->target, zi->host->name, z->name), uuid) != 0)
		p->failed = 1;
	p->uuid = arena_strdup(ir->arena, uuid);
	put(p, root, "uuid", json_string(uuid));
	put(p, root, "brand", json_string(brand_name(b)));
	put(p, root, "alias", json_string(zi->hostname));
	put(p, root, "hostname", json_string(zi->hostname));
	put(p, root, "autoboot", json_boolean(z->autoboot));
	put(p, root, "firewall_enabled", json_boolean(z->firewall_enabled));
	if (BRAND_IS_HVM(b)) {
		put(p, root, "vcpus", json_integer(z->vcpus));
		put(p, root, "ram", json_integer(z->ram_mib));
		put(p, root, "disks", jdisks(p, z));
	} else {
		put(p, root, "image_uuid", json_string(z->image->uuid));
		put(p, root, "delegate_dataset",
		    json_boolean(z->delegate_dataset));
		if (z->tmpfs_mib != IR_UNSET)
			put(p, root, "tmpfs", json_integer(z->tmpfs_mib));
		if (z->dns_domain != NULL)
			put(p, root, "dns_domain", json_string(z->dns_domain));
		if (z->nfilesystems > 0)
			put(p, root, "filesystems", jfilesystems(p, z));
	}
	if (BRAND_HAS(b, BP_LX))
		put(p, root, "kernel_version", json_string(z->kernel_version));
	put(p, root, "max_physical_memory", json_integer(z->memory_mib));
	put(p, root, "max_swap", json_integer(z->swap_mib));
	put(p, root, "max_locked_memory", json_integer(z->locked_mib));
	put(p, root, "quota", json_integer(z->quota_gib));
	if (z->cpu_cap != IR_UNSET)
		put(p, root, "cpu_cap", json_integer(z->cpu_cap));
	put(p, root, "cpu_shares", json_integer(z->cpu_shares));
	put(p, root, "max_lwps", json_integer(z->max_lwps));
	put(p, root, "zfs_io_priority", json_integer(z->zfs_io_priority));

	a = json_array();
	for (i = 0; i < zi->nnics; i++)
		append(p, a, jnic(p, &zi->nics[i]));
	put(p, root, "nics", a);
	if (z->nresolvers > 0) {
		a = json_array();
		for (i = 0; i < z->nresolvers; i++)
			append(p, a, jaddr(ir, z->resolvers[i]));
		put(p, root, "resolvers", a);
	}
	if (z->nroutes > 0) {
		a = json_object();
		for (i = 0; i < z->nroutes; i++)
			put(p, a, z->routes[i].dest,
			    json_string(z->routes[i].gateway));
		put(p, root, "routes", a);
	}
	if (z->nmetadata > 0 || z->user_script != NULL) {
		a = jkvs(p, z->metadata, z->nmetadata);
		if (z->user_script != NULL)
			put(p, a, "user-script", json_string(z->user_script));
		put(p, root, "customer_metadata", a);
	}
	if (z->ninternal_metadata > 0)
		put(p, root, "internal_metadata", jkvs(p, z->internal_metadata,
		    z->ninternal_metadata));
	a = jkvs(p, z->tags, z->ntags);
	put(p, a, VMADM_TAG, json_string(ir->target));
	put(p, root, "tags", a);
	return root;
}

json_t *
vmadm_payload(const struct ir *ir, const struct ir_zinst *zi,
    const struct emit_opts *eo, struct diag *d, const char **uuid,
    int *secret)
{
	struct payload p = { ir, zi, eo, d, NULL, 0, NULL };
	int before = diag_mark(d);
	json_t *root;

	root = build(&p);
	if (!all_allowed(&p, root) || diag_since(d, before) > 0 || p.failed) {
		if (diag_since(d, before) == 0)
			diag_error(d, zi->loc, "internal error: cannot build the "
			    "vmadm payload of zone \"%s\" on host \"%s\"",
			    zi->zone->name, zi->host->name);
		json_decref(root);
		return NULL;
	}
	*uuid = p.uuid;
	*secret = p.secret != NULL;
	return root;
}

/* The first secret ZI's payload carries, or NULL. */
static const struct ir_kv *
first_secret(const struct ir_zone *z)
{
	const struct ir_kv *kvs[3] = { z->metadata, z->internal_metadata,
	    z->tags };
	size_t nkvs[3] = { z->nmetadata, z->ninternal_metadata, z->ntags };
	size_t i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < nkvs[i]; j++)
			if (kvs[i][j].val.kind == IRV_SECRET)
				return &kvs[i][j];
	return NULL;
}

/* jansson's writer, into a strbuf */
static int
dump_to(const char *buf, size_t len, void *sb)
{
	sb_putn(sb, buf, len);
	return 0;
}

static int
vmadm_emit(const struct ir *ir, struct outset *os, struct diag *d,
    const struct emit_opts *eo)
{
	int errors = diag_mark(d);
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < ir->nzinsts; i++) {
		const struct ir_zinst *zi = ir->zinsts[i];
		struct arena_mark m = arena_mark(ir->arena);
		struct outfile *f;
		const char *path, *uuid;
		json_t *root;
		int has_secret, rc;

		if (zi->zone->image == NULL)
			continue;
		path = arena_printf(ir->arena, "%s/vmadm/%s.json",
		    zi->host->name, zi->zone->name);
		if ((root = vmadm_payload(ir, zi, eo, d, &uuid,
		    &has_secret)) == NULL)
			continue;
		sb.len = 0;
		rc = json_dump_callback(root, dump_to, &sb, JSON_INDENT(2) |
		    JSON_SORT_KEYS);
		json_decref(root);
		if (rc != 0) {
			diag_error(d, zi->loc, "internal error: cannot build the "
			    "vmadm payload of zone \"%s\" on host \"%s\"",
			    zi->zone->name, zi->host->name);
			continue;
		}
		sb_putc(&sb, '\n');
		f = out_add(os, ART_PAYLOAD, path, sb.buf, sb.len, has_secret ?
		    0600 : 0644, has_secret);
		f->host = zi->host;
		f->zinst = zi;
		f->apply = APPLY_CREATE;
		f->zone_uuid = out_keep(f, uuid);
		f->zpool = "zones";	/* vmadm's default: ztopo sets none */
		/* the payload's strings are not needed any more */
		arena_release(ir->arena, m);
	}
	sb_free(&sb);
	return diag_since(d, errors);
}

/* A payload that carries a secret is written 0600: say so. */
static void
vmadm_warn(const struct ir *ir, struct diag *d)
{
	size_t i;

	for (i = 0; i < ir->nzinsts; i++) {
		const struct ir_zinst *zi = ir->zinsts[i];
		const struct ir_kv *secret;

		if (zi->zone->image == NULL ||
		    (secret = first_secret(zi->zone)) == NULL)
			continue;
		diag_warning(d, W_SECRET_PAYLOAD, secret->val.loc, "%s/vmadm/"
		    "%s.json carries secret \"%s\"; it is written with mode "
		    "0600", zi->host->name, zi->zone->name,
		    secret->val.secret->name);
	}
}

const struct backend vmadm_backend = {
	.name = "vmadm",
	.description = "vmadm create payloads, one per zone instance",
	.check = vmadm_check,
	.emit = vmadm_emit,
	.warn = vmadm_warn,
};
