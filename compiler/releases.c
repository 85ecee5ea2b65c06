/*
 * releases.c -- the release table: what each OpenStack release ztopo
 * targets does differently, as flags (ir.h, RF_*).  Passes ask
 * REL_HAS(release, flag), never which release it is, so that a new
 * release is a new row here (and the roles it has, in roles.c).
 *
 * Indexed by enum ir_release; must stay in its order.
 */
#include "ir.h"

const struct release_info release_table[REL__COUNT] = {
	[REL_FOLSOM] = {
		.name = "folsom",
		.flags = 0,
		/* the driver of the 2012 SmartOS port (out of tree) */
		.compute_driver = "smartosapi.SmartOSDriver",
	},
	[REL_ZED] = {
		.name = "zed",
		.flags = RF_CELLS | RF_TRANSPORT_URL | RF_KEYSTONE_V3 |
		    RF_OSLO_SIGHUP | RF_OSLO_ESCAPE | RF_PYMYSQL |
		    RF_RABBIT_STDIN | RF_NOVA_SECTIONS,
		/* nova has no SmartOS driver of its own: the .zt sets one */
		.compute_driver = NULL,
	},
};

const char *
release_name(enum ir_release r)
{
	if ((unsigned)r >= REL__COUNT)
		return "?";
	return release_table[r].name;
}
