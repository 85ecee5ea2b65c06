/*
 * digest.c -- SHA-256 and SHA-1 through libcrypto, whose implementations
 * use the CPU's SHA instructions where it has them: hashing every file
 * of a tree is most of what an unchanged recompile does.
 *
 * Each algorithm is fetched once and one context is reused, so a digest
 * costs no lookup; a failure of libcrypto (out of memory) ends the run.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "ztopo.h"
#include "digest.h"

static void
digest(const char *name, const void *data, size_t len, unsigned char *out,
    unsigned int want)
{
	static EVP_MD_CTX *ctx;
	static EVP_MD *sha256_md, *sha1_md;
	EVP_MD **md = name[3] == '2' ? &sha256_md : &sha1_md;
	unsigned int n = 0;

	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (*md == NULL && (*md = EVP_MD_fetch(NULL, name, NULL)) == NULL)
		goto fail;
	if (EVP_DigestInit_ex(ctx, *md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != want)
		goto fail;
	return;
fail:
	fprintf(stderr, "ztopo: libcrypto cannot compute %s\n", name);
	exit(EXIT_USAGE);
}

void
sha256(const void *data, size_t len, unsigned char out[32])
{
	digest("SHA256", data, len, out, 32);
}

void
sha1(const void *data, size_t len, unsigned char out[20])
{
	digest("SHA1", data, len, out, 20);
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	int i;

	sha256(data, len, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
