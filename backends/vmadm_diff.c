/*
 * vmadm_diff.c -- `ztopo diff --live DIR': every zone instance of a
 * target against what `vmadm lookup -j' prints on its host, and the
 * `vmadm update' payloads that bring the host to the description.
 *
 * DIR holds DIR/<host>.json per host of the target.  A zone instance is
 * found by its uuid (a pure function of target, host and zone, vmadm.c);
 * a zone on the host that carries ztopo's tag for this target but is no
 * longer described is an orphan.  Live objects are compared the way vmadm
 * stores them (vmadm-update.md, section 6): the defaults vmadm fills in,
 * `ips' from `ip'/`netmask', `gateways' from `gateway', `datasets' for
 * delegate_dataset; keys vmadm adds and ztopo never writes are not
 * looked at, so a zone freshly created from its payload is unchanged.
 *
 * Each changed property gets the effect vmadm_props[] gives it on that
 * brand; the zone's action is the strongest: update (live), reboot (takes
 * effect at the next boot; `stop' when vmadm needs the zone stopped),
 * reprovision, recreate.  The update payload holds only changed keys
 * vmadm accepts on update for the brand: set_/remove_ for maps, add_/
 * update_/remove_ for nics (by MAC), disks (by path) and filesystems (by
 * target), and every memory property together (vmadm moves the others
 * when one changes).  Nothing create-only, nothing vmadm drops or would
 * wait on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmadm.h"

enum action {
	A_UNCHANGED, A_UPDATE, A_REBOOT, A_REPROVISION, A_RECREATE,
	A_CREATE, A_ORPHAN
};
static const char *const action_name[] = {
	"unchanged", "update", "reboot", "reprovision", "recreate", "create",
	"orphan"
};
static const char *const effect_name[] = {
	[VE_LIVE] = "live", [VE_BOOT] = "reboot", [VE_STOP] = "stopped",
	[VE_REPROVISION] = "reprovision", [VE_RECREATE] = "recreate",
	[VE_RCTL] = "?", [VE_ROUTES] = "?"
};

struct change {
	const char	*prop;
	const char	*item;		/* MAC, path, target or map key */
	json_t		*from, *to;	/* owned; NULL: absent */
	enum vm_effect	 effect;	/* LIVE, BOOT, STOP, REPROVISION or
					 * RECREATE */
	int		 secret;	/* values not shown */
};

struct zdiff {
	const char		*host, *zone, *uuid, *alias;
	const struct ir_zinst	*zi;		/* NULL: orphan */
	enum action		 act;
	struct change		*ch;
	size_t			 nch;
	json_t			*update;	/* owned; NULL: none */
	json_t			*reprovision;	/* owned; NULL: none */
	int			 secret;	/* update holds a secret */
	int			 payload_secret; /* so does the payload */
	int			 stop;		/* update needs it stopped */
	const char		*state;		/* live state, or NULL */
};

struct differ {
	struct arena		*a;
	struct diag		*d;
	const struct ir		*ir;
	const struct ir_zinst	*zi;		/* being compared */
	enum ir_brand		 brand;
	struct zdiff		*z;
};

static json_t *
jget(json_t *o, const char *k)
{
	return o != NULL ? json_object_get(o, k) : NULL;
}

static json_t *
incref(json_t *j)
{
	return j != NULL ? json_incref(j) : NULL;
}

/* Two values equal as vmadm compares them; NULL is absent. */
static int
same(json_t *x, json_t *y)
{
	if (x == NULL || y == NULL)
		return x == y;
	if (json_is_number(x) && json_is_number(y))
		return json_number_value(x) == json_number_value(y);
	return json_equal(x, y);
}

static void
add_change(struct differ *df, const char *prop, const char *item,
    json_t *from, json_t *to, enum vm_effect e, int secret)
{
	struct zdiff *z = df->z;

	if ((z->nch & (z->nch - 1)) == 0) {
		struct change *n = arena_alloc(df->a, (z->nch ? z->nch * 2 : 1) *
		    sizeof(*n));

		if (z->nch)
			memcpy(n, z->ch, z->nch * sizeof(*n));
		z->ch = n;
	}
	/* item may be a key of a JSON object freed before the report */
	z->ch[z->nch++] = (struct change){ prop, item ? arena_strdup(df->a,
	    item) : NULL, incref(from), incref(to), e, secret };
}

/* VE_RCTL and VE_ROUTES resolved for the zone's brand. */
static enum vm_effect
effect_on(enum vm_effect e, enum ir_brand b)
{
	if (e == VE_RCTL)
		return brand_table[b].live_rctls ? VE_LIVE : VE_BOOT;
	if (e == VE_ROUTES)
		return brand_table[b].live_routes ? VE_LIVE : VE_BOOT;
	return e;
}

static json_t *
upd(struct differ *df)
{
	if (df->z->update == NULL)
		df->z->update = json_object();
	return df->z->update;
}

static void
upd_set(struct differ *df, const char *key, json_t *v)
{
	json_object_set(upd(df), key, v != NULL ? v : json_null());
}

/* KEY's array in the update payload, created empty. */
static json_t *
upd_arr(struct differ *df, const char *form, const char *prop)
{
	const char *key = arena_printf(df->a, "%s_%s", form, prop);
	json_t *arr = json_object_get(upd(df), key);

	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(upd(df), key, arr);
	}
	return arr;
}

static json_t *
upd_obj(struct differ *df, const char *prop)
{
	const char *key = arena_printf(df->a, "set_%s", prop);
	json_t *o = json_object_get(upd(df), key);

	if (o == NULL) {
		o = json_object();
		json_object_set_new(upd(df), key, o);
	}
	return o;
}

/* ---- normalising: what vmadm stores for a property ztopo writes */

/* Scalar KEY of O, a payload or a vmadm object: an absent key reads as
 * what vmadm fills in (one rule for both sides of the comparison). */
static json_t *
stored(json_t *o, const char *key, int os)
{
	json_t *v = json_object_get(o, key);

	if (v != NULL)
		return json_incref(v);
	if (os && strcmp(key, "tmpfs") == 0)
		return incref(json_object_get(o, "max_physical_memory"));
	if (os && strcmp(key, "dns_domain") == 0)
		return json_string("local");
	if (strcmp(key, "resolvers") == 0)
		return json_array();
	if (strcmp(key, "firewall_enabled") == 0)
		return json_false();
	return NULL;
}

/* The live value of scalar KEY; delegate_dataset is read from datasets,
 * which is what vmadm keeps of it. */
static json_t *
have(json_t *vm, const char *key, int os)
{
	if (strcmp(key, "delegate_dataset") == 0) {
		json_t *ds = json_object_get(vm, "datasets"), *e;
		const char *zfs = json_string_value(jget(vm, "zfs_filesystem"));
		size_t i;

		json_array_foreach(ds, i, e) {
			const char *s = json_string_value(e);
			size_t n = s ? strlen(s) : 0;

			if (s != NULL && (zfs != NULL ? strncmp(s, zfs,
			    strlen(zfs)) == 0 && strcmp(s + strlen(zfs),
			    "/data") == 0 : n > 5 && strcmp(s + n - 5,
			    "/data") == 0))
				return json_true();
		}
		return json_false();
	}
	return stored(vm, key, os);
}

static int
netmask_prefix(const char *m)
{
	uint32_t a;
	int n = 0;

	if (m == NULL || ipv4_parse(m, &a) != 0)
		return -1;
	while (n < 32 && (a & (0x80000000u >> n)))
		n++;
	return prefix_mask(n) == a ? n : -1;
}

/* A live nic as the payload writes one: ips, gateways, and only the
 * members ztopo writes; vlan_id 0 and primary false are absent. */
static json_t *
live_nic(struct arena *a, json_t *n)
{
	static const char *const keep[] = { "mac", "nic_tag", "mtu", "model",
		NULL };
	json_t *o = json_object(), *v;
	size_t i;

	for (i = 0; keep[i] != NULL; i++)
		if ((v = json_object_get(n, keep[i])) != NULL)
			json_object_set(o, keep[i], v);
	if ((v = json_object_get(n, "mac")) != NULL && json_is_string(v)) {
		char *m = arena_strdup(a, json_string_value(v)), *q;

		for (q = m; *q; q++)
			if (*q >= 'A' && *q <= 'F')
				*q = (char)(*q - 'A' + 'a');
		json_object_set_new(o, "mac", json_string(m));
	}
	if ((v = json_object_get(n, "ips")) != NULL)
		json_object_set(o, "ips", v);
	else if ((v = json_object_get(n, "ip")) != NULL && json_is_string(v)) {
		int pl = netmask_prefix(json_string_value(jget(n, "netmask")));
		json_t *arr = json_array();

		json_array_append_new(arr, json_string(pl < 0 ?
		    json_string_value(v) : arena_printf(a, "%s/%d",
		    json_string_value(v), pl)));
		json_object_set_new(o, "ips", arr);
	}
	if ((v = json_object_get(n, "gateways")) != NULL)
		json_object_set(o, "gateways", v);
	else if ((v = json_object_get(n, "gateway")) != NULL) {
		json_t *arr = json_array();

		json_array_append(arr, v);
		json_object_set_new(o, "gateways", arr);
	}
	if ((v = json_object_get(n, "vlan_id")) != NULL &&
	    json_integer_value(v) != 0)
		json_object_set(o, "vlan_id", v);
	if (json_is_true(json_object_get(n, "primary")))
		json_object_set(o, "primary", json_true());
	return o;
}

/* ---- comparing */

/* Is KEY of map PROP a secret of the zone (its value never shown)? */
static int
secret_key(const struct ir_zone *z, const char *prop, const char *key)
{
	const struct ir_kv *kv = NULL;
	size_t i, n = 0;

	if (strcmp(prop, "customer_metadata") == 0)
		kv = z->metadata, n = z->nmetadata;
	else if (strcmp(prop, "internal_metadata") == 0)
		kv = z->internal_metadata, n = z->ninternal_metadata;
	else if (strcmp(prop, "tags") == 0)
		kv = z->tags, n = z->ntags;
	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val.kind == IRV_SECRET;
	return 0;
}

static void
diff_map(struct differ *df, const struct vmadm_prop *vp, json_t *p,
    json_t *vm)
{
	json_t *w = json_object_get(p, vp->name);
	json_t *h = json_object_get(vm, vp->name);
	enum vm_effect e = effect_on(vp->effect, df->brand);
	const char *key;
	json_t *v;

	json_object_foreach(w, key, v) {
		json_t *old = jget(h, key);
		int sec = secret_key(df->zi->zone, vp->name, key);

		if (same(old, v))
			continue;
		/* user-script runs at boot only */
		add_change(df, vp->name, key, old, v, strcmp(vp->name,
		    "customer_metadata") == 0 && strcmp(key, "user-script") ==
		    0 ? VE_BOOT : e, sec);
		json_object_set(upd_obj(df, vp->name), key, v);
		df->z->secret |= sec;
	}
	json_object_foreach(h, key, v) {
		if (jget(w, key) != NULL)
			continue;
		add_change(df, vp->name, key, v, NULL, e, 0);
		json_array_append_new(upd_arr(df, "remove", vp->name),
		    json_string(key));
	}
}

/* The members of L that U names (absent ones as null): what changes. */
static json_t *
members(json_t *l, json_t *u)
{
	json_t *o = json_object(), *v;
	const char *k;

	json_object_foreach(u, k, v)
		json_object_set(o, k, jget(l, k) ? jget(l, k) : json_null());
	return o;
}

static json_t *
find_item(json_t *arr, const char *id, const char *val)
{
	json_t *e;
	size_t i;

	json_array_foreach(arr, i, e) {
		const char *s = json_string_value(jget(e, id));

		if (s != NULL && strcmp(s, val) == 0)
			return e;
	}
	return NULL;
}

static void
diff_nics(struct differ *df, const struct vmadm_prop *vp, json_t *p,
    json_t *vm)
{
	json_t *w = json_object_get(p, "nics"), *live = json_array(), *n;
	json_t *spelt = json_object();	/* lower case -> as vmadm has it */
	size_t i;

	/* nics are matched on their MAC in lower case; vmadm updates and
	 * removes a nic by its MAC exactly as it stores it */
	json_array_foreach(jget(vm, "nics"), i, n) {
		json_t *ln = live_nic(df->a, n);

		if (json_is_string(jget(ln, "mac")) &&
		    json_is_string(jget(n, "mac")))
			json_object_set(spelt, json_string_value(jget(ln, "mac")),
			    jget(n, "mac"));
		json_array_append_new(live, ln);
	}
	json_array_foreach(w, i, n) {
		const char *mac = json_string_value(jget(n, "mac")), *k;
		json_t *l = find_item(live, "mac", mac), *u, *v;

		if (l == NULL) {
			add_change(df, "nics", mac, NULL, n, vp->effect, 0);
			json_array_append(upd_arr(df, "add", "nics"), n);
			continue;
		}
		u = json_object();
		json_object_foreach(n, k, v)
			if (!same(jget(l, k), v))
				json_object_set(u, k, v);
		if (jget(n, "vlan_id") == NULL && jget(l, "vlan_id") != NULL)
			json_object_set_new(u, "vlan_id", json_integer(0));
		/* primary moves by setting it where it goes (never false) */
		if (jget(n, "primary") == NULL)
			json_object_del(u, "primary");
		if (json_object_size(u) > 0) {
			json_t *was = members(l, u), *to = json_copy(u);

			add_change(df, "nics", mac, was, to, vp->effect, 0);
			json_decref(was);
			json_decref(to);
			json_object_set(u, "mac", json_object_get(spelt, mac));
			json_array_append(upd_arr(df, "update", "nics"), u);
		}
		json_decref(u);
	}
	json_array_foreach(live, i, n) {
		const char *mac = json_string_value(jget(n, "mac"));

		if (mac == NULL || find_item(w, "mac", mac) != NULL)
			continue;
		add_change(df, "nics", mac, n, NULL, vp->effect, 0);
		json_array_append(upd_arr(df, "remove", "nics"),
		    json_object_get(spelt, mac));
	}
	json_decref(live);
	json_decref(spelt);
}

/* HVM disks, the Nth desired one against the Nth live one (vmadm lists
 * them in their order, and names them diskN). */
static void
diff_disks(struct differ *df, json_t *p, json_t *vm)
{
	json_t *w = json_object_get(p, "disks"), *h = jget(vm, "disks"), *n;
	const struct brand_info *bi = &brand_table[df->brand];
	size_t i;

	json_array_foreach(w, i, n) {
		json_t *l = json_array_get(h, i), *u;
		const char *path = json_string_value(jget(l, "path"));
		const char *item = path != NULL ? path :
		    arena_printf(df->a, "disk%zu", i);
		long long ws, hs;

		if (l == NULL || path == NULL) {
			add_change(df, "disks", item, NULL, n, VE_STOP, 0);
			json_array_append(upd_arr(df, "add", "disks"), n);
			continue;
		}
		if (!same(jget(n, "image_uuid"), jget(l, "image_uuid"))) {
			/* a new image in the boot disk: reprovision */
			add_change(df, "disks", item, jget(l, "image_uuid"),
			    jget(n, "image_uuid"), i == 0 && bi->reprovision &&
			    jget(n, "image_uuid") != NULL ? VE_REPROVISION :
			    VE_RECREATE, 0);
			if (i == 0 && jget(n, "image_uuid") != NULL) {
				json_decref(df->z->reprovision);
				df->z->reprovision = json_pack("{sO}",
				    "image_uuid", jget(n, "image_uuid"));
			}
			continue;
		}
		u = json_object();
		if (!same(jget(n, "model"), jget(l, "model")))
			json_object_set(u, "model", jget(n, "model"));
		if (json_is_true(jget(n, "boot")) !=
		    json_is_true(jget(l, "boot")))
			json_object_set_new(u, "boot",
			    json_boolean(json_is_true(jget(n, "boot"))));
		ws = json_integer_value(jget(n, "size"));
		hs = json_integer_value(jget(l, "size"));
		if (jget(n, "size") != NULL && ws != hs) {
			if (!bi->disk_resize || ws < hs)
				/* kvm drops size; a shrink would need
				 * dangerous_allow_shrink */
				add_change(df, "disks", arena_printf(df->a,
				    "%s size", item), jget(l, "size"),
				    jget(n, "size"), VE_RECREATE, 0);
			else
				json_object_set(u, "size", jget(n, "size"));
		}
		if (json_object_size(u) > 0) {
			json_t *was = members(l, u), *to = json_copy(u);

			add_change(df, "disks", item, was, to, VE_STOP, 0);
			json_decref(was);
			json_decref(to);
			json_object_set_new(u, "path", json_string(path));
			json_array_append(upd_arr(df, "update", "disks"), u);
		}
		json_decref(u);
	}
	for (i = json_array_size(w); i < json_array_size(h); i++) {
		json_t *l = json_array_get(h, i);
		const char *path = json_string_value(jget(l, "path"));

		if (path == NULL)
			continue;
		add_change(df, "disks", path, l, NULL, VE_STOP, 0);
		json_array_append_new(upd_arr(df, "remove", "disks"),
		    json_string(path));
	}
}

static void
diff_filesystems(struct differ *df, const struct vmadm_prop *vp,
    json_t *p, json_t *vm)
{
	json_t *w = json_object_get(p, "filesystems");
	json_t *h = jget(vm, "filesystems"), *n;
	size_t i;

	json_array_foreach(w, i, n) {
		const char *t = json_string_value(jget(n, "target")), *k;
		json_t *l = find_item(h, "target", t), *v;
		int differs = 0;

		if (l == NULL) {
			add_change(df, "filesystems", t, NULL, n, vp->effect, 0);
			json_array_append(upd_arr(df, "add", "filesystems"), n);
			continue;
		}
		json_object_foreach(n, k, v)
			differs |= !same(jget(l, k), v);
		differs |= jget(n, "options") == NULL &&
		    json_array_size(jget(l, "options")) > 0;
		if (!differs)
			continue;
		add_change(df, "filesystems", t, l, n, vp->effect, 0);
		json_array_append(upd_arr(df, "update", "filesystems"), n);
	}
	json_array_foreach(h, i, n) {
		const char *t = json_string_value(jget(n, "target"));

		if (t == NULL || find_item(w, "target", t) != NULL)
			continue;
		add_change(df, "filesystems", t, n, NULL, vp->effect, 0);
		json_array_append_new(upd_arr(df, "remove", "filesystems"),
		    json_string(t));
	}
}

/* vmadm moves the other memory limits when one changes: send them all */
static const char *const memory_props[] = { "max_physical_memory",
	"max_locked_memory", "max_swap", "tmpfs", "ram", NULL };

static void
diff_zone(struct differ *df, json_t *p, json_t *vm)
{
	unsigned cls = brand_table[df->brand].props;
	int os = !BRAND_IS_HVM(df->brand), mem = 0;
	const struct vmadm_prop *vp;
	size_t i;

	for (vp = vmadm_props; vp->name != NULL; vp++) {
		json_t *w, *h;
		enum vm_effect e;

		if (!(vp->create & cls) || strcmp(vp->name, "uuid") == 0)
			continue;
		if (vp->form == VF_MAP) {
			diff_map(df, vp, p, vm);
			continue;
		}
		if (strcmp(vp->name, "nics") == 0) {
			diff_nics(df, vp, p, vm);
			continue;
		}
		if (strcmp(vp->name, "disks") == 0) {
			diff_disks(df, p, vm);
			continue;
		}
		if (strcmp(vp->name, "filesystems") == 0) {
			diff_filesystems(df, vp, p, vm);
			continue;
		}
		/* ram: HVM only (lookup -j adds one to OS zones) */
		if (strcmp(vp->name, "ram") == 0 && os)
			continue;
		w = stored(p, vp->name, os);
		h = have(vm, vp->name, os);
		if (same(w, h)) {
			json_decref(w);
			json_decref(h);
			continue;
		}
		e = effect_on(vp->effect, df->brand);
		if (e == VE_REPROVISION && !brand_table[df->brand].reprovision)
			e = VE_RECREATE;
		/* tmpfs to or from 0 needs a reboot */
		if (strcmp(vp->name, "tmpfs") == 0 &&
		    (json_integer_value(w) == 0 || json_integer_value(h) == 0))
			e = VE_BOOT;
		add_change(df, vp->name, NULL, h, w, e, 0);
		if (e == VE_REPROVISION) {
			json_decref(df->z->reprovision);
			df->z->reprovision = json_pack("{sO}", "image_uuid", w);
		} else if (e != VE_RECREATE) {
			upd_set(df, vp->name, w);
			for (i = 0; memory_props[i] != NULL; i++)
				mem |= strcmp(memory_props[i], vp->name) == 0;
		}
		json_decref(w);
		json_decref(h);
	}
	for (i = 0; mem && memory_props[i] != NULL; i++) {
		json_t *w;

		if ((strcmp(memory_props[i], "ram") == 0) == os)
			continue;
		if (strcmp(memory_props[i], "tmpfs") == 0 && !os)
			continue;
		if ((w = stored(p, memory_props[i], os)) != NULL)
			upd_set(df, memory_props[i], w);
		json_decref(w);
	}
}

static enum action
action_of(struct zdiff *z)
{
	enum action act = A_UNCHANGED;
	size_t i;

	for (i = 0; i < z->nch; i++) {
		enum action a = A_UPDATE;

		switch (z->ch[i].effect) {
		case VE_STOP:
			z->stop = 1;
			/* FALLTHROUGH */
		case VE_BOOT:
			a = A_REBOOT;
			break;
		case VE_REPROVISION:
			a = A_REPROVISION;
			break;
		case VE_RECREATE:
			a = A_RECREATE;
			break;
		default:
			break;
		}
		if (a > act)
			act = a;
	}
	return act;
}

/* ---- the live state: DIR/<host>.json */

static struct loc
json_loc(const struct src *s, int line, int col)
{
	struct loc l = { s, line, col, 1 };
	size_t start, end;

	if (line < 1 || (size_t)line > s->nlines) {
		l.line = (int)(s->nlines > 0 ? s->nlines : 1);
		l.col = 1;
		return l;
	}
	start = s->lines[line - 1];
	end = (size_t)line < s->nlines ? s->lines[line] : s->len;
	if (col < 1)
		l.col = 1;
	if ((size_t)l.col > end - start + 1)
		l.col = (int)(end - start) + 1;
	return l;
}

/* The objects of DIR/HOST.json; NULL after an error (*sys: a system
 * error, printed; else reported in D). */
static json_t *
load_live(struct arena *a, struct diag *d, const char *dir,
    const char *host, int *sys)
{
	const char *path = arena_printf(a, "%s/%s.json", dir, host);
	struct src *s;
	json_error_t err;
	json_t *arr, *e;
	size_t i;

	if ((s = src_read(a, path, NULL)) == NULL) {
		fprintf(stderr, "ztopo: %s: %s%s\n", path, src_strerror(errno),
		    errno == ENOENT ? arena_printf(a, " (the live state of host "
		    "\"%s\": what `vmadm lookup -j' prints there)", host) : "");
		*sys = 1;
		return NULL;
	}
	if (utf8_check((const unsigned char *)s->text, s->len) >= 0) {
		diag_error(d, json_loc(s, 1, 1), "not valid UTF-8");
		return NULL;
	}
	if ((arr = json_loadb(s->text, s->len, JSON_REJECT_DUPLICATES,
	    &err)) == NULL) {
		diag_error(d, json_loc(s, err.line, err.column), "invalid "
		    "JSON: %s", err.text);
		return NULL;
	}
	if (!json_is_array(arr)) {
		diag_error(d, json_loc(s, 1, 1), "expected the JSON array "
		    "`vmadm lookup -j' prints");
		json_decref(arr);
		return NULL;
	}
	json_array_foreach(arr, i, e)
		if (!json_is_object(e) ||
		    !json_is_string(json_object_get(e, "uuid")) ||
		    !json_is_string(json_object_get(e, "brand"))) {
			diag_error(d, json_loc(s, 1, 1), "element %zu is not a "
			    "vmadm object with a uuid and a brand", i);
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* ---- reporting */

static const char *
show(struct arena *a, json_t *v, int secret)
{
	char *t;
	const char *out;

	if (v == NULL)
		return "(none)";
	if (secret)
		return "(secret)";
	if ((t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_SORT_KEYS)) == NULL)
		return "?";
	out = arena_strdup(a, t);
	free(t);
	return out;
}

static const char *const action_text[] = {
	"unchanged", "update (live)", "reboot (takes effect at the next boot)",
	"reprovision (vmadm reprovision with the new image)",
	"recreate (a create-only property changed)", "create",
	"orphan (tagged for this target, no longer described)"
};

static void
print_text(struct arena *a, FILE *fp, struct zdiff *zs, size_t n)
{
	size_t i, j, count[A_ORPHAN + 1] = { 0 };

	for (i = 0; i < n; i++) {
		struct zdiff *z = &zs[i];

		count[z->act]++;
		fprintf(fp, "%-11s %s/%s", action_name[z->act], z->host,
		    z->zone != NULL ? z->zone : z->uuid);
		if (z->act == A_ORPHAN)
			fprintf(fp, z->alias ? " (alias %s)" : " (no alias)",
			    z->alias);
		if (z->act != A_UNCHANGED && z->act != A_CREATE)
			fprintf(fp, ": %s%s", action_text[z->act],
			    z->stop ? "; vmadm needs the zone stopped" : "");
		fputc('\n', fp);
		for (j = 0; j < z->nch; j++) {
			const struct change *c = &z->ch[j];

			fprintf(fp, "    %s%s%s: %s -> %s (%s)\n", c->prop,
			    c->item ? " " : "", c->item ? c->item : "",
			    show(a, c->from, c->secret), show(a, c->to,
			    c->secret), effect_name[c->effect]);
		}
	}
	fprintf(fp, "%zu to create, %zu to update, %zu to reboot, %zu to "
	    "reprovision, %zu to recreate, %zu orphaned, %zu unchanged\n",
	    count[A_CREATE], count[A_UPDATE], count[A_REBOOT],
	    count[A_REPROVISION], count[A_RECREATE], count[A_ORPHAN],
	    count[A_UNCHANGED]);
}

/* A copy of an update payload with the zone's secret values masked. */
static json_t *
masked(const struct zdiff *z)
{
	static const char *const maps[] = { "customer_metadata",
		"internal_metadata", "tags", NULL };
	json_t *u = json_deep_copy(z->update), *o, *v;
	const char *k;
	char key[64];
	size_t i;

	for (i = 0; maps[i] != NULL && z->secret; i++) {
		snprintf(key, sizeof(key), "set_%s", maps[i]);
		o = json_object_get(u, key);
		json_object_foreach(o, k, v)
			if (secret_key(z->zi->zone, maps[i], k))
				json_object_set_new(o, k, json_string("(secret)"));
	}
	return u;
}

static json_t *
report_json(const struct ir *ir, struct zdiff *zs, size_t n, int files)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i, j, count[A_ORPHAN + 1] = { 0 };
	int changed = 0;

	for (i = 0; i < n; i++) {
		struct zdiff *z = &zs[i];
		json_t *o = json_object(), *ch = json_array();

		count[z->act]++;
		changed |= z->act != A_UNCHANGED;
		json_object_set_new(o, "host", json_string(z->host));
		json_object_set_new(o, "zone", z->zone ? json_string(z->zone) :
		    json_null());
		json_object_set_new(o, "uuid", json_string(z->uuid));
		json_object_set_new(o, "alias", z->alias ?
		    json_string(z->alias) : json_null());
		json_object_set_new(o, "action",
		    json_string(action_name[z->act]));
		json_object_set_new(o, "stop", json_boolean(z->stop));
		json_object_set_new(o, "secret", json_boolean(z->payload_secret));
		json_object_set_new(o, "state", z->state ?
		    json_string(z->state) : json_null());
		for (j = 0; j < z->nch; j++) {
			const struct change *c = &z->ch[j];
			json_t *x = json_object();

			json_object_set_new(x, "property", json_string(c->prop));
			json_object_set_new(x, "item", c->item ?
			    json_string(c->item) : json_null());
			json_object_set_new(x, "from", c->secret ?
			    json_string("(secret)") : c->from ?
			    json_incref(c->from) : json_null());
			json_object_set_new(x, "to", c->secret ?
			    json_string("(secret)") : c->to ?
			    json_incref(c->to) : json_null());
			json_object_set_new(x, "effect",
			    json_string(effect_name[c->effect]));
			json_array_append_new(ch, x);
		}
		json_object_set_new(o, "changes", ch);
		json_object_set_new(o, "update", z->update && z->act !=
		    A_RECREATE ? masked(z) : json_null());
		json_object_set_new(o, "update_file", files && z->update &&
		    z->act != A_RECREATE ? json_string(arena_printf(ir->arena,
		    "%s/%s.update.json", z->host, z->zone)) : json_null());
		json_object_set_new(o, "reprovision", z->reprovision &&
		    z->act == A_REPROVISION ? json_incref(z->reprovision) :
		    json_null());
		json_object_set_new(o, "payload", z->zi != NULL ?
		    json_string(arena_printf(ir->arena, "%s/vmadm/%s.json", z->host,
		    z->zone)) : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "target", json_string(ir->target));
	json_object_set_new(root, "changed", json_boolean(changed));
	json_object_set_new(root, "zones", arr);
	{
		json_t *s = json_object();

		for (i = 0; i <= A_ORPHAN; i++)
			json_object_set_new(s, action_name[i],
			    json_integer((json_int_t)count[i]));
		json_object_set_new(root, "summary", s);
	}
	return root;
}

/* ---- the command */

static void
free_zdiffs(struct zdiff *zs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < zs[i].nch; j++) {
			json_decref(zs[i].ch[j].from);
			json_decref(zs[i].ch[j].to);
		}
		json_decref(zs[i].update);
		json_decref(zs[i].reprovision);
	}
}

static int
write_json(struct arena *a, const char *path, json_t *j, mode_t mode)
{
	char *t = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int rc;

	if (t == NULL) {
		fprintf(stderr, "ztopo: %s: cannot encode\n", path);
		return -1;
	}
	rc = write_atomic(a, path, arena_printf(a, "%s\n", t), strlen(t) + 1,
	    mode);
	free(t);
	return rc;
}

/* OUT: diff.json, and per zone HOST/ZONE.update.json (0600 when it
 * holds a secret) and HOST/ZONE.reprovision.json. */
static int
write_out(struct arena *a, const char *out, json_t *report,
    struct zdiff *zs, size_t n)
{
	struct stat st;
	size_t i;

	if (stat(out, &st) == 0) {
		fprintf(stderr, "ztopo: %s: exists; ztopo diff -o writes a new "
		    "directory\n", out);
		return -1;
	}
	if (mkdir(out, 0755) == -1) {
		fprintf(stderr, "ztopo: %s: %s\n", out, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct zdiff *z = &zs[i];
		const char *dir = arena_printf(a, "%s/%s", out, z->host);

		if ((z->update == NULL || z->act == A_RECREATE) &&
		    (z->reprovision == NULL || z->act != A_REPROVISION))
			continue;
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			fprintf(stderr, "ztopo: %s: %s\n", dir, strerror(errno));
			return -1;
		}
		if (z->update != NULL && z->act != A_RECREATE &&
		    write_json(a, arena_printf(a, "%s/%s.update.json", dir,
		    z->zone), z->update, z->secret ? 0600 : 0644) == -1)
			return -1;
		if (z->reprovision != NULL && z->act == A_REPROVISION &&
		    write_json(a, arena_printf(a, "%s/%s.reprovision.json", dir,
		    z->zone), z->reprovision, 0644) == -1)
			return -1;
	}
	return write_json(a, arena_printf(a, "%s/diff.json", out), report,
	    0644);
}

int
vmadm_diff(struct arena *a, struct diag *d, const struct ir *ir,
    const struct emit_opts *eo, const char *live, const char *out,
    int json, FILE *fp)
{
	json_t **lives = arena_alloc(a, (ir->nhosts + 1) * sizeof(*lives));
	struct vec zv = { NULL, 0, 0 };
	struct zdiff *zs;
	json_t *report;
	size_t i, j, k, n;
	int sys = 0, rc = -1, changed = 0;

	for (i = 0; i < ir->nhosts; i++)
		lives[i] = load_live(a, d, live, ir->hosts[i]->name, &sys);
	if (sys || diag_failed(d))
		goto done;
	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];
		struct hash *seen = hash_new(a);
		json_t *vm = NULL;

		for (j = 0; j < h->nzones; j++) {
			const struct ir_zinst *zi = h->zones[j];
			struct zdiff *z = arena_alloc(a, sizeof(*z));
			struct differ df = { a, d, ir, zi, 0, z };
			const char *uuid;
			json_t *p;
			int secret;

			if (zi->zone->image == NULL)
				continue;
			if ((p = vmadm_payload(ir, zi, eo, d, &uuid,
			    &secret)) == NULL)
				continue;
			df.brand = zi->zone->image->brand;
			z->payload_secret = secret;
			z->host = h->name;
			z->zone = zi->zone->name;
			z->uuid = uuid;
			z->alias = zi->hostname;
			z->zi = zi;
			vec_push(a, &zv, z);
			hash_put(seen, uuid, z);
			json_array_foreach(lives[i], k, vm)
				if (strcmp(json_string_value(json_object_get(vm,
				    "uuid")), uuid) == 0)
					break;
			if (k == json_array_size(lives[i])) {
				z->act = A_CREATE;
				json_decref(p);
				continue;
			}
			z->state = json_string_value(json_object_get(vm,
			    "state"));
			if (!same(json_object_get(p, "brand"),
			    json_object_get(vm, "brand")))
				add_change(&df, "brand", NULL,
				    json_object_get(vm, "brand"),
				    json_object_get(p, "brand"), VE_RECREATE, 0);
			else
				diff_zone(&df, p, vm);
			z->act = action_of(z);
			json_decref(p);
		}
		json_array_foreach(lives[i], k, vm) {
			const char *uuid = json_string_value(json_object_get(vm,
			    "uuid"));
			const char *tag = json_string_value(jget(json_object_get(
			    vm, "tags"), VMADM_TAG));
			struct zdiff *z;

			if (hash_get(seen, uuid) != NULL || tag == NULL ||
			    strcmp(tag, ir->target) != 0)
				continue;
			z = arena_alloc(a, sizeof(*z));
			z->host = h->name;
			z->uuid = arena_strdup(a, uuid);
			z->alias = json_string_value(json_object_get(vm,
			    "alias")) ? arena_strdup(a, json_string_value(
			    json_object_get(vm, "alias"))) : NULL;
			z->state = json_string_value(json_object_get(vm,
			    "state")) ? arena_strdup(a, json_string_value(
			    json_object_get(vm, "state"))) : NULL;
			z->act = A_ORPHAN;
			vec_push(a, &zv, z);
		}
	}
	n = zv.n;
	zs = arena_alloc(a, (n + 1) * sizeof(*zs));
	for (i = 0; i < n; i++) {
		zs[i] = *(struct zdiff *)zv.v[i];
		changed |= zs[i].act != A_UNCHANGED;
	}
	if (diag_failed(d)) {
		free_zdiffs(zs, n);
		goto done;
	}
	/* states are borrowed from the live objects: copy them */
	for (i = 0; i < n; i++)
		if (zs[i].state != NULL)
			zs[i].state = arena_strdup(a, zs[i].state);
	report = report_json(ir, zs, n, out != NULL);
	rc = 0;
	if (out != NULL && write_out(a, out, report, zs, n) == -1)
		rc = -2;
	if (rc == 0) {
		if (json) {
			if (json_dumpf(report, fp, JSON_INDENT(2) |
			    JSON_SORT_KEYS) == -1 || fputc('\n', fp) == EOF)
				rc = -2;
		} else
			print_text(a, fp, zs, n);
		if (rc == 0)
			rc = changed;
	}
	json_decref(report);
	free_zdiffs(zs, n);
done:
	for (i = 0; i < ir->nhosts; i++)
		json_decref(lives[i]);
	return sys ? -2 : rc;
}
