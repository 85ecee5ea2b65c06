/*
 * resolve.h -- what the files of the resolve pass share: property tables,
 * the block reader and the value readers of resolve.c, and the reader of
 * each declaration kind (resolve_decls.c, resolve_service.c,
 * resolve_zone.c).  Only the resolve pass and check.c include it; the rest
 * of ztopo sees model.h.
 */
#ifndef ZTOPO_RESOLVE_H
#define ZTOPO_RESOLVE_H

#include "model.h"

/* A property of a block: its name, an id for the reader's switch, how
 * many values it takes. */
struct prop {
	const char	*name;
	int		 id;
	int		 min, max;	/* number of values */
	unsigned	 flags;
};
#define P_REPEAT	0x1		/* may be given more than once */
#define P_BLOCK		0x2		/* takes a block */
#define P_OPTBLOCK	0x4		/* may take a block */
#define P_REQUIRED	0x8
#define NPROPS(t)	(sizeof(t) / sizeof((t)[0]))

/* One block being read against a property table. */
struct block {
	const struct prop	*props;
	size_t			 nprops;
	struct ast_dir		*seen[64];
	const char		*what;		/* zone "db" */
	struct loc		 loc;
};

/* ---- resolve.c: reading values (each reports a located error and
 * returns -1 or NULL when V is not what WHAT needs) */

struct ast_value	**items_of(struct model *, struct ast_value *,
			    size_t *);
struct ast_value	 *arg(struct ast_dir *, size_t);
int		 type_error(struct model *, struct ast_value *,
		    const char *what, const char *want);
const char	*get_str(struct model *, struct ast_value *, const char *);
int		 get_int(struct model *, struct ast_value *, const char *,
		    long long lo, long long hi, long long *);
/* A size, converted to UNIT bytes (1 << 20 for MiB). */
int		 get_size(struct model *, struct ast_value *, const char *,
		    long long unit, const char *uname, long long *);
int		 get_bool(struct model *, struct ast_value *, const char *,
		    int *);
int		 get_addr(struct model *, struct ast_value *, const char *,
		    uint32_t *);
/* A keyword among CHOICES; returns its index. */
int		 get_choice(struct model *, struct ast_value *, const char *,
		    const char *const *choices, size_t n);
/* The names of a knowledge table whose rows start with their name. */
const char *const *table_names(struct arena *, const void *table,
		    size_t stride, size_t n);
#define TABLE_NAMES(m, table, n) table_names((m)->arena, (table),	\
	    sizeof((table)[0]), (n))
/* A value of metadata or config: literal, or `secret NAME' if allowed. */
int		 get_value(struct model *, struct ast_dir *, struct ir_value *,
		    int secrets_ok);
/* key value; lines of a metadata-like block. */
struct ir_kv	*get_kvs(struct model *, struct ast_dir *, size_t *,
		    int secrets_ok, const char *what);
void		 secret_use(struct model *, struct ir_secret *, struct loc);

/* ---- resolve.c: names, blocks, arrays */

void		*lookup_obj(struct model *, enum kind, struct ast_value *);
void		 block_init(struct block *, const struct prop *, size_t,
		    const char *what, struct loc);
/* The id of D's property in B's table, or -1 (reported). */
int		 block_prop(struct model *, struct block *, struct ast_dir *);
/* Reports the required properties B lacks. */
void		 block_finish(struct model *, struct block *);
/* Remember where zone property D was set, for backends' errors. */
void		 record_prop(struct model *, struct ir_zone *,
		    struct ast_dir *);
void		*grow(struct model *, void *, size_t n, size_t size);
/* Append to an arena array of structs; grows by doubling. */
#define PUSH(m, arr, n) \
	((arr) = grow((m), (arr), (n), sizeof(*(arr))), &(arr)[(n)++])

/* ---- resolve_decls.c: openstack, network, image, secret, credential,
 * host; and the value readers other declarations share */

void		 read_openstack(struct model *, struct ast_dir *);
void		 read_network(struct model *, struct decl *);
void		 read_image(struct model *, struct decl *);
void		 read_secret(struct model *, struct decl *);
void		 read_credential(struct model *, struct decl *);
void		 read_host(struct model *, struct decl *);
uint32_t	*get_addrs(struct model *, struct ast_dir *, size_t *,
		    const char *what);
int		 in_net(const struct ir_network *, uint32_t);
/* A list of strings (names when NAMES). */
const char	**get_strs(struct model *, struct ast_dir *, size_t *,
		    const char *what, int names);

/* ---- resolve_service.c, resolve_zone.c */

void		 read_service(struct model *, struct decl *);
void		 read_zone(struct model *, struct decl *);

#endif
