/*
 * sha256.h -- FIPS 180-4 SHA-256 (sha256.c), for the output tree's
 * MANIFEST.
 */
#ifndef ZTOPO_SHA256_H
#define ZTOPO_SHA256_H

#include <stddef.h>
#include <stdint.h>

void	sha256(const void *, size_t, unsigned char[32]);
void	sha256_hex(const void *, size_t, char[65]);	/* lowercase */

#endif
