/*
 * roles.c -- what ztopo knows about each service role, per OpenStack
 * release.  The table is indexed by enum ir_role and must stay in its
 * order.
 *
 * exec templates use @PREFIX@ for the instance's software prefix
 * (/opt/local in a zone, /opt/tools in a global zone) and @CONFDIR@ for
 * its nova.conf fragment directory; ir.c expands them per instance.
 */
#include "ir.h"

#define F	(1u << REL_FOLSOM)
#define Z	(1u << REL_ZED)

#define NOVA(bin)	"@PREFIX@/bin/" bin " --config-dir @CONFDIR@"

const struct role_info role_table[ROLE__COUNT] = {
	[ROLE_NONE] = { .name = "none", .releases = F | Z },
	[ROLE_MYSQL] = {
		.name = "mysql", .releases = F | Z,
		.exec = "@PREFIX@/sbin/mysqld --user=mysql",
		.user = "mysql", .group = "mysql", .ports = { 3306 },
		.duration = DUR_CHILD,
		.packaged = 1, .packaged_fmri = "svc:/pkgsrc/mysql:default",
	},
	[ROLE_RABBITMQ] = {
		.name = "rabbitmq", .releases = F | Z,
		.exec = "@PREFIX@/sbin/rabbitmq-server",
		.user = "rabbitmq", .group = "rabbitmq",
		.ports = { 5672, 25672 }, .duration = DUR_CHILD,
	},
	[ROLE_MEMCACHED] = {
		.name = "memcached", .releases = F | Z,
		.exec = "@PREFIX@/bin/memcached -u nobody -p 11211",
		.user = "nobody", .group = "nobody",
		.ports = { 11211 }, .duration = DUR_CHILD,
	},
	[ROLE_KEYSTONE] = {
		.name = "keystone", .releases = F | Z,
		/* keystone-all went away in Newton; Zed runs the WSGI app */
		.exec = "@PREFIX@/bin/keystone-all --config-dir "
		    "@PREFIX@/etc/keystone",
		.exec_zed = "@PREFIX@/bin/uwsgi --master --processes 2 "
		    "--http-socket :5000 --wsgi-file "
		    "@PREFIX@/bin/keystone-wsgi-public",
		.user = "keystone", .group = "keystone",
		.ports = { 5000, 35357 }, .duration = DUR_CHILD,
		.db_releases = F | Z,
	},
	[ROLE_GLANCE_API] = {
		.name = "glance-api", .releases = F | Z,
		.exec = "@PREFIX@/bin/glance-api --config-dir "
		    "@PREFIX@/etc/glance",
		.user = "glance", .group = "glance",
		.ports = { 9292 }, .duration = DUR_CHILD,
		.db_releases = F | Z,
	},
	[ROLE_GLANCE_REGISTRY] = {
		.name = "glance-registry", .releases = F,
		.exec = "@PREFIX@/bin/glance-registry --config-dir "
		    "@PREFIX@/etc/glance",
		.user = "glance", .group = "glance",
		.ports = { 9191 }, .duration = DUR_CHILD,
		.db_releases = F,
	},
	[ROLE_PLACEMENT_API] = {
		.name = "placement-api", .releases = Z,
		.exec = "@PREFIX@/bin/placement-api --port 8778",
		.user = "placement", .group = "placement",
		.ports = { 8778 }, .duration = DUR_CHILD,
		.db_releases = Z,
	},
	[ROLE_NOVA_API] = {
		.name = "nova-api", .releases = F | Z, .nova = 1,
		.exec = NOVA("nova-api"), .user = "nova", .group = "nova",
		.ports = { 8774, 8775 }, .duration = DUR_CHILD,
		.db_releases = F | Z,
	},
	[ROLE_NOVA_SCHEDULER] = {
		.name = "nova-scheduler", .releases = F | Z, .nova = 1,
		.exec = NOVA("nova-scheduler"), .user = "nova", .group = "nova",
		.duration = DUR_CHILD, .db_releases = F | Z,
	},
	[ROLE_NOVA_CONDUCTOR] = {
		.name = "nova-conductor", .releases = Z, .nova = 1,
		.exec = NOVA("nova-conductor"), .user = "nova", .group = "nova",
		.duration = DUR_CHILD, .db_releases = Z,
	},
	[ROLE_NOVA_COMPUTE] = {
		.name = "nova-compute", .releases = F | Z, .nova = 1,
		.exec = NOVA("nova-compute"), .user = "root", .group = "root",
		.duration = DUR_CHILD, .db_releases = F,
	},
	[ROLE_NOVA_NOVNCPROXY] = {
		.name = "nova-novncproxy", .releases = F | Z, .nova = 1,
		.exec = NOVA("nova-novncproxy"), .user = "nova",
		.group = "nova", .ports = { 6080 }, .duration = DUR_CHILD,
		.db_releases = Z,
	},
	[ROLE_NOVA_CONSOLEAUTH] = {
		.name = "nova-consoleauth", .releases = F, .nova = 1,
		.exec = NOVA("nova-consoleauth"), .user = "nova",
		.group = "nova", .duration = DUR_CHILD,
	},
	[ROLE_NOVA_CERT] = {
		.name = "nova-cert", .releases = F, .nova = 1,
		.exec = NOVA("nova-cert"), .user = "nova", .group = "nova",
		.duration = DUR_CHILD, .db_releases = F,
	},
	[ROLE_NOVA_NETWORK] = {
		.name = "nova-network", .releases = F, .nova = 1,
		.exec = NOVA("nova-network"), .user = "root", .group = "root",
		.duration = DUR_CHILD, .db_releases = F,
	},
	[ROLE_HORIZON] = {
		.name = "horizon", .releases = F | Z,
		.exec = "@PREFIX@/sbin/httpd -DFOREGROUND",
		.user = "www", .group = "www",
		.ports = { 80 }, .duration = DUR_CHILD,
	},
};

const char *
release_name(enum ir_release r)
{
	switch (r) {
	case REL_FOLSOM:	return "folsom";
	case REL_ZED:		return "zed";
	case REL__COUNT:	break;
	}
	return "?";
}

const char *
brand_name(enum ir_brand b)
{
	switch (b) {
	case BRAND_JOYENT:		return "joyent";
	case BRAND_JOYENT_MINIMAL:	return "joyent-minimal";
	case BRAND_LX:			return "lx";
	case BRAND_KVM:			return "kvm";
	case BRAND_BHYVE:		return "bhyve";
	case BRAND__COUNT:		break;
	}
	return "?";
}
