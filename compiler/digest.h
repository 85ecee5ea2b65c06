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

/* A running SHA-256, for a thread of its own: DIGEST_END gives the hash
 * of what was added and starts over. */
struct digest;
struct digest	*digest_new(void);
void		 digest_add(struct digest *, const void *, size_t);
void		 digest_end(struct digest *, unsigned char[32]);
void		 digest_free(struct digest *);
void		 hex32(const unsigned char[32], char[65]);	/* lowercase */

#endif
