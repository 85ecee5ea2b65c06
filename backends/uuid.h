/*
 * uuid.h -- name-based (version 5) UUIDs, RFC 4122 section 4.3.
 */
#ifndef ZTOPO_UUID_H
#define ZTOPO_UUID_H

#include <stddef.h>

/*
 * The version 5 UUID of NAME in namespace NS ("xxxxxxxx-xxxx-...", lower
 * case), written to OUT as 36 lowercase characters and a NUL.  0, or -1
 * if NS is not a UUID.
 */
int	uuid_v5(const char *ns, const char *name, char out[37]);

#endif
