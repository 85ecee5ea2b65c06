/*
 * ir.h -- the resolved, checked, target-specific model that backends
 * consume.  Backends never see the syntax tree.
 *
 * Invariants (established by resolve.c and ir.c before any backend runs):
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
 */
#ifndef ZTOPO_IR_H
#define ZTOPO_IR_H

#include "ztopo.h"

#define IR_UNSET	(-1LL)

enum ir_release { REL_FOLSOM, REL_ZED, REL__COUNT };

enum ir_brand {
	BRAND_JOYENT, BRAND_JOYENT_MINIMAL, BRAND_LX, BRAND_KVM, BRAND_BHYVE,
	BRAND__COUNT
};
#define BRAND_IS_HVM(b)	((b) == BRAND_KVM || (b) == BRAND_BHYVE)

enum ir_role {
	ROLE_NONE,		/* a custom service */
	ROLE_MYSQL,
	ROLE_RABBITMQ,
	ROLE_MEMCACHED,
	ROLE_KEYSTONE,
	ROLE_GLANCE_API,
	ROLE_GLANCE_REGISTRY,
	ROLE_PLACEMENT_API,
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

enum ir_credkind { CRED_MYSQL, CRED_RABBITMQ };

/* What a role is, per release (roles.c). */
struct role_info {
	const char	*name;		/* as written in .zt: "nova-api" */
	unsigned	 releases;	/* bit (1 << REL_x) per release */
	int		 nova;		/* reads nova.conf */
	const char	*exec;		/* default start command, or NULL */
	const char	*exec_zed;	/* ...where Zed runs it differently */
	const char	*user, *group;	/* default credentials, or NULL */
	int		 ports[3];	/* default listen ports, 0-terminated */
	enum ir_duration duration;
	int		 packaged;	/* the package ships its own manifest */
	const char	*packaged_fmri;	/* ...under this FMRI */
	unsigned	 db_releases;	/* releases where it uses the DB */
};
extern const struct role_info role_table[ROLE__COUNT];
const char	*release_name(enum ir_release);
const char	*brand_name(enum ir_brand);

/* A value in metadata, tags or config: literal or a secret reference. */
enum ir_vkind { IRV_STRING, IRV_INT, IRV_BOOL, IRV_SECRET };
struct ir_value {
	enum ir_vkind		 kind;
	const char		*s;		/* IRV_STRING */
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
	const char		*description;
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
	struct loc		 loc;
	struct loc		 model_loc;	/* of the model value, if any */
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
	size_t			 nservices;
	struct loc		 loc;
	struct ir_zinst		**instances;	/* in this target */
	size_t			 ninstances;
	int			 index;
	/* where each property was set, for located backend errors */
	const char		**prop_names;
	struct loc		*prop_locs;
	size_t			 nprops;
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
	const char		*config_dir;	/* nova roles: fragment dir */
	const char		*start;		/* start command, expanded */
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
	struct ir_edge		**edges;	size_t nedges;
	const char		**targets;	size_t ntargets; /* all declared */
};

/* Loc where zone property NAME was set, or the zone's own location. */
struct loc	 ir_zone_loc(const struct ir_zone *, const char *name);
/* Was zone property NAME written in the .zt (not defaulted)? */
int		 ir_zone_sets(const struct ir_zone *, const char *name);
/* Address of SINST on NETWORK, or 0. */
uint32_t	 ir_sinst_addr_on(const struct ir_sinst *, const struct ir_network *);
const char	*ir_addr(const struct ir *, uint32_t);	/* dotted quad */

/* Build the IR for TARGET (NULL: the only one).  NULL on errors. */
struct ir	*ir_build(struct arena *, struct diag *, struct ast_dir *,
		    const char *target);
/* The same, calling EACH on the IR of every target lowered ("*": all). */
typedef void	 ir_each_fn(struct ir *, void *);
struct ir	*ir_build_each(struct arena *, struct diag *, struct ast_dir *,
		    const char *target, ir_each_fn *, void *);
/* Print the IR as JSON (sorted keys, trailing newline). */
int		 ir_print_json(const struct ir *, FILE *);

#endif
