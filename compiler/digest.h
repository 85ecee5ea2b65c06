/*
 * digest.h -- SHA-256 and SHA-1 (digest.c), through libcrypto: the
 * output tree's MANIFEST, the playbook's stamps, version 5 UUIDs.
 */
#ifndef ZTOPO_DIGEST_H
#define ZTOPO_DIGEST_H

#include <stddef.h>

void	sha256(const void *, size_t, unsigned char[32]);
void	sha256_hex(const void *, size_t, char[65]);	/* lowercase */
/* Only because RFC 4122's version 5 UUIDs say so (backends/uuid.c). */
void	sha1(const void *, size_t, unsigned char[20]);

#endif
