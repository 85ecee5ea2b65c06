/*
 * uuid.c -- FIPS 180-4 SHA-1 and RFC 4122 version 5 UUIDs, so that a
 * zone's uuid is a pure function of its names.  SHA-1 is used here only
 * because RFC 4122 says so; nothing relies on it being collision-proof.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler/ztopo.h"
#include "uuid.h"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

static void
block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d; d = c; c = ROL(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void
sha1(const void *data, size_t len, unsigned char out[20])
{
	const unsigned char *p = data;
	unsigned char tail[128];
	uint32_t h[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};
	size_t n = len, rest, i;
	uint64_t bits = (uint64_t)len * 8;

	for (; n >= 64; n -= 64, p += 64)
		block(h, p);
	rest = n < 56 ? 64 : 128;
	memset(tail, 0, sizeof(tail));
	if (n)
		memcpy(tail, p, n);
	tail[n] = 0x80;
	for (i = 0; i < 8; i++)
		tail[rest - 1 - i] = (unsigned char)(bits >> (8 * i));
	block(h, tail);
	if (rest == 128)
		block(h, tail + 64);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
uuid_v5(const char *ns, const char *name, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[16], md[20];
	unsigned char *msg;
	size_t nlen = strlen(name), i, j;
	int hi, lo;

	for (i = j = 0; ns[i] != '\0' && j < 16; i++) {
		if (ns[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23))
			continue;
		if ((hi = hexval(ns[i])) < 0 || (lo = hexval(ns[i + 1])) < 0)
			return -1;
		buf[j++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	if (j != 16 || i != 36 || ns[i] != '\0')
		return -1;
	msg = xmalloc(16 + nlen);
	memcpy(msg, buf, 16);
	memcpy(msg + 16, name, nlen);
	sha1(msg, 16 + nlen, md);
	free(msg);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);	/* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (i = j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[md[i] >> 4];
		out[j++] = hex[md[i] & 15];
	}
	out[j] = '\0';
	return 0;
}
