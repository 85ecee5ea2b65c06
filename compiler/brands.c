/*
 * brands.c -- the brand table: what each SmartOS zone brand is (OS or
 * hardware virtualisation), which classes of zone properties it takes,
 * whether SMF runs inside it, its device models and its defaults.
 * resolve.c, the vmadm backend, the SMF backend and the playbook read
 * brand facts from here only, so a new brand is a new row.  What
 * `vmadm update' and `reprovision' do per brand (live_rctls, live_routes,
 * reprovision, disk_resize) is from vmadm-update.md in the shared
 * reference: VM.js's brand features and reprovision support.
 *
 * Indexed by enum ir_brand; must stay in its order.
 */
#include <string.h>

#include "ir.h"

/* Device models vmadm documents, per HVM brand. */
static const char *const kvm_nic_models[] = { "virtio", "e1000", "rtl8139",
	NULL };
static const char *const kvm_disk_models[] = { "virtio", "ide", "scsi",
	NULL };
static const char *const bhyve_disk_models[] = { "virtio", "ahci", "nvme",
	NULL };

const struct brand_info brand_table[BRAND__COUNT] = {
	[BRAND_JOYENT] = {
		.name = "joyent", .props = BP_ALL | BP_OS, .smf = 1,
		.quota_gib = 10,
		.live_rctls = 1, .live_routes = 1, .reprovision = 1,
	},
	[BRAND_JOYENT_MINIMAL] = {
		.name = "joyent-minimal", .props = BP_ALL | BP_OS, .smf = 1,
		.quota_gib = 10,
		.live_rctls = 1, .live_routes = 1, .reprovision = 1,
	},
	[BRAND_LX] = {
		.name = "lx", .props = BP_ALL | BP_OS | BP_LX,
		.quota_gib = 10,
		.live_rctls = 1, .reprovision = 1,
	},
	[BRAND_KVM] = {
		.name = "kvm", .props = BP_ALL | BP_HVM,
		.disk_models = kvm_disk_models, .nic_models = kvm_nic_models,
		.overhead_mib = 1024, .quota_gib = 10,
		.max_resolvers = 4,	/* the guest's DHCP offer */
	},
	[BRAND_BHYVE] = {
		.name = "bhyve", .props = BP_ALL | BP_HVM,
		.disk_models = bhyve_disk_models,
		.overhead_mib = 1280, .quota_gib = 1,
		.reprovision = 1, .disk_resize = 1,
	},
};

const char *
brand_name(enum ir_brand b)
{
	if ((unsigned)b >= BRAND__COUNT)
		return "?";
	return brand_table[b].name;
}

static int
matches(const struct brand_info *b, unsigned classes, int smf)
{
	return (b->props & classes) == classes &&
	    (smf < 0 || !b->smf == !smf);
}

/* "kvm and bhyve": the brands that take every class in CLASSES and, if
 * SMF is not -1, run SMF (1) or not (0), the last two joined by CONJ. */
const char *
brand_list(struct arena *a, unsigned classes, int smf, const char *conj)
{
	const char *out = "";
	size_t i, n = 0, k = 0;

	for (i = 0; i < BRAND__COUNT; i++)
		n += matches(&brand_table[i], classes, smf);
	for (i = 0; i < BRAND__COUNT; i++) {
		if (!matches(&brand_table[i], classes, smf))
			continue;
		out = arena_printf(a, "%s%s%s%s%s", out, k == 0 ? "" :
		    k + 1 == n ? " " : ", ", k > 0 && k + 1 == n ? conj : "",
		    k > 0 && k + 1 == n ? " " : "", brand_table[i].name);
		k++;
	}
	return out;
}
