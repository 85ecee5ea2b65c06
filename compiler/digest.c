/*
 * digest.c -- SHA-256 and SHA-1 through libcrypto, whose implementations
 * use the CPU's SHA instructions where it has them: hashing every file
 * of a tree is most of what an unchanged recompile does.
 *
 * Each algorithm is fetched once and one context is reused, so a digest
 * costs no lookup; a failure of libcrypto (out of memory) ends the run.
 * sha256() and sha1() are for the main thread; a thread that hashes
 * (scan.c) runs its own struct digest.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "ztopo.h"
#include "digest.h"

static EVP_MD *sha256_md, *sha1_md;
static pthread_once_t fetched = PTHREAD_ONCE_INIT;

static void
fail(const char *name)
{
	fprintf(stderr, "ztopo: libcrypto cannot compute %s\n", name);
	exit(EXIT_USAGE);
}

/* Both algorithms, once, whichever thread asks first. */
static void
fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
}

/* One digest on the main thread's context (threads use struct digest). */
static void
digest(const char *name, const void *data, size_t len, unsigned char *out,
    unsigned int want)
{
	static EVP_MD_CTX *ctx;
	EVP_MD *md;
	unsigned int n = 0;

	pthread_once(&fetched, fetch);
	md = name[3] == '2' ? sha256_md : sha1_md;
	if (md == NULL || (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL))
		fail(name);
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != want)
		fail(name);
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
hex32(const unsigned char d[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];

	sha256(data, len, d);
	hex32(d, out);
}

/* ---- a running SHA-256, one per thread */

struct digest *
digest_new(void)
{
	EVP_MD_CTX *ctx;

	pthread_once(&fetched, fetch);
	if (sha256_md == NULL)
		fail("SHA256");
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1)
		fail("SHA256");
	return (struct digest *)ctx;
}

void
digest_add(struct digest *d, const void *data, size_t len)
{
	if (EVP_DigestUpdate((EVP_MD_CTX *)d, data, len) != 1)
		fail("SHA256");
}

void
digest_end(struct digest *d, unsigned char out[32])
{
	EVP_MD_CTX *ctx = (EVP_MD_CTX *)d;
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != 32 ||
	    EVP_DigestInit_ex(ctx, sha256_md, NULL) != 1)
		fail("SHA256");
}

void
digest_free(struct digest *d)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)d);
}
