/*
 * uuid.c -- RFC 4122 version 5 UUIDs, so that a zone's uuid is a pure
 * function of its names.  SHA-1 (digest.c) is used only because RFC 4122
 * says so; nothing relies on it being collision-proof.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../compiler/digest.h"
#include "../compiler/ztopo.h"
#include "uuid.h"

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
