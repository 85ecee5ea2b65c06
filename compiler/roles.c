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
#define NOVA_MANAGE(c)	"@PREFIX@/bin/nova-manage --config-dir @CONFDIR@ " c
#define OPENSTACK_DOC(p) "https://docs.openstack.org/" p "/"
/*
 * Zed's WSGI APIs, run by uwsgi on their first port.  uwsgi's http-socket
 * closes every connection after its response, so it says so (clients that
 * reuse a connection get it reset under them otherwise); headers carrying
 * tokens outgrow its 4 KB default buffer; and SIGTERM, SMF's stop, is a
 * reload to uwsgi unless told otherwise.
 */
#define UWSGI(app)	"@PREFIX@/bin/uwsgi --master --processes 2 "	\
	"--die-on-term --buffer-size 65535 "				\
	"--add-header 'Connection: close' "				\
	"--http-socket :@PORT0@ --wsgi-file @PREFIX@/bin/" app

/* the fields every nova role shares */
#define NOVA_ROLE(bin)							\
	.name = bin, .conf = CONF_OSLO, .project = PROJ_NOVA,		\
	.exec = NOVA_EXEC(bin), .duration = DUR_CHILD,			\
	.reload = ":kill -HUP", .reload_flags = RF_OSLO_SIGHUP,		\
	.doc_name = "nova", .doc_uri = OPENSTACK_DOC("nova"), .serves = -1

/*
 * The oslo.config projects.  @CONFDIR@ is where a service's fragments
 * are installed; the start commands of roles.c pass it on.
 */
const char *const oslo_fragment[2] = {
	"10-ztopo.conf", "20-ztopo-secrets.conf"
};
const char *const oslo_secret_env = "ztopo-secrets.env";

const struct project_info project_table[PROJ__COUNT] = {
	[PROJ_NOVA] = {
		.name = "nova", .confdir = "@PREFIX@/etc/nova/nova.conf.d",
		.reads = PR_CONFIG_DIR, .state_path = "/var/lib/nova",
		.lock_path = "/var/lib/nova/tmp", .host = 1, .my_ip = 1,
		.paste_file = "@PREFIX@/etc/nova/api-paste.ini",
		.paste_section = "wsgi", .paste_key = "api_paste_config",
	},
	[PROJ_KEYSTONE] = {
		.name = "keystone",
		.confdir = "@PREFIX@/etc/keystone/keystone.conf.d",
		.reads = PR_CONFIG_DIR,
	},
	[PROJ_GLANCE] = {
		.name = "glance",
		.confdir = "@PREFIX@/etc/glance/glance-api.conf.d",
		.reads = PR_CONFIG_DIR, .lock_path = "/var/lib/glance/tmp",
		.paste_file = "@PREFIX@/etc/glance/glance-api-paste.ini",
		.paste_section = "paste_deploy", .paste_key = "config_file",
	},
	[PROJ_GLANCE_REGISTRY] = {	/* Folsom */
		.name = "glance-registry",
		.confdir = "@PREFIX@/etc/glance/glance-registry.conf.d",
		.reads = PR_CONFIG_DIR,
		.paste_file = "@PREFIX@/etc/glance/glance-registry-paste.ini",
		.paste_section = "paste_deploy", .paste_key = "config_file",
	},
	[PROJ_PLACEMENT] = {
		.name = "placement", .confdir = "@PREFIX@/etc/placement",
		.reads = PR_ONE_FILE,
	},
	[PROJ_NEUTRON] = {
		.name = "neutron",
		.confdir = "@PREFIX@/etc/neutron/neutron.conf.d",
		.reads = PR_CONFIG_DIR, .state_path = "/var/lib/neutron",
		.lock_path = "/var/lib/neutron/tmp", .host = 1,
		.extra_file = "ml2_conf.ini",
		.extra_dest = "@PREFIX@/etc/neutron/plugins/ml2/ml2_conf.ini",
		.paste_file = "@PREFIX@/etc/neutron/api-paste.ini",
		.paste_section = "DEFAULT", .paste_key = "api_paste_config",
	},
};

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
		.exec = "@PREFIX@/bin/keystone-all --config-dir @CONFDIR@",
		/* keystone-all went away in Newton; Zed runs the WSGI app,
		 * which reads the files OS_KEYSTONE_CONFIG_FILES names in
		 * OS_KEYSTONE_CONFIG_DIR */
		.exec_rel[REL_ZED] = "/usr/bin/env OS_KEYSTONE_CONFIG_DIR="
		    "@CONFDIR@ 'OS_KEYSTONE_CONFIG_FILES=@CONFFILES@' "
		    UWSGI("keystone-wsgi-public"),
		.conf = CONF_OSLO, .project = PROJ_KEYSTONE,
		.user = "keystone", .group = "keystone",
		.ports = { 5000, 35357 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Identity", .doc_name = "keystone",
		.doc_uri = OPENSTACK_DOC("keystone"),
		.serves = CRED_KEYSTONE, .db_releases = F | Z,
		.needs = {
			[REL_FOLSOM] = NEED_DB_SQL | NEED_KS_PORTS,
			[REL_ZED] = NEED_DB | NEED_CACHE | NEED_KEYS,
		},
		.catalog_type = "identity", .catalog_name = "keystone",
		.catalog_path = "/v3", .region = "RegionOne",
		.db_sync[REL_ZED] = { "@PREFIX@/bin/keystone-manage --config-dir "
		    "@CONFDIR@ db_sync" },
	},
	[ROLE_GLANCE_API] = {
		.name = "glance-api", .releases = F | Z,
		.exec = "@PREFIX@/bin/glance-api --config-dir @CONFDIR@",
		.conf = CONF_OSLO, .project = PROJ_GLANCE,
		.user = "glance", .group = "glance",
		.ports = { 9292 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Image API", .doc_name = "glance",
		.doc_uri = OPENSTACK_DOC("glance"),
		.serves = -1, .db_releases = F | Z,
		.needs = {
			[REL_FOLSOM] = NEED_DB_FLAT | NEED_BIND | NEED_PASTE |
			    NEED_PASTE_INI | NEED_REGISTRY | NEED_AUTHTOKEN,
			[REL_ZED] = NEED_DB | NEED_AUTHTOKEN | NEED_PASTE |
			    NEED_PASTE_INI | NEED_BIND | NEED_STORE,
		},
		.catalog_type = "image", .catalog_name = "glance",
		.catalog_path = "",
		.db_sync[REL_ZED] = { "@PREFIX@/bin/glance-manage --config-dir "
		    "@CONFDIR@ db_sync" },
	},
	[ROLE_GLANCE_REGISTRY] = {
		.name = "glance-registry", .releases = F,
		.exec = "@PREFIX@/bin/glance-registry --config-dir @CONFDIR@",
		.conf = CONF_OSLO, .project = PROJ_GLANCE_REGISTRY,
		.user = "glance", .group = "glance",
		.ports = { 9191 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Image registry", .doc_name = "glance",
		.doc_uri = OPENSTACK_DOC("glance"),
		.serves = -1, .db_releases = F,
		.needs = { [REL_FOLSOM] = NEED_DB_FLAT | NEED_BIND | NEED_PASTE |
		    NEED_PASTE_INI | NEED_AUTHTOKEN },
	},
	[ROLE_PLACEMENT_API] = {
		.name = "placement-api", .releases = Z,
		/* the WSGI app reads @CONFDIR@/placement.conf and takes its
		 * secret options from the environment (PR_ONE_FILE) */
		.exec = ". @SECRETENV@ && exec /usr/bin/env "
		    "OS_PLACEMENT_CONFIG_DIR=@CONFDIR@ " UWSGI("placement-api"),
		.conf = CONF_OSLO, .project = PROJ_PLACEMENT,
		.user = "placement", .group = "placement",
		.ports = { 8778 }, .duration = DUR_CHILD,
		.common_name = "OpenStack Placement API",
		.doc_name = "placement", .doc_uri = OPENSTACK_DOC("placement"),
		.serves = -1, .db_releases = Z,
		.needs = { [REL_ZED] = NEED_PLACEMENT_DB | NEED_AUTHTOKEN |
		    NEED_KS_API },
		.catalog_type = "placement", .catalog_name = "placement",
		.catalog_path = "",
		.db_sync[REL_ZED] = { ". @SECRETENV@ && @PREFIX@/bin/placement-manage "
		    "--config-file @CONFDIR@/placement.conf db sync" },
	},
	[ROLE_NEUTRON_SERVER] = {
		.name = "neutron-server", .releases = Z,
		/* API and RPC workers in one process, with the ML2 plugin */
		.exec = "@PREFIX@/bin/neutron-server --config-dir @CONFDIR@ "
		    "--config-file @EXTRAFILE@",
		.conf = CONF_OSLO, .project = PROJ_NEUTRON,
		.user = "neutron", .group = "neutron",
		.ports = { 9696 }, .duration = DUR_CHILD,
		.reload = ":kill -HUP", .reload_flags = RF_OSLO_SIGHUP,
		.common_name = "OpenStack Networking API",
		.doc_name = "neutron", .doc_uri = OPENSTACK_DOC("neutron"),
		.serves = -1, .db_releases = Z,
		.needs = { [REL_ZED] = NEED_DB | NEED_AUTHTOKEN | NEED_NOVA |
		    NEED_ML2 | NEED_BIND | NEED_PASTE_INI },
		.catalog_type = "network", .catalog_name = "neutron",
		.catalog_path = "",
		.db_sync[REL_ZED] = { "@PREFIX@/bin/neutron-db-manage --config-dir "
		    "@CONFDIR@ --config-file @EXTRAFILE@ upgrade heads" },
	},
	[ROLE_NOVA_API] = {
		NOVA_ROLE("nova-api"), .releases = F | Z,
		.user = "nova", .group = "nova", .ports = { 8774, 8775 },
		.common_name = "OpenStack Compute API", .db_releases = F | Z,
		.needs = {
			[REL_FOLSOM] = NEED_CELL_DB | NEED_AUTHTOKEN |
			    NEED_GLANCE | NEED_OSAPI | NEED_PASTE_INI,
			[REL_ZED] = NEED_API_DB | NEED_CELL_DB |
			    NEED_AUTHTOKEN | NEED_PLACEMENT | NEED_GLANCE |
			    NEED_OSAPI | NEED_SERVICE_USER | NEED_NEUTRON |
			    NEED_PASTE_INI,
		},
		.catalog_type = "compute", .catalog_name = "nova",
		.catalog_path = "/v2.1",
		/* create_cell is not idempotent: guarded by list_cells */
		.db_sync[REL_ZED] = { NOVA_MANAGE("api_db sync"),
		    NOVA_MANAGE("cell_v2 map_cell0"),
		    NOVA_MANAGE("cell_v2 list_cells") " | grep -q ' cell1 ' || "
		    NOVA_MANAGE("cell_v2 create_cell --name cell1"),
		    NOVA_MANAGE("db sync") },
		.after_compute[REL_ZED] = NOVA_MANAGE("cell_v2 discover_hosts"),
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
			    NEED_PLACEMENT | NEED_GLANCE | NEED_SERVICE_USER |
			    NEED_NEUTRON,
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
			    NEED_SERVICE_USER | NEED_NEUTRON,
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
