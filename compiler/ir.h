/*
 * ir.h -- the resolved, checked, target-specific model that backends
 * consume.  Backends never see the syntax tree.
 *
 * Invariants (established by resolve.c and lower.c before any backend runs):
 *  - every reference is a pointer; no name is looked up again;
 *  - defaults are applied: every numeric setting that vmadm or SMF would
 *    otherwise default holds an explicit value (IR_UNSET only where the
 *    property is meant to be absent);
 *  - every address is allocated, deterministically: fixed addresses are
 *    reserved first, then pool addresses are handed out lowest first in
 *    the order the target places zones (directive order, then the order
 *    of the hosts each directive lists);
 *  - every array is in a stable order: declaration order for declared
 *    things, placement order for instances; nothing is ever in hash order;
 *  - locations (struct loc) point into the .zt sources so a backend can
 *    report a located error about any property it checks.
 *
 * Lifetime and ownership.  An IR lives in the arena of the run (ir->arena)
 * and is never changed after lowering, with one exception: secret values
 * (ir_secret.value, .value_src), which secrets.c fills in before emission
 * when a command needs them.  Each IR owns its services, zones, hosts and
 * credentials and everything lowering attached to them (instances, edges,
 * consumers), so the IRs of several targets of one description can be
 * alive and used at once; networks, images and secrets are the
 * description's and shared by all of its IRs (a secret's value is the
 * same in every target).
 *
 * The passes, each with one entry point returning its own error count:
 * load (load.c: lex, parse, includes) -> resolve (resolve*.c: names,
 * shapes, defaults) -> check (check.c: rules between declarations, once
 * per description) -> lower (lower.c: one target -> a fresh IR) -> each
 * backend's check -> emit (artifacts, compiler/output.h) -> plan.
 */
#ifndef ZTOPO_IR_H
#define ZTOPO_IR_H

#include "ztopo.h"

#define IR_UNSET	(-1LL)

/* Where ztopo installs what it applies inside a zone (grants, setup,
 * the environment files of custom services). */
#define ZTOPO_ZONE_DIR	"/var/ztopo"

/*
 * ---- the knowledge tables: releases.c, brands.c, roles.c
 *
 * Every fact about an OpenStack release, a zone brand or a service role
 * is one row of one of these tables, and every pass reads it from there
 * (a test greps that a role's name or a port appears in no other C
 * file).  A new release, brand or role is a new row; tests/unit walks
 * the tables and checks that every field a pass reads is set.
 */

enum ir_release { REL_FOLSOM, REL_ZED, REL__COUNT };

/* What a release does, as flags, never as `== REL_x` comparisons. */
enum {
	RF_CELLS	= 1u << 0,	/* nova has an API database and cells
					 * v2: [api_database], [database] */
	RF_TRANSPORT_URL = 1u << 1,	/* RPC is [DEFAULT] transport_url,
					 * with several brokers; else one
					 * rabbit_host and its options */
	RF_KEYSTONE_V3	= 1u << 2,	/* services authenticate to keystone
					 * with [keystone_authtoken] and
					 * [service_user] */
	RF_OSLO_SIGHUP	= 1u << 3,	/* oslo.service rereads its
					 * configuration on SIGHUP */
	RF_OSLO_ESCAPE	= 1u << 4,	/* oslo.config reads \$ as a
					 * literal '$' */
	RF_PYMYSQL	= 1u << 5,	/* connection URLs use mysql+pymysql
					 * and ?charset=utf8 */
	RF_RABBIT_STDIN	= 1u << 6,	/* rabbitmqctl reads passwords from
					 * stdin (RabbitMQ >= 3.8) */
	RF_NOVA_SECTIONS = 1u << 7	/* nova reads per-topic sections
					 * ([vnc], [glance], [oslo_concurrency])
					 * where old releases read [DEFAULT] */
};

struct release_info {
	const char	*name;		/* as written: openstack release zed */
	unsigned	 flags;		/* RF_* */
	const char	*compute_driver; /* nova-compute's driver on SmartOS */
};
extern const struct release_info release_table[REL__COUNT];
#define REL_HAS(r, f)	((release_table[(r)].flags & (f)) != 0)
const char	*release_name(enum ir_release);

enum ir_brand {
	BRAND_JOYENT, BRAND_JOYENT_MINIMAL, BRAND_LX, BRAND_KVM, BRAND_BHYVE,
	BRAND__COUNT
};

/* Classes of zone properties: a property applies to a brand when the
 * brand's row has its class (vmadm's proptable, by brand). */
enum {
	BP_ALL	= 1u << 0,	/* every brand */
	BP_OS	= 1u << 1,	/* OS virtualisation: tmpfs, filesystems */
	BP_LX	= 1u << 2,	/* kernel_version */
	BP_HVM	= 1u << 3	/* hardware VMs: disks, vcpus, nic models */
};

struct brand_info {
	const char	*name;		/* as written: brand joyent-minimal */
	unsigned	 props;		/* BP_*: property classes it takes */
	int		 smf;		/* the zone runs SMF (services may be
					 * placed in it) */
	const char *const *disk_models;	/* HVM: vmadm's models, NULL-ended */
	const char *const *nic_models;	/* HVM: NULL: any model */
	long long	 overhead_mib;	/* HVM: memory beyond the guest's ram
					 * in the default memory cap */
	long long	 quota_gib;	/* default quota */
	size_t		 max_resolvers;	/* 0: no limit */
	/* vmadm update and reprovision (vmadm-update.md): */
	int		 live_rctls;	/* memory, CPU and lwp limits change in
					 * the running zone (else at boot) */
	int		 live_routes;	/* routes apply at once (mdata:fetch
					 * restarted), else at boot */
	int		 reprovision;	/* vmadm reprovision takes a new
					 * image; else the zone is recreated */
	int		 disk_resize;	/* update_disks size (zone stopped) */
};
extern const struct brand_info brand_table[BRAND__COUNT];
#define BRAND_HAS(b, c)	((brand_table[(b)].props & (c)) != 0)
#define BRAND_IS_HVM(b)	BRAND_HAS(b, BP_HVM)
const char	*brand_name(enum ir_brand);
/* "kvm and bhyve": the brands that take every class in CLASSES and, if
 * SMF is not -1, run SMF (1) or not (0), the last two joined by CONJ. */
const char	*brand_list(struct arena *, unsigned classes, int smf,
		    const char *conj);

enum ir_role {
	ROLE_NONE,		/* a custom service */
	ROLE_MYSQL,
	ROLE_RABBITMQ,
	ROLE_MEMCACHED,
	ROLE_KEYSTONE,
	ROLE_GLANCE_API,
	ROLE_GLANCE_REGISTRY,
	ROLE_PLACEMENT_API,
	ROLE_NEUTRON_SERVER,
	ROLE_NOVA_API,
	ROLE_NOVA_SCHEDULER,
	ROLE_NOVA_CONDUCTOR,
	ROLE_NOVA_COMPUTE,
	ROLE_NOVA_NOVNCPROXY,
	ROLE_NOVA_CONSOLEAUTH,
	ROLE_NOVA_CERT,
	ROLE_NOVA_NETWORK,
	ROLE_HORIZON,
	ROLE__COUNT
};

enum ir_duration { DUR_CONTRACT, DUR_CHILD, DUR_TRANSIENT };

enum ir_credkind { CRED_MYSQL, CRED_RABBITMQ, CRED_KEYSTONE, CRED__COUNT };

/* Which configuration a role reads, and so where `config` goes. */
enum role_conf {
	CONF_NONE,	/* none ztopo writes: `config` is an error */
	CONF_SMF,	/* SMF property groups of its manifest (custom) */
	CONF_OSLO	/* oslo.config files of its project (.project):
			 * fragments in a --config-dir (backends/oslo.c) */
};

/*
 * The OpenStack projects whose services read oslo.config files: one row
 * each (roles.c).  A role names its project; the project says where its
 * files go and what its services share.
 */
enum ir_project {
	PROJ_NOVA, PROJ_KEYSTONE, PROJ_GLANCE, PROJ_GLANCE_REGISTRY,
	PROJ_PLACEMENT, PROJ_NEUTRON, PROJ__COUNT
};

/* How a project's services find their files. */
enum proj_read {
	PR_CONFIG_DIR,	/* --config-dir @CONFDIR@: both fragments */
	PR_ONE_FILE	/* one file, NAME.conf in @CONFDIR@ (placement's
			 * WSGI app reads OS_PLACEMENT_CONFIG_DIR/placement.conf
			 * and no command line): the secret options reach the
			 * service through oslo.config's environment source,
			 * OS_<SECTION>__<OPTION>, from a 0600 file the start
			 * method loads */
};

struct project_info {
	const char	*name;		/* "nova": tree directory, file names */
	const char	*confdir;	/* @CONFDIR@ of its services, a
					 * template */
	enum proj_read	 reads;
	const char	*state_path;	/* its services' state directory */
	const char	*lock_path;	/* [oslo_concurrency] lock_path */
	const char	*extra_file;	/* a second file, outside the config
					 * dir, for the options only its
					 * registry has (neutron's
					 * ml2_conf.ini), or NULL */
	const char	*extra_dest;	/* ...installed here, a template */
	int		 host;		/* [DEFAULT] host is the node name
					 * (where the release has sections) */
	int		 my_ip;		/* [DEFAULT] my_ip is its address */
	/* the paste pipeline file the package installs, a template: its
	 * services otherwise look for it only in /etc/PROJECT, not under
	 * the prefix; the option naming it, in its section (else in
	 * [DEFAULT], where an older release reads it) */
	const char	*paste_file;
	const char	*paste_section, *paste_key;
};
extern const struct project_info project_table[PROJ__COUNT];
/* The files a service of a project reads in @CONFDIR@: the options
 * without secrets, then those with one (PR_CONFIG_DIR); PR_ONE_FILE
 * reads NAME.conf and loads the secret ones from oslo_secret_env. */
extern const char *const oslo_fragment[2];
extern const char *const oslo_secret_env;

/* Where a role may run. */
enum role_zone {
	RZ_ANY,		/* a zone or a global zone */
	RZ_GLOBAL	/* a global zone only (nova-compute drives vmadm) */
};

/* What a role's configuration needs, beyond [DEFAULT] host, my_ip,
 * state_path and lock_path and the options its uses give it. */
enum {
	NEED_API_DB	  = 1u << 0,	/* [api_database] connection */
	NEED_CELL_DB	  = 1u << 1,	/* [database] (sql_connection) */
	NEED_AUTHTOKEN	  = 1u << 2,	/* [keystone_authtoken]
					 * (auth_strategy) */
	NEED_PLACEMENT	  = 1u << 3,	/* [placement] */
	NEED_GLANCE	  = 1u << 4,	/* [glance] (glance_api_servers) */
	NEED_VNC_COMPUTE  = 1u << 5,	/* the hypervisor side of VNC */
	NEED_VNC_PROXY	  = 1u << 6,	/* the noVNC proxy's listen address */
	NEED_COMPUTE	  = 1u << 7,	/* compute_driver */
	NEED_OSAPI	  = 1u << 8,	/* the API's listen ports */
	NEED_SERVICE_USER = 1u << 9,	/* [service_user] */
	NEED_DB		  = 1u << 10,	/* [database] connection */
	NEED_PLACEMENT_DB = 1u << 11,	/* [placement_database] connection */
	NEED_CACHE	  = 1u << 12,	/* [cache] on memcached (keystone) */
	NEED_NEUTRON	  = 1u << 13,	/* nova's [neutron] */
	NEED_NOVA	  = 1u << 14,	/* neutron's [nova] and notifications */
	NEED_ML2	  = 1u << 15,	/* neutron's ML2 plugin */
	NEED_PASTE	  = 1u << 16,	/* glance: [paste_deploy] flavor */
	NEED_BIND	  = 1u << 17,	/* [DEFAULT] bind_port from .ports */
	NEED_STORE	  = 1u << 18,	/* glance's file store */
	NEED_KS_API	  = 1u << 19,	/* placement's [api] auth_strategy */
	NEED_KEYS	  = 1u << 20,	/* keystone's fernet and credential
					 * key repositories */
	NEED_DB_SQL	  = 1u << 21,	/* Folsom keystone: [sql] connection */
	NEED_DB_FLAT	  = 1u << 22,	/* Folsom glance: [DEFAULT]
					 * sql_connection */
	NEED_KS_PORTS	  = 1u << 23,	/* Folsom keystone: public_port and
					 * admin_port from .ports */
	NEED_REGISTRY	  = 1u << 24,	/* Folsom glance-api: the registry's
					 * host and port */
	NEED_PASTE_INI	  = 1u << 25	/* its project's paste pipeline file
					 * (paste_file), by absolute path */
};

#define ROLE_MAX_PORTS	3

/*
 * What a role is (roles.c).  Start commands are templates: @PREFIX@ is
 * the instance's software prefix (/opt/local in a zone, /opt/tools in a
 * global zone), @CONFDIR@ its configuration directory, @CONFFILES@ the
 * fragments there (oslo_fragment, ';'-separated), @SECRETENV@ the secret
 * environment file there, @EXTRAFILE@ its project's extra file, @PORT0@
 * ... @PORT2@ the service's ports (its `ports`, else the role's), so
 * that a port is written once and reaches both the start command and
 * every URL.
 */
struct role_info {
	const char	*name;		/* as written in .zt: "nova-api" */
	unsigned	 releases;	/* bit (1 << REL_x) per release */
	enum role_conf	 conf;		/* what `config` configures */
	enum ir_project	 project;	/* CONF_OSLO: whose files */
	const char	*exec;		/* start command template, or NULL */
	const char	*exec_rel[REL__COUNT];	/* ...where a release runs it
						 * differently */
	const char	*user, *group;	/* default credentials, or NULL */
	int		 ports[ROLE_MAX_PORTS];	/* default listen ports,
						 * 0-terminated */
	enum ir_duration duration;
	const char	*packaged_fmri;	/* the package ships its manifest
					 * under this FMRI; NULL: ztopo
					 * generates one */
	const char	*reload;	/* refresh method, or NULL */
	unsigned	 reload_flags;	/* ...where the release has these RF_
					 * flags (0: always) */
	const char	*common_name;	/* SMF template: < 40 characters */
	const char	*doc_name, *doc_uri;	/* SMF template doc_link */
	int		 serves;	/* a server of credentials of this
					 * kind (enum ir_credkind), or -1 */
	unsigned	 db_releases;	/* releases where it uses the DB */
	unsigned	 needs[REL__COUNT];	/* CONF_OSLO: NEED_* */
	const char	*env;		/* CONF_OSLO: NAME=VALUE its start
					 * method sets (a template), or NULL */
	/* an API in the keystone catalog: its type, its name there and the
	 * path of its endpoints; NULL type: not in the catalog */
	const char	*catalog_type, *catalog_name, *catalog_path;
	/* per release, the commands that prepare the database its project's
	 * services share, in order, each safe to run twice (templates), run
	 * by its first instance before any service of the project that uses
	 * the database starts (plan.c); NULL-ended */
	const char	*db_sync[REL__COUNT][5];
	const char	*region;	/* keystone: its region by default */
	/* per release, what one instance runs once every nova-compute has
	 * started (host discovery), or NULL */
	const char	*after_compute[REL__COUNT];
	enum role_zone	 zone;		/* where it may run */
	int		 store;		/* holds data (drawn as a store) */
};
extern const struct role_info role_table[ROLE__COUNT];
#define ROLE_IN(r, rel)	((role_table[(r)].releases & (1u << (rel))) != 0)

/* The start command template of ROLE in REL, or NULL. */
const char	*role_exec(enum ir_role, enum ir_release);
/* The refresh method of ROLE in REL, or NULL. */
const char	*role_reload(enum ir_role, enum ir_release);
/* The role whose servers take credentials of KIND. */
enum ir_role	 role_serving(enum ir_credkind);
const char	*credkind_name(enum ir_credkind);

/* A value in metadata, tags or config: literal or a secret reference. */
enum ir_vkind { IRV_STRING, IRV_INT, IRV_BOOL, IRV_SECRET, IRV_FLOAT,
	IRV_LIST };
struct ir_value {
	enum ir_vkind		 kind;
	const char		*s;		/* IRV_STRING, IRV_FLOAT (as
						 * written) */
	struct ir_value		*items;		/* IRV_LIST: no lists or
						 * secrets among them */
	size_t			 nitems;
	long long		 i;		/* IRV_INT, IRV_BOOL (0/1) */
	struct ir_secret	*secret;	/* IRV_SECRET */
	struct loc		 loc;
};

struct ir_kv {
	const char	*key;
	struct ir_value	 val;
	struct loc	 loc;		/* of the key */
};

/* A config option: section "DEFAULT" etc., key, value. */
struct ir_opt {
	const char	*section;
	const char	*key;
	struct ir_value	 val;
	struct loc	 loc;		/* of the key */
	struct loc	 section_loc;
};

enum secret_src { SECRET_NONE, SECRET_ENV, SECRET_FILE };

struct ir_secret {
	const char	*name;
	const char	*value;		/* NULL until supplied (secrets.c) */
	enum secret_src	 value_src;
	struct loc	 loc;
	struct loc	*uses;		/* every place that refers to it */
	size_t		 nuses;
	int		 index;
};

struct ir_network {
	const char	*name;
	const char	*nic_tag;
	uint32_t	 net;		/* host order, masked */
	int		 prefix;
	uint32_t	 gateway;	/* 0: none */
	uint32_t	*resolvers;
	size_t		 nresolvers;
	long long	 vlan;		/* IR_UNSET: untagged */
	long long	 mtu;		/* IR_UNSET: default */
	int		 public;	/* public endpoints are on it */
	uint32_t	 pool_lo, pool_hi;	/* 0, 0: no pool */
	struct loc	 loc;
	struct loc	 tag_loc;	/* of the nic_tag value */
	int		 index;
};

struct ir_image {
	const char	*name;
	const char	*uuid;		/* lowercase */
	enum ir_brand	 brand;
	const char	*kernel_version;	/* lx only, else NULL */
	long long	 size_mib;	/* HVM disk image size, else IR_UNSET */
	struct loc	 loc;
	struct loc	 brand_loc;
	int		 index;
};

struct ir_credential {
	const char		*name;
	enum ir_credkind	 kind;
	const char		*user;
	const char		**databases;	/* mysql */
	size_t			 ndatabases;
	const char		**privileges;	/* mysql, upper case */
	size_t			 nprivileges;
	const char		*vhost;		/* rabbitmq */
	const char		*project;	/* keystone */
	const char		*domain;	/* keystone */
	const char		*perm_configure, *perm_write, *perm_read;
	const char		**rabbit_tags;	/* rabbitmq user tags */
	size_t			 nrabbit_tags;
	struct ir_secret	*password;
	int			 any_host;	/* grant to '%': asked for */
	struct loc		 loc;
	struct ir_edge		**consumers;	/* edges using it, in order */
	size_t			 nconsumers;
	int			 index;
};

/* A declared "uses" of one service by another. */
struct ir_use {
	struct ir_service	*service;	/* the service used */
	struct ir_credential	*cred;		/* NULL: no credential */
	int			 needed;	/* 0: the role does not use it
						 * in this release (zed
						 * nova-compute -> mysql) */
	struct loc		 loc;
};

struct ir_service {
	const char		*name;
	enum ir_role		 role;
	const char		*start, *stop, *refresh; /* NULL: none given */
	const char		*user, *group;
	const char		*privileges;
	const char		*workdir;
	struct ir_kv		*env;		/* IRV_STRING values */
	size_t			 nenv;
	enum ir_duration	 duration;
	int			 duration_set;
	long long		 timeout;	/* seconds for start/stop */
	int			*ports;
	size_t			 nports;
	struct ir_use		*uses;
	size_t			 nuses;
	struct ir_opt		*config;	/* free-form, declared order */
	size_t			 nconfig;
	int			 packaged;	/* no manifest: package has one */
	const char		*fmri;		/* given, or NULL */
	const char		*smf_fmri;	/* its SMF instance, canonical
						 * "svc:/S[:I]" (fmri.c); NULL:
						 * unknown or invalid */
	const char		*description;
	struct ir_credential	*admin;		/* keystone: bootstrap admin */
	const char		*region;	/* keystone: its region */
	struct loc		 loc;
	struct loc		 role_loc;
	/* where each value was written, for located backend errors (src
	 * NULL: not set in the .zt) */
	struct loc		 start_loc, stop_loc, refresh_loc, user_loc,
				 group_loc, privileges_loc, workdir_loc,
				 duration_loc, manifest_loc, fmri_loc,
				 description_loc;
	struct ir_sinst		**instances;	/* in this target */
	size_t			 ninstances;
	int			 index;
};

struct ir_nic {
	struct ir_network	*network;
	uint32_t		 addr;
	int			 fixed;		/* given in the .zt */
	int			 primary;
	const char		*model;		/* HVM: virtio/e1000/..., or NULL */
	const char		*key;		/* zone instance's copy: NETWORK, or
						 * NETWORK#N for the zone's Nth nic
						 * on it; names it in the lock and
						 * derives its MAC */
	struct loc		 loc;
	struct loc		 model_loc;	/* of the model value, if any */
	struct loc		 addr_loc;	/* fixed: of the address value */
};

struct ir_route {
	const char	*dest;		/* address or CIDR */
	const char	*gateway;	/* address */
	struct loc	 loc;
};

struct ir_fs {
	const char	*source, *target, *type;
	const char	**options;
	size_t		 noptions;
	struct loc	 loc;
};

struct ir_disk {
	long long	 size_mib;	/* IR_UNSET: from the image */
	struct ir_image	*image;		/* boot disk from an image, or NULL */
	const char	*model;
	int		 boot;
	struct loc	 loc;
	struct loc	 size_loc, image_loc, model_loc, boot_loc; /* if set */
};

/* The properties of a zone (resolve_zone.c's table reads them). */
enum zone_prop {
	ZP_IMAGE, ZP_MEMORY, ZP_SWAP, ZP_LOCKED, ZP_TMPFS, ZP_QUOTA,
	ZP_CPU_CAP, ZP_CPU_SHARES, ZP_LWPS, ZP_IOPRIO, ZP_VCPUS, ZP_RAM,
	ZP_AUTOBOOT, ZP_DELEGATE, ZP_FIREWALL, ZP_DNS, ZP_KERNEL, ZP_SCRIPT,
	ZP_NIC, ZP_RESOLVERS, ZP_ROUTE, ZP_METADATA, ZP_IMETADATA, ZP_TAGS,
	ZP_FS, ZP_DISK, ZP_SERVICES, ZP__COUNT
};

/* A zone as declared; placed once per host by the target (ir_zinst). */
struct ir_zone {
	const char		*name;
	struct ir_image		*image;
	const char		*kernel_version;	/* lx: zone or image */
	long long		 memory_mib;	/* max_physical_memory */
	long long		 swap_mib;	/* max_swap */
	long long		 locked_mib;	/* max_locked_memory */
	long long		 tmpfs_mib;	/* IR_UNSET: vmadm default */
	long long		 quota_gib;
	long long		 cpu_cap;	/* IR_UNSET: no cap */
	long long		 cpu_shares;
	long long		 max_lwps;
	long long		 zfs_io_priority;
	long long		 vcpus;		/* HVM */
	long long		 ram_mib;	/* HVM guest RAM */
	int			 autoboot;
	int			 delegate_dataset;
	int			 firewall_enabled;
	const char		*dns_domain;
	const char		*user_script;
	struct ir_nic		*nics;		/* declared: network, maybe addr */
	size_t			 nnics;
	uint32_t		*resolvers;	/* zone's, else networks' */
	size_t			 nresolvers;
	struct ir_route		*routes;
	size_t			 nroutes;
	struct ir_kv		*metadata;	/* customer_metadata */
	size_t			 nmetadata;
	struct ir_kv		*internal_metadata;
	size_t			 ninternal_metadata;
	struct ir_kv		*tags;
	size_t			 ntags;
	struct ir_fs		*filesystems;
	size_t			 nfilesystems;
	struct ir_disk		*disks;		/* HVM */
	size_t			 ndisks;
	struct ir_service	**services;	/* runs, declared order */
	struct loc		*service_locs;	/* where each is listed */
	size_t			 nservices;
	struct loc		 loc;
	struct ir_zinst		**instances;	/* in this target */
	size_t			 ninstances;
	int			 index;
	/* where each property was first set (src NULL: not set), for
	 * located errors; ir_zone_sets, ir_zone_loc */
	struct loc		 set[ZP__COUNT];
};

struct ir_host {
	const char		*name;
	struct ir_nic		*addrs;		/* [0] is the admin address */
	size_t			 naddrs;
	long long		 memory_mib;
	long long		 disk_gib;
	struct loc		 loc;
	struct ir_zinst		**zones;	/* placed here, in order */
	size_t			 nzones;
	struct ir_sinst		**global;	/* global-zone services */
	size_t			 nglobal;
	int			 placed;	/* in this target */
	int			 index;
};

/* One zone placed on one host. */
struct ir_zinst {
	struct ir_zone		*zone;
	struct ir_host		*host;
	const char		*hostname;	/* zone, or zone-host (replicas) */
	struct ir_nic		*nics;		/* addresses allocated */
	size_t			 nnics;
	struct ir_sinst		**services;
	size_t			 nservices;
	struct loc		 loc;		/* of the placement */
	int			 index;
};

/* One service running in a zone instance or a host's global zone. */
struct ir_sinst {
	struct ir_service	*service;
	struct ir_host		*host;
	struct ir_zinst		*zone;		/* NULL: the global zone */
	const char		*zone_name;	/* zone name or "global" */
	const char		*nodename;	/* zone hostname or host name */
	uint32_t		 addr;		/* primary address */
	const char		*prefix;	/* /opt/local or /opt/tools */
	const char		*config_dir;	/* CONF_OSLO: @CONFDIR@ */
	const char		*extra_file;	/* CONF_OSLO: @EXTRAFILE@, or
						 * NULL */
	const char		*start;		/* start command, expanded */
	const char		*env_file;	/* a custom service that uses
						 * others: the file of their
						 * connection details its start
						 * command loads, or NULL */
	struct ir_edge		**out;		/* edges to what it uses */
	size_t			 nout;
	struct loc		 loc;
	int			 index;
};

/* A client instance using a server instance, with the addresses each end
 * sees: the client's address on a network both share (else its primary),
 * and the server's address on that network. */
struct ir_edge {
	struct ir_use		*use;
	struct ir_sinst		*client;
	struct ir_sinst		*server;
	uint32_t		 client_addr;
	uint32_t		 server_addr;
	int			 same_zone;	/* same host and same zone */
};

struct ir_placement {			/* a target directive, for plans */
	struct loc	 loc;
};

struct ir {
	struct arena		*arena;
	const char		*target;
	enum ir_release		 release;
	struct ir_network	**networks;	size_t nnetworks;
	struct ir_image		**images;	size_t nimages;
	struct ir_secret	**secrets;	size_t nsecrets;
	struct ir_credential	**credentials;	size_t ncredentials;
	struct ir_service	**services;	size_t nservices;
	struct ir_zone		**zones;	size_t nzones;
	struct ir_host		**hosts;	size_t nhosts;	/* placed ones */
	struct ir_zinst		**zinsts;	size_t nzinsts;
	struct ir_sinst		**sinsts;	size_t nsinsts;
	/* the service instances of each role, in placement order */
	struct ir_sinst		**role_sinsts[ROLE__COUNT];
	size_t			 nrole_sinsts[ROLE__COUNT];
	struct ir_edge		**edges;	size_t nedges;
	const char		**targets;	size_t ntargets; /* all declared */
};

/* Where zone property P was set, or the zone's own location. */
struct loc	 ir_zone_loc(const struct ir_zone *, enum zone_prop);
/* Was zone property P written in the .zt (not defaulted)? */
int		 ir_zone_sets(const struct ir_zone *, enum zone_prop);
/* Port I of service S: its `ports', else its role's default; 0: none. */
int		 ir_port(const struct ir_service *, size_t i);
/* Role template TMPL (roles.c) expanded for instance SI. */
const char	*ir_expand(struct arena *, const char *tmpl,
		    const struct ir_sinst *);
/* SI's address on a network marked public, else ADDR. */
uint32_t	 ir_sinst_public_addr(const struct ir_sinst *, uint32_t addr);

/* keystone's endpoint interfaces, in the order ztopo registers them */
enum ir_iface { IFACE_INTERNAL, IFACE_ADMIN, IFACE_PUBLIC, IFACE__COUNT };
extern const char *const ir_iface_name[IFACE__COUNT];
/* the URL of API instance SI on an interface (public: its public network) */
const char	*ir_api_url(const struct ir *, const struct ir_sinst *,
		    enum ir_iface);
/* Address of SINST on NETWORK, or 0. */
uint32_t	 ir_sinst_addr_on(const struct ir_sinst *, const struct ir_network *);
const char	*ir_addr(const struct ir *, uint32_t);	/* dotted quad */

/* Build the IR for TARGET (NULL: the only one).  NULL on errors. */
struct ir	*ir_build(struct arena *, struct diag *, struct ast_dir *,
		    const char *target);
/* The same, with pool addresses kept by LOCK (lock.h; NULL: none), calling
 * EACH on the IR of every target lowered ("*": all). */
struct lock;
typedef void	 ir_each_fn(struct ir *, void *);
struct ir	*ir_build_each(struct arena *, struct diag *, struct ast_dir *,
		    const char *target, struct lock *, ir_each_fn *, void *);
/* Print the IR as JSON (sorted keys, trailing newline). */
int		 ir_print_json(const struct ir *, FILE *);

#endif
