/*
 * model.h -- what resolve.c hands to lower.c: every declaration, checked
 * and bound, independent of any target.
 */
#ifndef ZTOPO_MODEL_H
#define ZTOPO_MODEL_H

#include "ir.h"

enum kind {
	K_NETWORK, K_IMAGE, K_SECRET, K_CREDENTIAL, K_SERVICE, K_ZONE,
	K_HOST, K_TARGET, K__COUNT
};

struct decl {
	enum kind	 kind;
	const char	*name;
	struct loc	 loc;		/* of the name */
	struct ast_dir	*ast;
	void		*obj;		/* struct ir_network *, ... */
	int		 used;
};

struct model {
	struct arena	*arena;
	struct diag	*diag;
	struct hash	*names[K__COUNT];	/* name -> struct decl * */
	struct vec	 decls[K__COUNT];	/* struct decl *, in order */
	enum ir_release	 release;
	struct loc	 release_loc;
	int		 release_set;
};

const char	*kind_name(enum kind);
/* The resolve pass (resolve.c): declarations bound, defaults applied;
 * returns its error count. */
int		 resolve(struct model *, struct arena *, struct diag *,
		    struct ast_dir *);
/* The check pass (check.c): rules between declarations, once per
 * description; returns its error count. */
int		 check(struct model *);
/* Warn about every declaration no target or declaration uses (after the
 * targets were read). */
void		 check_unused(struct model *);
/* Look V up as a name of kind K; reports unknown names and wrong kinds. */
struct decl	*model_lookup(struct model *, enum kind, struct ast_value *);
const char	*value_name(struct model *, struct ast_value *, const char *);
void		 mark_used(struct decl *);

#endif
