/*
 * roles.c -- the role table: everything ztopo knows about a service role,
 * per OpenStack release, and nowhere else.  resolve.c takes role names
 * from it, lower.c expands its start commands, and every backend, the plan
 * and the graph read its ports, credentials, configuration kind, SMF
 * facts and placement rules from here.
 *
 * The table is indexed by enum ir_role and must stay in its order.
 * Start commands are templates (ir.h, struct role_info): a port is
 * written once, in .ports, and reaches the command through @PORTn@.
 */
#include "ir.h"

#define F	(1u << REL_FOLSOM)
#define Z	(1u << REL_ZED)

#define NOVA_EXEC(bin)	"@PREFIX@/bin/" bin " --config-dir @CONFDIR@"
#define NOVA_CONFDIR	"@PREFIX@/etc/nova/nova.conf.d"
#define OPENSTACK_DOC(p) "https://docs.openstack.org/" p "/"

/* the fields every nova role shares */
#define NOVA_ROLE(bin)							\
	.name = bin, .conf = CONF_NOVA, .confdir = NOVA_CONFDIR,	\
	.exec = NOVA_EXEC(bin), .duration = DUR_CHILD,			\
	.reload = ":kill -HUP", .reload_flags = RF_OSLO_SIGHUP,		\
	.doc_name = "nova", .doc_uri = OPENSTACK_DOC("nova"), .serves = -1

const struct role_info role_table[ROLE__COUNT] = {
	[ROLE_NONE] = {
		.name = "none", .releases = F | Z, .conf = CONF_SMF,
		.duration = DUR_CONTRACT, .serves = -1,
	},
	[ROLE_MYSQL] = {
		.name = "mysql", .releases = F | Z,
		.exec = "@PREFIX@/sbin/mysqld --user=mysql",
		.user = "mysql", .group = "mysql", .ports = { 3306 },
		.duration = DUR_CHILD,
		.packaged_fmri = "svc:/pkgsrc/mysql:default",
		.common_name = "MySQL database server", .doc_name = "MySQL",
		.doc_uri = "https://dev.mysql.com/doc/",
		.serves = CRED_MYSQL, .store = 1,
	},
	[ROLE_RABBITMQ] = {
		.name = "rabbitmq", .releases = F | Z,
		.exec = "@PREFIX@/sbin/rabbitmq-server",
		.user = "rabbitmq", .group = "rabbitmq",
		.ports = { 5672, 25672 }, .duration = DUR_CHILD,
		.common_name = "RabbitMQ message broker",
		.doc_name = "RabbitMQ", .doc_uri = "https://www.rabbitmq.com/docs",
		.serves = CRED_RABBITMQ, .store = 1,
	},
	[ROLE_MEMCACHED] = {
		.name = "memcached", .releases = F | Z,
		.exec = "@PREFIX@/bin/memcached -u nobody -p @PORT0@",
		.user = "nobody", .group = "nobody",
		.ports = { 11211 }, .duration = DUR_CHILD,
		.common_name = "memcached cache server",
		.doc_name = "memcached", .doc_uri = "https://memcached.org/",
		.serves = -1, .store = 1,
	},
	[ROLE_KEYSTONE] = {
		.name = "keystone", .releases = F | Z,
		/* Folsom's keystone-all takes its ports from keystone.conf */
		.exec = "@PREFIX@/bin/keystone-all --config-dir "
		    "@PREFIX@/etc/keystone",
		/* keystone-all went away in Newton; Zed runs the WSGI app */
		.exec_rel[REL_ZED] = "@PREFIX@/bin/uwsgi --master --processes "
		    "2 --http-socket :@PORT0@ --wsgi-file "
		    "@PREFIX@/bin/keystone-wsgi-public",
		.user = "keystone", .group = "keystone",
		.ports = { 5000, 35357 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Identity", .doc_name = "keystone",
		.doc_uri = OPENSTACK_DOC("keystone"),
		.serves = -1, .db_releases = F | Z,
	},
	[ROLE_GLANCE_API] = {
		.name = "glance-api", .releases = F | Z,
		.exec = "@PREFIX@/bin/glance-api --config-dir "
		    "@PREFIX@/etc/glance",
		.user = "glance", .group = "glance",
		.ports = { 9292 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Image API", .doc_name = "glance",
		.doc_uri = OPENSTACK_DOC("glance"),
		.serves = -1, .db_releases = F | Z,
	},
	[ROLE_GLANCE_REGISTRY] = {
		.name = "glance-registry", .releases = F,
		.exec = "@PREFIX@/bin/glance-registry --config-dir "
		    "@PREFIX@/etc/glance",
		.user = "glance", .group = "glance",
		.ports = { 9191 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Image registry", .doc_name = "glance",
		.doc_uri = OPENSTACK_DOC("glance"),
		.serves = -1, .db_releases = F,
	},
	[ROLE_PLACEMENT_API] = {
		.name = "placement-api", .releases = Z,
		.exec = "@PREFIX@/bin/placement-api --port @PORT0@",
		.user = "placement", .group = "placement",
		.ports = { 8778 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Placement API",
		.doc_name = "placement", .doc_uri = OPENSTACK_DOC("placement"),
		.serves = -1, .db_releases = Z,
	},
	[ROLE_NOVA_API] = {
		NOVA_ROLE("nova-api"), .releases = F | Z,
		.user = "nova", .group = "nova", .ports = { 8774, 8775 },
		.common_name = "OpenStack Compute API", .db_releases = F | Z,
		.needs = {
			[REL_FOLSOM] = NEED_CELL_DB | NEED_AUTHTOKEN |
			    NEED_GLANCE | NEED_OSAPI,
			[REL_ZED] = NEED_API_DB | NEED_CELL_DB |
			    NEED_AUTHTOKEN | NEED_PLACEMENT | NEED_GLANCE |
			    NEED_OSAPI | NEED_SERVICE_USER,
		},
	},
	[ROLE_NOVA_SCHEDULER] = {
		NOVA_ROLE("nova-scheduler"), .releases = F | Z,
		.user = "nova", .group = "nova",
		.common_name = "OpenStack Compute scheduler",
		.db_releases = F | Z,
		.needs = {
			[REL_FOLSOM] = NEED_CELL_DB,
			[REL_ZED] = NEED_API_DB | NEED_CELL_DB |
			    NEED_PLACEMENT | NEED_SERVICE_USER,
		},
	},
	[ROLE_NOVA_CONDUCTOR] = {
		NOVA_ROLE("nova-conductor"), .releases = Z,
		.user = "nova", .group = "nova",
		.common_name = "OpenStack Compute conductor", .db_releases = Z,
		.needs = {
			[REL_ZED] = NEED_API_DB | NEED_CELL_DB |
			    NEED_PLACEMENT | NEED_GLANCE | NEED_SERVICE_USER,
		},
	},
	[ROLE_NOVA_COMPUTE] = {
		NOVA_ROLE("nova-compute"), .releases = F | Z,
		.user = "root", .group = "root",
		.common_name = "OpenStack Compute node", .db_releases = F,
		.zone = RZ_GLOBAL,
		.needs = {
			[REL_FOLSOM] = NEED_CELL_DB | NEED_GLANCE |
			    NEED_VNC_COMPUTE | NEED_COMPUTE,
			[REL_ZED] = NEED_PLACEMENT | NEED_GLANCE |
			    NEED_VNC_COMPUTE | NEED_COMPUTE |
			    NEED_SERVICE_USER,
		},
	},
	[ROLE_NOVA_NOVNCPROXY] = {
		NOVA_ROLE("nova-novncproxy"), .releases = F | Z,
		.user = "nova", .group = "nova", .ports = { 6080 },
		.common_name = "OpenStack Compute VNC proxy", .db_releases = Z,
		.needs = {
			[REL_FOLSOM] = NEED_VNC_PROXY,
			[REL_ZED] = NEED_CELL_DB | NEED_VNC_PROXY |
			    NEED_SERVICE_USER,
		},
	},
	[ROLE_NOVA_CONSOLEAUTH] = {
		NOVA_ROLE("nova-consoleauth"), .releases = F,
		.user = "nova", .group = "nova",
		.common_name = "OpenStack Compute console auth",
	},
	[ROLE_NOVA_CERT] = {
		NOVA_ROLE("nova-cert"), .releases = F,
		.user = "nova", .group = "nova",
		.common_name = "OpenStack Compute certificates",
		.db_releases = F,
		.needs = { [REL_FOLSOM] = NEED_CELL_DB },
	},
	[ROLE_NOVA_NETWORK] = {
		NOVA_ROLE("nova-network"), .releases = F,
		.user = "root", .group = "root",
		.common_name = "OpenStack Compute network", .db_releases = F,
		.needs = { [REL_FOLSOM] = NEED_CELL_DB },
	},
	[ROLE_HORIZON] = {
		.name = "horizon", .releases = F | Z,
		.exec = "@PREFIX@/sbin/httpd -DFOREGROUND",
		.user = "www", .group = "www",
		.ports = { 80 }, .duration = DUR_CHILD,
		.reload = ":kill -USR1",	/* httpd: graceful restart */
		.common_name = "OpenStack Dashboard", .doc_name = "horizon",
		.doc_uri = OPENSTACK_DOC("horizon"), .serves = -1,
	},
};

const char *
role_exec(enum ir_role r, enum ir_release rel)
{
	if (role_table[r].exec_rel[rel] != NULL)
		return role_table[r].exec_rel[rel];
	return role_table[r].exec;
}

const char *
role_reload(enum ir_role r, enum ir_release rel)
{
	const struct role_info *ri = &role_table[r];

	if (ri->reload == NULL || (release_table[rel].flags &
	    ri->reload_flags) != ri->reload_flags)
		return NULL;
	return ri->reload;
}

enum ir_role
role_serving(enum ir_credkind k)
{
	int r;

	for (r = 0; r < ROLE__COUNT; r++)
		if (role_table[r].serves == (int)k)
			return (enum ir_role)r;
	return ROLE_NONE;
}

/* A credential kind is named after the role that serves it. */
const char *
credkind_name(enum ir_credkind k)
{
	return role_table[role_serving(k)].name;
}
