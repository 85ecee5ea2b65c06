/*
 * irjson.c -- `ztopo ir`: the IR as JSON, for people who script around
 * ztopo and for the tests that pin it.
 *
 * Keys are sorted and indented by jansson; arrays keep the IR's stable
 * order.  Nothing machine- or run-specific is printed: no source paths,
 * no locations, and never a secret's value (only its name).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ir.h"

static const char *const duration_names[] = { "contract", "child", "transient" };

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jint(long long v)
{
	return v == IR_UNSET ? json_null() : json_integer(v);
}

static json_t *
jaddr(const struct ir *ir, uint32_t a)
{
	return a != 0 ? json_string(ir_addr(ir, a)) : json_null();
}

static json_t *
jstrs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
jaddrs(const struct ir *ir, const uint32_t *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jaddr(ir, v[i]));
	return a;
}

static json_t *
jvalue(const struct ir_value *v)
{
	json_t *l;
	size_t i;

	switch (v->kind) {
	case IRV_FLOAT:
		return json_pack("{s:s}", "number", v->s);
	case IRV_LIST:
		l = json_array();
		for (i = 0; i < v->nitems; i++)
			json_array_append_new(l, jvalue(&v->items[i]));
		return l;
	case IRV_STRING:
		return json_string(v->s);
	case IRV_INT:
		return json_integer(v->i);
	case IRV_BOOL:
		return json_boolean(v->i);
	case IRV_SECRET:
		return json_pack("{s:s}", "secret", v->secret->name);
	}
	return json_null();
}

static json_t *
jkvs(const struct ir_kv *kv, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_set_new(o, kv[i].key, jvalue(&kv[i].val));
	return o;
}

/* "service@host/zone", the name an instance goes by in the IR. */
static const char *
sinst_id(const struct ir *ir, const struct ir_sinst *si)
{
	return arena_printf(ir->arena, "%s@%s/%s", si->service->name,
	    si->host->name, si->zone_name);
}

static const char *
zinst_id(const struct ir *ir, const struct ir_zinst *zi)
{
	return arena_printf(ir->arena, "%s@%s", zi->zone->name, zi->host->name);
}

static json_t *
jnetwork(const struct ir *ir, const struct ir_network *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(n->name));
	json_object_set_new(o, "nic_tag", json_string(n->nic_tag));
	json_object_set_new(o, "subnet", json_string(arena_printf(ir->arena,
	    "%s/%d", ir_addr(ir, n->net), n->prefix)));
	json_object_set_new(o, "netmask",
	    json_string(ir_addr(ir, prefix_mask(n->prefix))));
	json_object_set_new(o, "gateway", jaddr(ir, n->gateway));
	json_object_set_new(o, "resolvers",
	    jaddrs(ir, n->resolvers, n->nresolvers));
	json_object_set_new(o, "vlan", jint(n->vlan));
	json_object_set_new(o, "mtu", jint(n->mtu));
	json_object_set_new(o, "public", json_boolean(n->public));
	if (n->pool_lo != 0)
		json_object_set_new(o, "pool", json_pack("[o,o]",
		    jaddr(ir, n->pool_lo), jaddr(ir, n->pool_hi)));
	else
		json_object_set_new(o, "pool", json_null());
	return o;
}

static json_t *
jimage(const struct ir_image *im)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(im->name));
	json_object_set_new(o, "uuid", json_string(im->uuid));
	json_object_set_new(o, "brand", json_string(brand_name(im->brand)));
	json_object_set_new(o, "kernel_version", jstr(im->kernel_version));
	json_object_set_new(o, "size_mib", jint(im->size_mib));
	return o;
}

static json_t *
jedge(const struct ir *ir, const struct ir_edge *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "client", json_string(sinst_id(ir, e->client)));
	json_object_set_new(o, "server", json_string(sinst_id(ir, e->server)));
	json_object_set_new(o, "client_address", jaddr(ir, e->client_addr));
	json_object_set_new(o, "server_address", jaddr(ir, e->server_addr));
	json_object_set_new(o, "credential",
	    e->use->cred ? json_string(e->use->cred->name) : json_null());
	json_object_set_new(o, "same_zone", json_boolean(e->same_zone));
	return o;
}

static json_t *
jcredential(const struct ir *ir, const struct ir_credential *c)
{
	json_t *o = json_object(), *cons = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "user", json_string(c->user));
	json_object_set_new(o, "password", json_pack("{s:s}", "secret",
	    c->password->name));
	json_object_set_new(o, "any_host", json_boolean(c->any_host));
	json_object_set_new(o, "kind", json_string(credkind_name(c->kind)));
	if (c->kind == CRED_MYSQL) {
		json_object_set_new(o, "databases",
		    jstrs(c->databases, c->ndatabases));
		json_object_set_new(o, "privileges",
		    jstrs(c->privileges, c->nprivileges));
	} else if (c->kind == CRED_KEYSTONE) {
		json_object_set_new(o, "project", json_string(c->project));
		json_object_set_new(o, "domain", json_string(c->domain));
	} else {
		json_object_set_new(o, "vhost", json_string(c->vhost));
		json_object_set_new(o, "permissions", json_pack("{s:s,s:s,s:s}",
		    "configure", c->perm_configure, "write", c->perm_write,
		    "read", c->perm_read));
		json_object_set_new(o, "tags",
		    jstrs(c->rabbit_tags, c->nrabbit_tags));
	}
	for (i = 0; i < c->nconsumers; i++)
		json_array_append_new(cons, jedge(ir, c->consumers[i]));
	json_object_set_new(o, "consumers", cons);
	return o;
}

static json_t *
jservice(const struct ir *ir, const struct ir_service *s)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "role", s->role == ROLE_NONE ? json_null() :
	    json_string(role_table[s->role].name));
	json_object_set_new(o, "start", jstr(s->start));
	json_object_set_new(o, "stop", jstr(s->stop));
	json_object_set_new(o, "refresh", jstr(s->refresh));
	json_object_set_new(o, "user", jstr(s->user));
	json_object_set_new(o, "group", jstr(s->group));
	json_object_set_new(o, "privileges", jstr(s->privileges));
	json_object_set_new(o, "working_directory", jstr(s->workdir));
	json_object_set_new(o, "environment", jkvs(s->env, s->nenv));
	json_object_set_new(o, "duration",
	    json_string(duration_names[s->duration]));
	json_object_set_new(o, "timeout", jint(s->timeout));
	a = json_array();
	for (i = 0; i < s->nports; i++)
		json_array_append_new(a, json_integer(s->ports[i]));
	json_object_set_new(o, "ports", a);
	a = json_array();
	for (i = 0; i < s->nuses; i++)
		json_array_append_new(a, json_pack("{s:s,s:o,s:b}",
		    "service", s->uses[i].service->name,
		    "credential", s->uses[i].cred ?
		    json_string(s->uses[i].cred->name) : json_null(),
		    "needed", s->uses[i].needed));
	json_object_set_new(o, "uses", a);
	a = json_array();
	for (i = 0; i < s->nconfig; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:o}",
		    "section", s->config[i].section, "key", s->config[i].key,
		    "value", jvalue(&s->config[i].val)));
	json_object_set_new(o, "config", a);
	json_object_set_new(o, "manifest",
	    json_string(s->packaged ? "packaged" : "generate"));
	json_object_set_new(o, "fmri", jstr(s->fmri));
	json_object_set_new(o, "description", jstr(s->description));
	if (role_table[s->role].catalog_type != NULL)
		json_object_set_new(o, "catalog", json_pack("{s:s, s:s}",
		    "type", role_table[s->role].catalog_type,
		    "name", role_table[s->role].catalog_name));
	if (s->role == ROLE_KEYSTONE) {
		json_object_set_new(o, "admin", s->admin ?
		    json_string(s->admin->name) : json_null());
		json_object_set_new(o, "region", jstr(s->region));
	}
	a = json_array();
	for (i = 0; i < s->ninstances; i++)
		json_array_append_new(a,
		    json_string(sinst_id(ir, s->instances[i])));
	json_object_set_new(o, "instances", a);
	return o;
}

static json_t *
jnic(const struct ir *ir, const struct ir_nic *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "network", json_string(n->network->name));
	json_object_set_new(o, "address", jaddr(ir, n->addr));
	json_object_set_new(o, "fixed", json_boolean(n->fixed));
	json_object_set_new(o, "primary", json_boolean(n->primary));
	json_object_set_new(o, "model", jstr(n->model));
	return o;
}

static json_t *
jzone(const struct ir *ir, const struct ir_zone *z)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "name", json_string(z->name));
	json_object_set_new(o, "image", json_string(z->image->name));
	json_object_set_new(o, "brand", json_string(brand_name(z->image->brand)));
	json_object_set_new(o, "kernel_version", jstr(z->kernel_version));
	json_object_set_new(o, "memory_mib", jint(z->memory_mib));
	json_object_set_new(o, "swap_mib", jint(z->swap_mib));
	json_object_set_new(o, "locked_memory_mib", jint(z->locked_mib));
	json_object_set_new(o, "tmpfs_mib", jint(z->tmpfs_mib));
	json_object_set_new(o, "quota_gib", jint(z->quota_gib));
	json_object_set_new(o, "cpu_cap", jint(z->cpu_cap));
	json_object_set_new(o, "cpu_shares", jint(z->cpu_shares));
	json_object_set_new(o, "max_lwps", jint(z->max_lwps));
	json_object_set_new(o, "zfs_io_priority", jint(z->zfs_io_priority));
	json_object_set_new(o, "vcpus", jint(z->vcpus));
	json_object_set_new(o, "ram_mib", jint(z->ram_mib));
	json_object_set_new(o, "autoboot", json_boolean(z->autoboot));
	json_object_set_new(o, "delegate_dataset",
	    json_boolean(z->delegate_dataset));
	json_object_set_new(o, "firewall", json_boolean(z->firewall_enabled));
	json_object_set_new(o, "dns_domain", jstr(z->dns_domain));
	json_object_set_new(o, "user_script", jstr(z->user_script));
	a = json_array();
	for (i = 0; i < z->nnics; i++)
		json_array_append_new(a, jnic(ir, &z->nics[i]));
	json_object_set_new(o, "nics", a);
	json_object_set_new(o, "resolvers",
	    jaddrs(ir, z->resolvers, z->nresolvers));
	a = json_array();
	for (i = 0; i < z->nroutes; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "destination",
		    z->routes[i].dest, "gateway", z->routes[i].gateway));
	json_object_set_new(o, "routes", a);
	json_object_set_new(o, "metadata", jkvs(z->metadata, z->nmetadata));
	json_object_set_new(o, "internal_metadata",
	    jkvs(z->internal_metadata, z->ninternal_metadata));
	json_object_set_new(o, "tags", jkvs(z->tags, z->ntags));
	a = json_array();
	for (i = 0; i < z->nfilesystems; i++) {
		const struct ir_fs *f = &z->filesystems[i];

		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o}",
		    "source", f->source, "target", f->target, "type", f->type,
		    "options", jstrs(f->options, f->noptions)));
	}
	json_object_set_new(o, "filesystems", a);
	a = json_array();
	for (i = 0; i < z->ndisks; i++) {
		const struct ir_disk *d = &z->disks[i];

		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:b}",
		    "size_mib", jint(d->size_mib),
		    "image", d->image ? json_string(d->image->name) :
		    json_null(), "model", jstr(d->model), "boot", d->boot));
	}
	json_object_set_new(o, "disks", a);
	a = json_array();
	for (i = 0; i < z->nservices; i++)
		json_array_append_new(a, json_string(z->services[i]->name));
	json_object_set_new(o, "services", a);
	a = json_array();
	for (i = 0; i < z->ninstances; i++)
		json_array_append_new(a,
		    json_string(zinst_id(ir, z->instances[i])));
	json_object_set_new(o, "instances", a);
	return o;
}

static json_t *
jhost(const struct ir *ir, const struct ir_host *h)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "name", json_string(h->name));
	a = json_array();
	for (i = 0; i < h->naddrs; i++)
		json_array_append_new(a, json_pack("{s:s,s:o}", "network",
		    h->addrs[i].network->name, "address",
		    jaddr(ir, h->addrs[i].addr)));
	json_object_set_new(o, "addresses", a);
	json_object_set_new(o, "memory_mib", jint(h->memory_mib));
	json_object_set_new(o, "disk_gib", jint(h->disk_gib));
	a = json_array();
	for (i = 0; i < h->nzones; i++)
		json_array_append_new(a, json_string(zinst_id(ir, h->zones[i])));
	json_object_set_new(o, "zones", a);
	a = json_array();
	for (i = 0; i < h->nglobal; i++)
		json_array_append_new(a, json_string(sinst_id(ir, h->global[i])));
	json_object_set_new(o, "global_services", a);
	return o;
}

static json_t *
jzinst(const struct ir *ir, const struct ir_zinst *zi)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "id", json_string(zinst_id(ir, zi)));
	json_object_set_new(o, "zone", json_string(zi->zone->name));
	json_object_set_new(o, "host", json_string(zi->host->name));
	json_object_set_new(o, "hostname", json_string(zi->hostname));
	a = json_array();
	for (i = 0; i < zi->nnics; i++)
		json_array_append_new(a, jnic(ir, &zi->nics[i]));
	json_object_set_new(o, "nics", a);
	a = json_array();
	for (i = 0; i < zi->nservices; i++)
		json_array_append_new(a,
		    json_string(sinst_id(ir, zi->services[i])));
	json_object_set_new(o, "services", a);
	return o;
}

static json_t *
jsinst(const struct ir *ir, const struct ir_sinst *si)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "id", json_string(sinst_id(ir, si)));
	json_object_set_new(o, "service", json_string(si->service->name));
	json_object_set_new(o, "host", json_string(si->host->name));
	json_object_set_new(o, "zone", json_string(si->zone_name));
	json_object_set_new(o, "global", json_boolean(si->zone == NULL));
	json_object_set_new(o, "nodename", json_string(si->nodename));
	json_object_set_new(o, "address", jaddr(ir, si->addr));
	json_object_set_new(o, "prefix", json_string(si->prefix));
	json_object_set_new(o, "config_dir", jstr(si->config_dir));
	json_object_set_new(o, "start", jstr(si->start));
	json_object_set_new(o, "env_file", jstr(si->env_file));
	if (role_table[si->service->role].catalog_type != NULL) {
		json_t *e = json_object();
		int k;

		for (k = 0; k < IFACE__COUNT; k++)
			json_object_set_new(e, ir_iface_name[k], json_string(
			    ir_api_url(ir, si, (enum ir_iface)k)));
		json_object_set_new(o, "endpoints", e);
	}
	a = json_array();
	for (i = 0; i < si->nout; i++)
		json_array_append_new(a, jedge(ir, si->out[i]));
	json_object_set_new(o, "uses", a);
	return o;
}

/*
 * The document is written member by member, each array element by
 * element, in the bytes jansson's JSON_INDENT(2) | JSON_SORT_KEYS gives
 * the whole: each value is dumped alone and indented to its depth after
 * every newline (jansson escapes newlines inside strings, so every
 * newline is layout).  So the memory does not grow with the topology.
 */
static int
put_at(FILE *fp, json_t *v, int depth)
{
	char *t = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS |
	    JSON_ENCODE_ANY), *p;
	static const char spaces[] = "    ";	/* 2 * the deepest, 2 */
	size_t n;
	int rc = 0;

	json_decref(v);
	if (t == NULL)
		return -1;
	/* a line at a time: the bytes up to and with its newline, then the
	 * indentation */
	for (p = t; *p != '\0' && rc == 0; p += n) {
		n = strcspn(p, "\n");
		if (p[n] == '\n')
			n++;
		if (fwrite(p, 1, n, fp) != n || (p[n - 1] == '\n' &&
		    fwrite(spaces, 1, (size_t)(2 * depth), fp) !=
		    (size_t)(2 * depth)))
			rc = -1;
	}
	free(t);
	return rc;
}

typedef json_t	*elem_fn(const struct ir *, size_t);

static json_t *e_target(const struct ir *ir, size_t i)
{ return json_string(ir->targets[i]); }
static json_t *e_network(const struct ir *ir, size_t i)
{ return jnetwork(ir, ir->networks[i]); }
static json_t *e_image(const struct ir *ir, size_t i)
{ return jimage(ir->images[i]); }
static json_t *e_secret(const struct ir *ir, size_t i)
{ return json_string(ir->secrets[i]->name); }
static json_t *e_credential(const struct ir *ir, size_t i)
{ return jcredential(ir, ir->credentials[i]); }
static json_t *e_service(const struct ir *ir, size_t i)
{ return jservice(ir, ir->services[i]); }
static json_t *e_zone(const struct ir *ir, size_t i)
{ return jzone(ir, ir->zones[i]); }
static json_t *e_host(const struct ir *ir, size_t i)
{ return jhost(ir, ir->hosts[i]); }
static json_t *e_zinst(const struct ir *ir, size_t i)
{ return jzinst(ir, ir->zinsts[i]); }
static json_t *e_sinst(const struct ir *ir, size_t i)
{ return jsinst(ir, ir->sinsts[i]); }

/* The top-level members, sorted by key (as JSON_SORT_KEYS sorts). */
static const struct member {
	const char	*key;
	elem_fn		*elem;		/* an array of N elements, or */
	size_t		 n_off;		/* offset of its count in struct ir */
	int		 scalar;	/* 1 ztopo_ir, 2 target, 3 release */
} members[] = {
	{ "credentials", e_credential, offsetof(struct ir, ncredentials), 0 },
	{ "hosts", e_host, offsetof(struct ir, nhosts), 0 },
	{ "images", e_image, offsetof(struct ir, nimages), 0 },
	{ "networks", e_network, offsetof(struct ir, nnetworks), 0 },
	{ "release", NULL, 0, 3 },
	{ "secrets", e_secret, offsetof(struct ir, nsecrets), 0 },
	{ "service_instances", e_sinst, offsetof(struct ir, nsinsts), 0 },
	{ "services", e_service, offsetof(struct ir, nservices), 0 },
	{ "target", NULL, 0, 2 },
	{ "targets", e_target, offsetof(struct ir, ntargets), 0 },
	{ "zone_instances", e_zinst, offsetof(struct ir, nzinsts), 0 },
	{ "zones", e_zone, offsetof(struct ir, nzones), 0 },
	{ "ztopo_ir", NULL, 0, 1 },
};

int
ir_print_json(const struct ir *ir, FILE *fp)
{
	size_t m, i, nm = sizeof(members) / sizeof(members[0]);
	int rc = fputs("{\n", fp) == EOF ? -1 : 0;

	for (m = 0; m < nm && rc == 0; m++) {
		const struct member *mb = &members[m];
		size_t n = mb->elem != NULL ? *(const size_t *)(const void *)
		    ((const char *)ir + mb->n_off) : 0;

		if (fprintf(fp, "  \"%s\": ", mb->key) < 0)
			rc = -1;
		else if (mb->scalar != 0)
			rc = put_at(fp, mb->scalar == 1 ? json_integer(1) :
			    mb->scalar == 2 ? json_string(ir->target) :
			    json_string(release_name(ir->release)), 1);
		else if (n == 0)
			rc = fputs("[]", fp) == EOF ? -1 : 0;
		else {
			rc = fputs("[\n    ", fp) == EOF ? -1 : 0;
			for (i = 0; i < n && rc == 0; i++)
				if ((rc = put_at(fp, mb->elem(ir, i), 2)) == 0 &&
				    fputs(i + 1 < n ? ",\n    " : "\n  ]", fp) ==
				    EOF)
					rc = -1;
		}
		if (rc == 0 && fputs(m + 1 < nm ? ",\n" : "\n}\n", fp) == EOF)
			rc = -1;
	}
	return rc;
}
