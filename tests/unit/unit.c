/*
 * unit.c -- unit tests of the front end's small pieces that golden cases
 * reach only indirectly: SHA-256 at block boundaries, the hash table under
 * growth, edit distance and suggestions, IPv4 parsing, secret variable
 * names.  Prints one line per failure and "unit: N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "ztopo.h"
#include "sha256.h"

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
	arena_free(a);
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

int
main(void)
{
	test_sha256();
	test_hash();
	test_suggest();
	test_ipv4();
	test_names();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
