/*
 * resolve.h -- what the files of the resolve pass share: property tables,
 * the block reader and the value readers of resolve.c, and the reader of
 * each declaration kind (resolve_decls.c, resolve_service.c,
 * resolve_zone.c).  Only the resolve pass and check.c include it; the rest
 * of ztopo sees model.h.
 */
#ifndef ZTOPO_RESOLVE_H
#define ZTOPO_RESOLVE_H

#include <stddef.h>

#include "model.h"

/* How a property's value is read and where it is stored. */
enum ptype {
	PT_CUSTOM,	/* the kind's reader handles it (its switch) */
	PT_MIB,		/* a size, stored in MiB: long long at off */
	PT_GIB,		/* a size, stored in GiB: long long at off */
	PT_INT,		/* an integer in [lo, hi]: long long at off */
	PT_BOOL,	/* true or false: int at off */
	PT_STRING,	/* a quoted string: const char * at off */
	PT_REF		/* a name of kind ref: a pointer at off */
};

/*
 * A property of a block: its name, an id for the reader's switch, how
 * many values it takes, its type and where a typed value is stored, and
 * which brands it applies to (zones; 0: every brand).
 */
struct prop {
	const char	*name;
	int		 id;
	int		 min, max;	/* number of values */
	unsigned	 flags;
	enum ptype	 type;
	size_t		 off;		/* of the field, for typed ones */
	long long	 lo, hi;	/* PT_INT */
	enum kind	 ref;		/* PT_REF */
	unsigned	 brands;	/* BP_*: applies only there */
	size_t		 vloc;		/* 1 + offset of a struct loc that
					 * gets the value's location; 0:
					 * none */
};

/* Rows of a property table: NAME, ID, then where in struct T. */
#define PROP_CUSTOM(name, id, min, max, flags)				\
	{ name, id, min, max, flags, PT_CUSTOM, 0, 0, 0, K_NETWORK, 0, 0 }
#define PROP_SCALAR(name, id, flags, type, T, field, brands)		\
	{ name, id, 1, 1, flags, type, offsetof(T, field), 0, 0,	\
	    K_NETWORK, brands, 0 }
#define PROP_SCALAR_AT(name, id, type, T, field, locfield)		\
	{ name, id, 1, 1, 0, type, offsetof(T, field), 0, 0,		\
	    K_NETWORK, 0, 1 + offsetof(T, locfield) }
#define PROP_INT(name, id, T, field, lo, hi)				\
	{ name, id, 1, 1, 0, PT_INT, offsetof(T, field), lo, hi,	\
	    K_NETWORK, 0, 0 }
#define PROP_REF(name, id, flags, T, field, kind)			\
	{ name, id, 1, 1, flags, PT_REF, offsetof(T, field), 0, 0,	\
	    kind, 0, 0 }
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
	const struct prop	*row;		/* block_prop's last match */
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
/* A value of metadata or config: literal, or `secret NAME' (GV_SECRET),
 * or a [list] of literals (GV_LIST: config, whose numbers with a fraction
 * stay IRV_FLOAT). */
#define GV_SECRET	0x1
#define GV_LIST		0x2
int		 get_value(struct model *, struct ast_dir *, struct ir_value *,
		    int flags);
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
/* The same, reading a typed property's value into OBJ (a bad value is
 * reported and leaves the field as it was); returns the id, also of a
 * typed property, so that the caller may record where it was set. */
int		 block_read(struct model *, struct block *, struct ast_dir *,
		    void *obj);
/* Reports the required properties B lacks. */
void		 block_finish(struct model *, struct block *);
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
