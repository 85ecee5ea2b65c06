/*
 * resolve_zone.c -- the resolve pass for zones: image, resources, nics,
 * filesystems, disks, metadata and services, with the brand's defaults
 * (brands.c) applied and the relations between memory properties that
 * vmadm would otherwise adjust silently reported.
 */
#include <ctype.h>
#include <string.h>

#include "resolve.h"

/* ---- zone */

#define Z	struct ir_zone
#define ZSIZE(n, id, f, br)	PROP_SCALAR(n, id, 0, PT_MIB, Z, f, br)

/* Indexed by enum zone_prop (ir.h); ids and order must match. */
static const struct prop zone_props[] = {
	PROP_REF("image", ZP_IMAGE, P_REQUIRED, Z, image, K_IMAGE),
	ZSIZE("memory", ZP_MEMORY, memory_mib, 0),
	ZSIZE("swap", ZP_SWAP, swap_mib, 0),
	ZSIZE("locked_memory", ZP_LOCKED, locked_mib, 0),
	ZSIZE("tmpfs", ZP_TMPFS, tmpfs_mib, BP_OS),
	PROP_SCALAR("quota", ZP_QUOTA, 0, PT_GIB, Z, quota_gib, 0),
	PROP_INT("cpu_cap", ZP_CPU_CAP, Z, cpu_cap, 1, 100000),
	PROP_INT("cpu_shares", ZP_CPU_SHARES, Z, cpu_shares, 1, 65535),
	PROP_INT("max_lwps", ZP_LWPS, Z, max_lwps, 1, 2147483647),
	PROP_INT("zfs_io_priority", ZP_IOPRIO, Z, zfs_io_priority, 0, 16383),
	{ "vcpus", ZP_VCPUS, 1, 1, 0, PT_INT, offsetof(Z, vcpus), 1, 64,
	    K_NETWORK, BP_HVM, 0 },
	ZSIZE("ram", ZP_RAM, ram_mib, BP_HVM),
	PROP_SCALAR("autoboot", ZP_AUTOBOOT, 0, PT_BOOL, Z, autoboot, 0),
	PROP_SCALAR("delegate_dataset", ZP_DELEGATE, 0, PT_BOOL, Z,
	    delegate_dataset, BP_OS),
	PROP_SCALAR("firewall", ZP_FIREWALL, 0, PT_BOOL, Z, firewall_enabled,
	    0),
	PROP_SCALAR("dns_domain", ZP_DNS, 0, PT_STRING, Z, dns_domain, BP_OS),
	PROP_SCALAR("kernel_version", ZP_KERNEL, 0, PT_STRING, Z,
	    kernel_version, BP_LX),
	PROP_SCALAR("user_script", ZP_SCRIPT, 0, PT_STRING, Z, user_script,
	    0),
	PROP_CUSTOM("nic", ZP_NIC, 1, 2, P_REPEAT | P_OPTBLOCK),
	PROP_CUSTOM("resolvers", ZP_RESOLVERS, 1, 16, 0),
	PROP_CUSTOM("route", ZP_ROUTE, 2, 2, P_REPEAT),
	PROP_CUSTOM("metadata", ZP_METADATA, 0, 0, P_BLOCK),
	PROP_CUSTOM("internal_metadata", ZP_IMETADATA, 0, 0, P_BLOCK),
	PROP_CUSTOM("tags", ZP_TAGS, 0, 0, P_BLOCK),
	{ "filesystem", ZP_FS, 0, 0, P_REPEAT | P_BLOCK, PT_CUSTOM, 0, 0, 0,
	    K_NETWORK, BP_OS, 0 },
	{ "disk", ZP_DISK, 0, 0, P_REPEAT | P_BLOCK, PT_CUSTOM, 0, 0, 0,
	    K_NETWORK, BP_HVM, 0 },
	PROP_CUSTOM("services", ZP_SERVICES, 1, 64, P_REPEAT),
};

enum { NI_ADDRESS, NI_PRIMARY, NI_MODEL };
static const struct prop nic_props[] = {
	PROP_CUSTOM("address", NI_ADDRESS, 1, 1, 0),
	PROP_SCALAR("primary", NI_PRIMARY, 0, PT_BOOL, struct ir_nic, primary,
	    0),
	PROP_SCALAR_AT("model", NI_MODEL, PT_STRING, struct ir_nic, model,
	    model_loc),
};
enum { FS_SOURCE, FS_TARGET, FS_TYPE, FS_OPTIONS };
static const struct prop fs_props[] = {
	PROP_SCALAR("source", FS_SOURCE, P_REQUIRED, PT_STRING, struct ir_fs,
	    source, 0),
	PROP_SCALAR("target", FS_TARGET, P_REQUIRED, PT_STRING, struct ir_fs,
	    target, 0),
	PROP_SCALAR("type", FS_TYPE, 0, PT_STRING, struct ir_fs, type, 0),
	PROP_CUSTOM("options", FS_OPTIONS, 1, 16, 0),
};
enum { DK_SIZE, DK_IMAGE, DK_MODEL, DK_BOOT };
static const struct prop disk_props[] = {
	PROP_CUSTOM("size", DK_SIZE, 1, 1, 0),	/* "disk size" in messages */
	{ "image", DK_IMAGE, 1, 1, 0, PT_REF, offsetof(struct ir_disk, image),
	    0, 0, K_IMAGE, 0, 1 + offsetof(struct ir_disk, image_loc) },
	PROP_SCALAR_AT("model", DK_MODEL, PT_STRING, struct ir_disk, model,
	    model_loc),
	PROP_CUSTOM("boot", DK_BOOT, 1, 1, 0),
};

static void
read_nic(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_nic *nic = PUSH(m, z->nics, z->nnics);
	struct ast_dir *c;
	struct block b;

	nic->loc = d->loc;
	nic->network = lookup_obj(m, K_NETWORK, d->args);
	if (d->nargs == 2 && get_addr(m, d->args->next, "nic",
	    &nic->addr) == 0) {
		nic->fixed = 1;
		nic->addr_loc = d->args->next->loc;
	}
	block_init(&b, nic_props, NPROPS(nic_props), "nic", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_read(m, &b, c, nic)) {
		case NI_ADDRESS:
			if (nic->fixed) {
				diag_error(m->diag, c->loc, "nic address given "
				    "twice");
				break;
			}
			if (get_addr(m, c->args, "address", &nic->addr) == 0) {
				nic->fixed = 1;
				nic->addr_loc = c->args->loc;
			}
			break;
		}
	}
	if (nic->network != NULL && nic->fixed &&
	    !in_net(nic->network, nic->addr))
		diag_error(m->diag, nic->addr_loc, "address %s is outside "
		    "network \"%s\" (%s/%d)", ipv4_str(m->arena, nic->addr),
		    nic->network->name, ipv4_str(m->arena, nic->network->net),
		    nic->network->prefix);
	if (nic->network == NULL)
		z->nnics--;
}

static void
read_fs(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_fs *fs = PUSH(m, z->filesystems, z->nfilesystems);
	struct ast_dir *c;
	struct block b;

	fs->loc = d->loc;
	fs->type = "lofs";
	block_init(&b, fs_props, NPROPS(fs_props), "filesystem", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_read(m, &b, c, fs)) {
		case FS_OPTIONS:
			fs->options = get_strs(m, c, &fs->noptions, "options",
			    0);
			break;
		}
	}
	block_finish(m, &b);
	if ((fs->source != NULL && fs->source[0] != '/') ||
	    (fs->target != NULL && fs->target[0] != '/'))
		diag_error(m->diag, d->loc, "filesystem source and target must "
		    "be absolute paths");
}

static void
read_disk(struct model *m, struct ir_zone *z, struct ast_dir *d)
{
	struct ir_disk *dk = PUSH(m, z->disks, z->ndisks);
	struct ast_dir *c;
	struct block b;

	dk->loc = d->loc;
	dk->size_mib = IR_UNSET;
	block_init(&b, disk_props, NPROPS(disk_props), "disk", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_read(m, &b, c, dk)) {
		case DK_SIZE:
			get_size(m, c->args, "disk size", 1LL << 20, "MiB",
			    &dk->size_mib);
			dk->size_loc = c->args->loc;
			break;
		case DK_BOOT:
			get_bool(m, c->args, "boot", &dk->boot);
			dk->boot_loc = c->loc;
			break;
		}
	}
	if (dk->image == NULL && dk->size_mib == IR_UNSET)
		diag_error(m->diag, d->loc, "disk needs a size or an image");
}

/*
 * Properties that Z's brand does not take (their row's brand classes,
 * brands.c), reported once each, in source order: what vmadm would
 * refuse or ignore.
 */
static void
brand_props(struct model *m, struct ir_zone *z, struct decl *dc)
{
	enum ir_brand br = z->image->brand;
	unsigned done = 0;
	struct ast_dir *d;
	size_t i;

	for (d = dc->ast->children; d != NULL; d = d->next)
		for (i = 0; i < NPROPS(zone_props); i++) {
			const struct prop *p = &zone_props[i];

			if (strcmp(p->name, d->name) != 0 || p->brands == 0 ||
			    BRAND_HAS(br, p->brands) || (done & (1u << i)))
				continue;
			done |= 1u << i;
			diag_error(m->diag, d->loc, "%s applies to %s zones "
			    "only, and zone \"%s\" uses %s image \"%s\"",
			    p->name, brand_list(m->arena, p->brands, -1,
			    "and"), z->name, brand_name(br), z->image->name);
			if (p->id == ZP_KERNEL)
				z->kernel_version = NULL;
		}
}

void
read_zone(struct model *m, struct decl *dc)
{
	struct ir_zone *z = dc->obj;
	struct ast_dir *d;
	struct block b;

	z->memory_mib = z->swap_mib = z->locked_mib = z->tmpfs_mib = IR_UNSET;
	z->quota_gib = z->cpu_cap = z->cpu_shares = z->max_lwps = IR_UNSET;
	z->zfs_io_priority = z->vcpus = z->ram_mib = IR_UNSET;
	z->autoboot = 1;
	block_init(&b, zone_props, NPROPS(zone_props),
	    arena_printf(m->arena, "zone \"%s\"", z->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		int id = block_read(m, &b, d, z);

		if (id >= 0 && z->set[id].src == NULL)
			z->set[id] = d->loc;
		switch (id) {
		case ZP_NIC:
			read_nic(m, z, d);
			break;
		case ZP_RESOLVERS:
			z->resolvers = get_addrs(m, d, &z->nresolvers,
			    "resolvers");
			break;
		case ZP_ROUTE: {
			struct ir_route *rt = PUSH(m, z->routes, z->nroutes);
			uint32_t a;
			int p;

			rt->loc = d->loc;
			rt->dest = v->s;
			rt->gateway = v->next->s;
			if (v->kind != AV_ADDR || (strchr(v->s, '/') ?
			    cidr_parse(v->s, &a, &p) != 0 || p < 8 :
			    ipv4_parse(v->s, &a) != 0)) {
				diag_error(m->diag, v->loc, "route destination "
				    "must be an IPv4 address or a CIDR block "
				    "with a prefix of 8 to 32");
				z->nroutes--;
			} else if (get_addr(m, v->next, "route gateway",
			    &a) != 0)
				z->nroutes--;
			break;
		}
		case ZP_METADATA:
			z->metadata = get_kvs(m, d, &z->nmetadata, 0,
			    "metadata");
			break;
		case ZP_IMETADATA:
			z->internal_metadata = get_kvs(m, d,
			    &z->ninternal_metadata, 1, "internal_metadata");
			break;
		case ZP_TAGS:
			z->tags = get_kvs(m, d, &z->ntags, 0, "tags");
			break;
		case ZP_FS:
			read_fs(m, z, d);
			break;
		case ZP_DISK:
			read_disk(m, z, d);
			break;
		case ZP_SERVICES: {
			struct ast_value *sv;

			for (sv = v; sv != NULL; sv = sv->next) {
				struct ast_value **it;
				size_t ni, j;

				it = items_of(m, sv, &ni);
				for (j = 0; j < ni; j++) {
					struct ir_service *s = lookup_obj(m,
					    K_SERVICE, it[j]);
					size_t k;

					if (s == NULL)
						continue;
					for (k = 0; k < z->nservices; k++)
						if (z->services[k] == s)
							break;
					if (k < z->nservices) {
						diag_error(m->diag, it[j]->loc,
						    "service \"%s\" listed "
						    "twice in zone \"%s\"",
						    s->name, z->name);
						continue;
					}
					k = z->nservices;
					*PUSH(m, z->services, z->nservices) = s;
					*PUSH(m, z->service_locs, k) =
					    it[j]->loc;
				}
			}
			break;
		}
		}
	}
	block_finish(m, &b);
	if (z->image == NULL)
		return;
	/* brand-dependent defaults and conflicts */
	if (BRAND_IS_HVM(z->image->brand)) {
		if (z->ram_mib == IR_UNSET && z->memory_mib != IR_UNSET) {
			diag_error(m->diag, ir_zone_loc(z, ZP_MEMORY), "memory "
			    "caps the whole %s zone \"%s\" (guest and "
			    "hypervisor); give the guest's memory with ram",
			    brand_name(z->image->brand), z->name);
			z->ram_mib = z->memory_mib > 256 ?
			    z->memory_mib - 256 : 0;
		}
		if (z->ram_mib == IR_UNSET)
			z->ram_mib = 1024;
		if (z->vcpus == IR_UNSET)
			z->vcpus = 1;
	}
	brand_props(m, z, dc);
	if (z->kernel_version == NULL)
		z->kernel_version = z->image->kernel_version;
	if (BRAND_HAS(z->image->brand, BP_LX) && z->kernel_version == NULL)
		diag_error(m->diag, dc->loc, "zone \"%s\" uses %s image \"%s\", "
		    "which needs a kernel_version (in the image or the zone)",
		    z->name, brand_name(z->image->brand), z->image->name);
	/* memory defaults, never a value vmadm would adjust */
	if (z->memory_mib == IR_UNSET)
		z->memory_mib = BRAND_IS_HVM(z->image->brand) ?
		    z->ram_mib + brand_table[z->image->brand].overhead_mib :
		    256;
	if (z->swap_mib == IR_UNSET)
		z->swap_mib = z->memory_mib > 256 ? z->memory_mib : 256;
	if (z->locked_mib == IR_UNSET)
		z->locked_mib = z->memory_mib;
	if (z->swap_mib < z->memory_mib || z->swap_mib < 256)
		diag_error(m->diag, ir_zone_loc(z, ZP_SWAP), "swap (%lld MiB) "
		    "must be at least memory (%lld MiB) and 256 MiB; vmadm "
		    "would raise it silently", z->swap_mib, z->memory_mib);
	if (z->locked_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, ZP_LOCKED),
		    "locked_memory (%lld MiB) exceeds memory (%lld MiB); vmadm "
		    "would lower it silently", z->locked_mib, z->memory_mib);
	if (z->tmpfs_mib != IR_UNSET && z->tmpfs_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, ZP_TMPFS), "tmpfs (%lld MiB) "
		    "exceeds memory (%lld MiB); vmadm would lower it silently",
		    z->tmpfs_mib, z->memory_mib);
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->memory_mib < z->ram_mib + 256)
		diag_error(m->diag, ir_zone_loc(z, ZP_MEMORY), "memory (%lld "
		    "MiB) must be at least ram + 256 MiB (%lld MiB) for a %s "
		    "zone; vmadm would raise it silently", z->memory_mib,
		    z->ram_mib + 256, brand_name(z->image->brand));
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->locked_mib < z->ram_mib + 256 && ir_zone_sets(z, ZP_LOCKED))
		diag_error(m->diag, ir_zone_loc(z, ZP_LOCKED),
		    "locked_memory (%lld MiB) must be at least ram + 256 MiB "
		    "(%lld MiB) for a %s zone; vmadm would raise it silently",
		    z->locked_mib, z->ram_mib + 256,
		    brand_name(z->image->brand));
	if (z->quota_gib == IR_UNSET)
		z->quota_gib = brand_table[z->image->brand].quota_gib;
	if (z->cpu_shares == IR_UNSET)
		z->cpu_shares = 100;
	if (z->max_lwps == IR_UNSET)
		z->max_lwps = 2000;
	if (z->zfs_io_priority == IR_UNSET)
		z->zfs_io_priority = 100;
	if (z->nnics == 0 && !ir_zone_sets(z, ZP_NIC))
		diag_error(m->diag, dc->loc, "zone \"%s\" has no nic", z->name);
	else {
		size_t i, primaries = 0;

		for (i = 0; i < z->nnics; i++)
			primaries += z->nics[i].primary;
		if (primaries > 1)
			diag_error(m->diag, dc->loc, "zone \"%s\" has %zu "
			    "primary nics; vmadm allows one", z->name,
			    primaries);
		else if (primaries == 0)
			z->nics[0].primary = 1;
	}
	if (z->nresolvers == 0 && z->nnics > 0) {
		z->resolvers = z->nics[0].network->resolvers;
		z->nresolvers = z->nics[0].network->nresolvers;
	}
}

