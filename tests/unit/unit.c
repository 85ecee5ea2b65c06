/*
 * unit.c -- unit tests of the front end's small pieces that golden cases
 * reach only indirectly: SHA-256 at block boundaries, the hash tables
 * (string and integer keys) under growth, edit distance and suggestions, IPv4 parsing and printing,
 * secret variable names, the order of vmadm's property table; and the
 * knowledge tables (roles, brands, releases): every field
 * a pass reads is set, every template names only fields that exist.
 * Prints one line per failure and "unit: N passed, N failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir.h"
#include "digest.h"
#include "vmadm.h"

static int passed, failed;

#define CHECK(cond) do {						\
	if (cond)							\
		passed++;						\
	else {								\
		failed++;						\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
	}								\
} while (0)

static void
test_sha256(void)
{
	/* FIPS 180-4 examples and the padding boundaries (55, 56, 64 bytes) */
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 55 */
		  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 56 */
		  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
		  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	size_t i;
	char hex[65];

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(v[i].in, strlen(v[i].in), hex);
		CHECK(strcmp(hex, v[i].hex) == 0);
	}
}

static void
test_hash(void)
{
	struct arena *a = arena_new();
	struct hash *h = hash_new(a);
	int i, ok = 1;

	for (i = 0; i < 50000; i++)
		ok &= hash_put(h, arena_printf(a, "k%d", i), (void *)(long)(i + 1));
	CHECK(ok);
	CHECK(hash_count(h) == 50000);
	CHECK(hash_put(h, "k123", (void *)1) == 0);	/* existed */
	for (i = 0; i < 50000; i++)
		ok &= hash_get(h, arena_printf(a, "k%d", i)) ==
		    (void *)(long)(i + 1);
	CHECK(ok);
	CHECK(hash_get(h, "k50000") == NULL);
	arena_free(a);
}

/* Integer keys: runs of consecutive keys (which share blocks of slots),
 * runs that overlap other runs' blocks, scattered keys, key 0. */
static void
test_ihash(void)
{
	struct arena *a = arena_new();
	struct ihash *h = ihash_new(a);
	uint64_t k;
	int ok = 1, n = 0;

#define IKEY(i, j)	((uint64_t)(i) << 32 | (uint64_t)(j))
	for (k = 0; k < 20000; k++, n++)	/* one run, from key 0 */
		ok &= ihash_put(h, IKEY(0, k), (void *)(uintptr_t)(k + 1));
	for (k = 0; k < 3000; k++, n++)		/* runs of 7 and strides */
		ok &= ihash_put(h, IKEY(1 + k / 7, k * 17),
		    (void *)(uintptr_t)(k + 7));
	for (k = 1; k <= 5000; k++, n++)	/* scattered */
		ok &= ihash_put(h, k * 0x9e3779b97f4a7c15ULL, (void *)k);
	CHECK(ok);
	CHECK(ihash_put(h, IKEY(0, 0), (void *)9) == 0);	/* existed */
	CHECK(ihash_get(h, IKEY(0, 0)) == (void *)1);
	for (k = 0; k < 20000; k++)
		ok &= ihash_get(h, IKEY(0, k)) == (void *)(uintptr_t)(k + 1);
	for (k = 0; k < 3000; k++)
		ok &= ihash_get(h, IKEY(1 + k / 7, k * 17)) ==
		    (void *)(uintptr_t)(k + 7);
	for (k = 1; k <= 5000; k++)
		ok &= ihash_get(h, k * 0x9e3779b97f4a7c15ULL) == (void *)k;
	CHECK(ok);
	CHECK(ihash_get(h, IKEY(0, 20000)) == NULL);
	CHECK(ihash_get(h, IKEY(2, 18)) == NULL);
	CHECK(n == 28000);
#undef IKEY
	arena_free(a);
}

/* An array grown one element at a time is copied a logarithmic number
 * of times (a list of 10,000 hosts must not cost 10,000 / 8 copies). */
static void
test_arena_grow(void)
{
	struct arena *a = arena_new();
	uint32_t *v = NULL, *prev = NULL;
	size_t n, copies = 0;
	int ok = 1;

	for (n = 0; n < 100000; n++) {
		v = arena_grow(a, v, n, sizeof(*v));
		copies += v != prev;
		prev = v;
		v[n] = (uint32_t)n * 2654435761u;
	}
	for (n = 0; n < 100000; n++)
		ok &= v[n] == (uint32_t)n * 2654435761u;
	CHECK(ok);
	CHECK(copies == 15);	/* 8, 16, ..., 131072 */
	arena_free(a);
}

static void
test_suggest(void)
{
	static const char *const names[] = { "memory", "swap", "quota", "image" };

	CHECK(edit_distance("check", "check") == 0);
	CHECK(edit_distance("chekc", "check") == 1);	/* transposition */
	CHECK(edit_distance("kitten", "sitting") == 3);
	CHECK(edit_distance("", "abc") == 3);
	CHECK(strcmp(suggest("memroy", names, 4), "memory") == 0);
	CHECK(strcmp(suggest("imag", names, 4), "image") == 0);
	CHECK(suggest("zzzzzz", names, 4) == NULL);
	CHECK(suggest("x", names, 4) == NULL);
}

static void
test_ipv4(void)
{
	struct arena *a = arena_new();
	uint32_t addr;
	int p;

	CHECK(ipv4_parse("10.0.0.1", &addr) == 0 && addr == 0x0a000001);
	CHECK(ipv4_parse("255.255.255.255", &addr) == 0 && addr == 0xffffffff);
	CHECK(ipv4_parse("256.0.0.1", &addr) == -1);
	CHECK(ipv4_parse("10.0.0", &addr) == -1);
	CHECK(ipv4_parse("10.0.0.1.", &addr) == -1);
	CHECK(ipv4_parse("1234.0.0.1", &addr) == -1);
	CHECK(cidr_parse("10.1.0.0/16", &addr, &p) == 0 && p == 16 &&
	    addr == 0x0a010000);
	CHECK(cidr_parse("10.1.0.0/33", &addr, &p) == -1);
	CHECK(prefix_mask(0) == 0 && prefix_mask(24) == 0xffffff00 &&
	    prefix_mask(32) == 0xffffffff);
	CHECK(strcmp(ipv4_str(a, 0xc0a80001), "192.168.0.1") == 0);
	CHECK(strcmp(ipv4_str(a, 0), "0.0.0.0") == 0);
	CHECK(strcmp(ipv4_str(a, 0xff0a6409), "255.10.100.9") == 0);
	CHECK(strcmp(ipv4_str(a, 0x01630af5), "1.99.10.245") == 0);
	arena_free(a);
}

/* vmadm_prop() searches vmadm's property table by halves: it must be
 * sorted, and every name found. */
static void
test_vmadm_props(void)
{
	const struct vmadm_prop *p;
	int sorted = 1, found = 1;

	for (p = vmadm_props; p->name != NULL; p++) {
		if (p != vmadm_props && strcmp(p[-1].name, p->name) >= 0)
			sorted = 0;
		if (vmadm_prop(p->name) != p)
			found = 0;
	}
	CHECK(sorted);
	CHECK(found);
	CHECK(vmadm_prop("no_such_property") == NULL);
	CHECK(vmadm_prop("") == NULL);
}

static void
test_names(void)
{
	struct arena *a = arena_new();

	CHECK(strcmp(secret_env_name(a, "nova-db.pw"),
	    "ZTOPO_SECRET_NOVA_DB_PW") == 0);
	CHECK(valid_name("nova-api") && valid_name("a_b1"));
	CHECK(!valid_name("9lives") && !valid_name("") && !valid_name("a b"));
	arena_free(a);
}

/* Every @WORD@ of a role template is one lower.c expands, and every
 * @PORTn@ names a port the role has. */
static int
template_ok(const struct role_info *r, const char *t)
{
	const char *p, *e;

	for (p = strchr(t, '@'); p != NULL; p = strchr(e + 1, '@')) {
		if ((e = strchr(p + 1, '@')) == NULL)
			return 0;
		if (e - p == 7 && strncmp(p, "@PREFIX@", 8) == 0)
			continue;
		if (r->conf == CONF_OSLO && ((e - p == 8 &&
		    strncmp(p, "@CONFDIR@", 9) == 0) || (e - p == 10 &&
		    strncmp(p, "@CONFFILES@", 11) == 0)))
			continue;
		if (r->conf == CONF_OSLO && e - p == 10 &&
		    strncmp(p, "@SECRETENV@", 11) == 0 &&
		    project_table[r->project].reads == PR_ONE_FILE)
			continue;
		if (r->conf == CONF_OSLO && e - p == 10 &&
		    strncmp(p, "@EXTRAFILE@", 11) == 0 &&
		    project_table[r->project].extra_dest != NULL)
			continue;
		if (e - p == 6 && strncmp(p, "@PORT", 5) == 0 &&
		    p[5] >= '0' && p[5] < '0' + ROLE_MAX_PORTS &&
		    r->ports[p[5] - '0'] != 0)
			continue;
		return 0;
	}
	return 1;
}

static void
test_roles(void)
{
	int r, rel, j, k;

	for (r = 0; r < ROLE__COUNT; r++) {
		const struct role_info *ri = &role_table[r];

		CHECK(ri->name != NULL && valid_name(ri->name));
		CHECK(ri->releases != 0 &&
		    (ri->releases & ~((1u << REL__COUNT) - 1)) == 0);
		CHECK((ri->db_releases & ~ri->releases) == 0);
		CHECK(ri->serves >= -1 && ri->serves < CRED__COUNT);
		for (j = 0; j < r; j++)
			CHECK(strcmp(role_table[j].name, ri->name) != 0);
		for (j = 0; j + 1 < ROLE_MAX_PORTS; j++)	/* 0-ended */
			CHECK(ri->ports[j] != 0 || ri->ports[j + 1] == 0);
		for (j = 0; j < ROLE_MAX_PORTS; j++)
			CHECK(ri->ports[j] >= 0 && ri->ports[j] < 65536);
		if (r == ROLE_NONE) {
			CHECK(ri->conf == CONF_SMF && ri->exec == NULL);
			continue;
		}
		/* what the SMF backend writes for every role */
		CHECK(ri->exec != NULL && template_ok(ri, ri->exec));
		CHECK(ri->user != NULL && ri->group != NULL);
		CHECK(ri->common_name != NULL && strlen(ri->common_name) < 40);
		CHECK(ri->doc_name != NULL && ri->doc_uri != NULL);
		CHECK(ri->conf != CONF_OSLO || (ri->project < PROJ__COUNT &&
		    project_table[ri->project].confdir != NULL));
		for (rel = 0; rel < REL__COUNT; rel++) {
			for (j = 0; j < 5 && ri->db_sync[rel][j] != NULL; j++)
				CHECK(template_ok(ri, ri->db_sync[rel][j]) &&
				    (ri->db_releases & (1u << rel)));
			CHECK(ri->db_sync[rel][4] == NULL);	/* NULL-ended */
		}
		/* an API in the catalog has a name, a path and a port */
		CHECK((ri->catalog_type == NULL) == (ri->catalog_name == NULL));
		CHECK(ri->catalog_type == NULL || (ri->catalog_path != NULL &&
		    ri->ports[0] != 0));
		CHECK(ri->conf != CONF_SMF);	/* only custom services */
		for (rel = 0; rel < REL__COUNT; rel++) {
			if (ri->exec_rel[rel] != NULL)
				CHECK(template_ok(ri, ri->exec_rel[rel]) &&
				    (ri->releases & (1u << rel)));
			/* needs only where it reads oslo.config files */
			if (ri->needs[rel] != 0)
				CHECK(ri->conf == CONF_OSLO &&
				    (ri->releases & (1u << rel)));
			if (role_exec((enum ir_role)r, (enum ir_release)rel))
				passed++;
			else
				CHECK(!"role without a start command");
		}
	}
	/* each credential kind has exactly one server role */
	for (k = 0; k < CRED__COUNT; k++) {
		int n = 0;

		for (r = 0; r < ROLE__COUNT; r++)
			n += role_table[r].serves == k;
		CHECK(n == 1);
		CHECK(role_table[role_serving((enum ir_credkind)k)].serves ==
		    k);
	}
}

static void
test_brands_releases(void)
{
	int b, rel, j;

	for (b = 0; b < BRAND__COUNT; b++) {
		const struct brand_info *bi = &brand_table[b];

		CHECK(bi->name != NULL && bi->quota_gib > 0);
		CHECK(bi->props & BP_ALL);
		CHECK(!(bi->props & BP_OS) != !(bi->props & BP_HVM));
		for (j = 0; j < b; j++)
			CHECK(strcmp(brand_table[j].name, bi->name) != 0);
		if (bi->props & BP_HVM) {
			CHECK(bi->disk_models != NULL &&
			    bi->disk_models[0] != NULL);
			CHECK(bi->overhead_mib >= 256);
			CHECK(!bi->smf);	/* ztopo cannot reach a guest */
		} else {
			CHECK(bi->disk_models == NULL &&
			    bi->nic_models == NULL && bi->overhead_mib == 0);
		}
		CHECK(!(bi->props & BP_LX) || !bi->smf);
	}
	for (rel = 0; rel < REL__COUNT; rel++) {
		CHECK(release_table[rel].name != NULL &&
		    valid_name(release_table[rel].name));
		for (j = 0; j < rel; j++)
			CHECK(strcmp(release_table[j].name,
			    release_table[rel].name) != 0);
	}
}

/* Two targets of one description lowered: both IRs stay valid, each
 * with its own instances, and the first is untouched by the second. */
static void
collect(struct ir *ir, void *arg)
{
	struct ir **irs = arg;

	irs[irs[0] != NULL] = ir;
}

static void
test_two_irs(void)
{
	static const char zt[] =
	    "network admin { nic_tag admin; subnet 10.0.0.0/24; "
	    "pool 10.0.0.100 10.0.0.120; }\n"
	    "image base { uuid \"c2c31b00-1d60-11e9-9a77-ff9f06554b0f\"; "
	    "brand joyent; }\n"
	    "secret pw;\n"
	    "credential c { kind mysql; user u; databases d; password pw; }\n"
	    "service mysql { role mysql; }\n"
	    "service app { start \"/bin/app\"; uses mysql via c; }\n"
	    "zone db { image base; memory 1G; nic admin; services mysql; }\n"
	    "zone web { image base; memory 1G; nic admin; services app; }\n"
	    "host h1 { address admin 10.0.0.10; memory 8G; disk 100G; }\n"
	    "host h2 { address admin 10.0.0.11; memory 8G; disk 100G; }\n"
	    "target one { zone [db, web] on h1; }\n"
	    "target two { zone db on h1; zone web on [h1, h2]; }\n";
	char path[] = "/tmp/ztopo-unit.XXXXXX";
	struct arena *a = arena_new();
	struct ast_dir *top;
	struct ir *irs[2] = { NULL, NULL };
	struct diag d;
	FILE *fp;
	int fd;

	diag_init(&d, stderr);
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		CHECK(!"mkstemp");
		return;
	}
	fputs(zt, fp);
	fclose(fp);
	CHECK(ast_load(a, &d, path, &top) == 0);
	ir_build_each(a, &d, top, "*", NULL, collect, irs);
	unlink(path);
	CHECK(!diag_failed(&d));
	if (irs[0] == NULL || irs[1] == NULL) {
		CHECK(!"two IRs");
		return;
	}
	CHECK(strcmp(irs[0]->target, "one") == 0);
	CHECK(strcmp(irs[1]->target, "two") == 0);
	CHECK(irs[0]->nzinsts == 2 && irs[1]->nzinsts == 3);
	CHECK(irs[0]->nhosts == 1 && irs[1]->nhosts == 2);
	/* the same declarations, each IR's own copies */
	CHECK(irs[0]->zones[1] != irs[1]->zones[1]);
	CHECK(irs[0]->zones[1]->ninstances == 1);
	CHECK(irs[1]->zones[1]->ninstances == 2);
	CHECK(irs[0]->credentials[0]->nconsumers == 1);
	CHECK(irs[1]->credentials[0]->nconsumers == 2);
	CHECK(irs[0]->services[1]->uses[0].service == irs[0]->services[0]);
	CHECK(irs[1]->services[1]->uses[0].cred == irs[1]->credentials[0]);
	CHECK(irs[0]->sinsts[0]->service == irs[0]->services[0]);
	CHECK(irs[0]->hosts[0]->nzones == 2 && irs[1]->hosts[0]->nzones == 2);
	/* per-role instance lists, in placement order */
	CHECK(irs[1]->nrole_sinsts[ROLE_MYSQL] == 1 &&
	    irs[1]->role_sinsts[ROLE_MYSQL][0]->service == irs[1]->services[0]);
	CHECK(irs[1]->nrole_sinsts[ROLE_NONE] == 2 &&
	    irs[1]->role_sinsts[ROLE_NONE][1]->host == irs[1]->hosts[1]);
	/* shared and immutable */
	CHECK(irs[0]->networks[0] == irs[1]->networks[0]);
	CHECK(irs[0]->secrets[0] == irs[1]->secrets[0]);
	diag_finish(&d);
	arena_free(a);
}

int
main(void)
{
	test_roles();
	test_two_irs();
	test_brands_releases();
	test_sha256();
	test_hash();
	test_ihash();
	test_arena_grow();
	test_suggest();
	test_ipv4();
	test_vmadm_props();
	test_names();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
