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

enum { ZN_IMAGE, ZN_MEMORY, ZN_SWAP, ZN_LOCKED, ZN_TMPFS, ZN_QUOTA,
	ZN_CPU_CAP, ZN_CPU_SHARES, ZN_LWPS, ZN_IOPRIO, ZN_VCPUS, ZN_RAM,
	ZN_AUTOBOOT, ZN_DELEGATE, ZN_FIREWALL, ZN_DNS, ZN_KERNEL, ZN_SCRIPT,
	ZN_NIC, ZN_RESOLVERS, ZN_ROUTE, ZN_METADATA, ZN_IMETADATA, ZN_TAGS,
	ZN_FS, ZN_DISK, ZN_SERVICES };
static const struct prop zone_props[] = {
	{ "image", ZN_IMAGE, 1, 1, P_REQUIRED },
	{ "memory", ZN_MEMORY, 1, 1, 0 },
	{ "swap", ZN_SWAP, 1, 1, 0 },
	{ "locked_memory", ZN_LOCKED, 1, 1, 0 },
	{ "tmpfs", ZN_TMPFS, 1, 1, 0 },
	{ "quota", ZN_QUOTA, 1, 1, 0 },
	{ "cpu_cap", ZN_CPU_CAP, 1, 1, 0 },
	{ "cpu_shares", ZN_CPU_SHARES, 1, 1, 0 },
	{ "max_lwps", ZN_LWPS, 1, 1, 0 },
	{ "zfs_io_priority", ZN_IOPRIO, 1, 1, 0 },
	{ "vcpus", ZN_VCPUS, 1, 1, 0 },
	{ "ram", ZN_RAM, 1, 1, 0 },
	{ "autoboot", ZN_AUTOBOOT, 1, 1, 0 },
	{ "delegate_dataset", ZN_DELEGATE, 1, 1, 0 },
	{ "firewall", ZN_FIREWALL, 1, 1, 0 },
	{ "dns_domain", ZN_DNS, 1, 1, 0 },
	{ "kernel_version", ZN_KERNEL, 1, 1, 0 },
	{ "user_script", ZN_SCRIPT, 1, 1, 0 },
	{ "nic", ZN_NIC, 1, 2, P_REPEAT | P_OPTBLOCK },
	{ "resolvers", ZN_RESOLVERS, 1, 16, 0 },
	{ "route", ZN_ROUTE, 2, 2, P_REPEAT },
	{ "metadata", ZN_METADATA, 0, 0, P_BLOCK },
	{ "internal_metadata", ZN_IMETADATA, 0, 0, P_BLOCK },
	{ "tags", ZN_TAGS, 0, 0, P_BLOCK },
	{ "filesystem", ZN_FS, 0, 0, P_REPEAT | P_BLOCK },
	{ "disk", ZN_DISK, 0, 0, P_REPEAT | P_BLOCK },
	{ "services", ZN_SERVICES, 1, 64, P_REPEAT },
};

enum { NI_ADDRESS, NI_PRIMARY, NI_MODEL };
static const struct prop nic_props[] = {
	{ "address", NI_ADDRESS, 1, 1, 0 },
	{ "primary", NI_PRIMARY, 1, 1, 0 },
	{ "model", NI_MODEL, 1, 1, 0 },
};
enum { FS_SOURCE, FS_TARGET, FS_TYPE, FS_OPTIONS };
static const struct prop fs_props[] = {
	{ "source", FS_SOURCE, 1, 1, P_REQUIRED },
	{ "target", FS_TARGET, 1, 1, P_REQUIRED },
	{ "type", FS_TYPE, 1, 1, 0 },
	{ "options", FS_OPTIONS, 1, 16, 0 },
};
enum { DK_SIZE, DK_IMAGE, DK_MODEL, DK_BOOT };
static const struct prop disk_props[] = {
	{ "size", DK_SIZE, 1, 1, 0 },
	{ "image", DK_IMAGE, 1, 1, 0 },
	{ "model", DK_MODEL, 1, 1, 0 },
	{ "boot", DK_BOOT, 1, 1, 0 },
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
	    &nic->addr) == 0)
		nic->fixed = 1;
	block_init(&b, nic_props, NPROPS(nic_props), "nic", d->loc);
	for (c = d->children; c != NULL; c = c->next) {
		switch (block_prop(m, &b, c)) {
		case NI_ADDRESS:
			if (nic->fixed) {
				diag_error(m->diag, c->loc, "nic address given "
				    "twice");
				break;
			}
			if (get_addr(m, c->args, "address", &nic->addr) == 0)
				nic->fixed = 1;
			break;
		case NI_PRIMARY:
			get_bool(m, c->args, "primary", &nic->primary);
			break;
		case NI_MODEL:
			nic->model = get_str(m, c->args, "model");
			nic->model_loc = c->args->loc;
			break;
		}
	}
	if (nic->network != NULL && nic->fixed &&
	    !in_net(nic->network, nic->addr))
		diag_error(m->diag, d->loc, "address %s is outside network "
		    "\"%s\" (%s/%d)", ipv4_str(m->arena, nic->addr),
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
		switch (block_prop(m, &b, c)) {
		case FS_SOURCE:
			fs->source = get_str(m, c->args, "source");
			break;
		case FS_TARGET:
			fs->target = get_str(m, c->args, "target");
			break;
		case FS_TYPE:
			fs->type = get_str(m, c->args, "type");
			break;
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
		switch (block_prop(m, &b, c)) {
		case DK_SIZE:
			get_size(m, c->args, "disk size", 1LL << 20, "MiB",
			    &dk->size_mib);
			dk->size_loc = c->args->loc;
			break;
		case DK_IMAGE:
			dk->image = lookup_obj(m, K_IMAGE, c->args);
			dk->image_loc = c->args->loc;
			break;
		case DK_MODEL:
			dk->model = get_str(m, c->args, "model");
			dk->model_loc = c->args->loc;
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

void
read_zone(struct model *m, struct decl *dc)
{
	struct ir_zone *z = dc->obj;
	struct ast_dir *d;
	struct block b;
	int r;

	z->memory_mib = z->swap_mib = z->locked_mib = z->tmpfs_mib = IR_UNSET;
	z->quota_gib = z->cpu_cap = z->cpu_shares = z->max_lwps = IR_UNSET;
	z->zfs_io_priority = z->vcpus = z->ram_mib = IR_UNSET;
	z->autoboot = 1;
	block_init(&b, zone_props, NPROPS(zone_props),
	    arena_printf(m->arena, "zone \"%s\"", z->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;
		int id = block_prop(m, &b, d);

		if (id >= 0)
			record_prop(m, z, d);
		switch (id) {
		case ZN_IMAGE:
			z->image = lookup_obj(m, K_IMAGE, v);
			break;
		case ZN_MEMORY:
			get_size(m, v, "memory", 1LL << 20, "MiB",
			    &z->memory_mib);
			break;
		case ZN_SWAP:
			get_size(m, v, "swap", 1LL << 20, "MiB", &z->swap_mib);
			break;
		case ZN_LOCKED:
			get_size(m, v, "locked_memory", 1LL << 20, "MiB",
			    &z->locked_mib);
			break;
		case ZN_TMPFS:
			get_size(m, v, "tmpfs", 1LL << 20, "MiB", &z->tmpfs_mib);
			break;
		case ZN_QUOTA:
			get_size(m, v, "quota", 1LL << 30, "GiB", &z->quota_gib);
			break;
		case ZN_CPU_CAP:
			get_int(m, v, "cpu_cap", 1, 100000, &z->cpu_cap);
			break;
		case ZN_CPU_SHARES:
			get_int(m, v, "cpu_shares", 1, 65535, &z->cpu_shares);
			break;
		case ZN_LWPS:
			get_int(m, v, "max_lwps", 1, 2147483647, &z->max_lwps);
			break;
		case ZN_IOPRIO:
			get_int(m, v, "zfs_io_priority", 0, 16383,
			    &z->zfs_io_priority);
			break;
		case ZN_VCPUS:
			get_int(m, v, "vcpus", 1, 64, &z->vcpus);
			break;
		case ZN_RAM:
			get_size(m, v, "ram", 1LL << 20, "MiB", &z->ram_mib);
			break;
		case ZN_AUTOBOOT:
			get_bool(m, v, "autoboot", &z->autoboot);
			break;
		case ZN_DELEGATE:
			get_bool(m, v, "delegate_dataset", &z->delegate_dataset);
			break;
		case ZN_FIREWALL:
			get_bool(m, v, "firewall", &z->firewall_enabled);
			break;
		case ZN_DNS:
			z->dns_domain = get_str(m, v, "dns_domain");
			break;
		case ZN_KERNEL:
			z->kernel_version = get_str(m, v, "kernel_version");
			break;
		case ZN_SCRIPT:
			z->user_script = get_str(m, v, "user_script");
			break;
		case ZN_NIC:
			read_nic(m, z, d);
			break;
		case ZN_RESOLVERS:
			z->resolvers = get_addrs(m, d, &z->nresolvers,
			    "resolvers");
			break;
		case ZN_ROUTE: {
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
		case ZN_METADATA:
			z->metadata = get_kvs(m, d, &z->nmetadata, 0,
			    "metadata");
			break;
		case ZN_IMETADATA:
			z->internal_metadata = get_kvs(m, d,
			    &z->ninternal_metadata, 1, "internal_metadata");
			break;
		case ZN_TAGS:
			z->tags = get_kvs(m, d, &z->ntags, 0, "tags");
			break;
		case ZN_FS:
			read_fs(m, z, d);
			break;
		case ZN_DISK:
			read_disk(m, z, d);
			break;
		case ZN_SERVICES: {
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
					*PUSH(m, z->services, z->nservices) = s;
				}
			}
			break;
		}
		}
	}
	block_finish(m, &b);
	(void)r;
	if (z->image == NULL)
		return;
	/* brand-dependent defaults and conflicts */
	if (BRAND_IS_HVM(z->image->brand)) {
		if (z->ram_mib == IR_UNSET && z->memory_mib != IR_UNSET) {
			diag_error(m->diag, ir_zone_loc(z, "memory"), "memory "
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
	} else {
		static const char *const hvm_only[] = { "vcpus", "ram", "disk" };
		size_t i;

		for (i = 0; i < 3; i++) {
			struct loc l = ir_zone_loc(z, hvm_only[i]);

			if (l.line != z->loc.line || l.col != z->loc.col)
				diag_error(m->diag, l, "%s applies to %s zones "
				    "only, and zone \"%s\" uses %s image \"%s\"",
				    hvm_only[i], brand_list(m->arena, BP_HVM,
				    -1, "and"), z->name, brand_name(z->image->brand),
				    z->image->name);
		}
	}
	if (z->kernel_version == NULL)
		z->kernel_version = z->image->kernel_version;
	if (BRAND_HAS(z->image->brand, BP_LX) && z->kernel_version == NULL)
		diag_error(m->diag, dc->loc, "zone \"%s\" uses %s image \"%s\", "
		    "which needs a kernel_version (in the image or the zone)",
		    z->name, brand_name(z->image->brand), z->image->name);
	if (!BRAND_HAS(z->image->brand, BP_LX) &&
	    ir_zone_loc(z, "kernel_version").line != z->loc.line) {
		diag_error(m->diag, ir_zone_loc(z, "kernel_version"),
		    "kernel_version applies to %s zones only, and zone \"%s\" "
		    "uses %s image \"%s\"",
		    brand_list(m->arena, BP_LX, -1, "and"),
		    z->name,
		    brand_name(z->image->brand), z->image->name);
		z->kernel_version = NULL;
	}
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
		diag_error(m->diag, ir_zone_loc(z, "swap"), "swap (%lld MiB) "
		    "must be at least memory (%lld MiB) and 256 MiB; vmadm "
		    "would raise it silently", z->swap_mib, z->memory_mib);
	if (z->locked_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, "locked_memory"),
		    "locked_memory (%lld MiB) exceeds memory (%lld MiB); vmadm "
		    "would lower it silently", z->locked_mib, z->memory_mib);
	if (z->tmpfs_mib != IR_UNSET && z->tmpfs_mib > z->memory_mib)
		diag_error(m->diag, ir_zone_loc(z, "tmpfs"), "tmpfs (%lld MiB) "
		    "exceeds memory (%lld MiB); vmadm would lower it silently",
		    z->tmpfs_mib, z->memory_mib);
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->memory_mib < z->ram_mib + 256)
		diag_error(m->diag, ir_zone_loc(z, "memory"), "memory (%lld "
		    "MiB) must be at least ram + 256 MiB (%lld MiB) for a %s "
		    "zone; vmadm would raise it silently", z->memory_mib,
		    z->ram_mib + 256, brand_name(z->image->brand));
	if (BRAND_IS_HVM(z->image->brand) &&
	    z->locked_mib < z->ram_mib + 256 && ir_zone_sets(z, "locked_memory"))
		diag_error(m->diag, ir_zone_loc(z, "locked_memory"),
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
	if (z->nnics == 0 && !ir_zone_sets(z, "nic"))
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

