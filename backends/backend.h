/*
 * backend.h -- the interface every output kind implements.
 *
 * A backend is a pure function of the IR: no clock, no environment, no
 * host name, no randomness.  It never writes files itself; it publishes
 * artifacts (compiler/output.h) into an output set, and the driver
 * (compiler/output.c) writes the whole set safely -- or nothing at all
 * when any backend reported an error.
 *
 * Each backend file exports one `const struct backend` built with
 * designated initialisers; backends.c lists them in a NULL-terminated
 * table, in the order they run.
 */
#ifndef ZTOPO_BACKEND_H
#define ZTOPO_BACKEND_H

#include "../compiler/ir.h"
#include "../compiler/output.h"
#include "../compiler/secrets.h"


struct backend {
	const char	*name;
	const char	*description;
	/* Located checks of the IR (run by check and compile); may be NULL.
	 * Returns the number of errors reported. */
	int		(*check)(const struct ir *, struct diag *);
	/* Add this backend's files; returns the number of errors. */
	int		(*emit)(const struct ir *, struct outset *,
			    struct diag *, const struct emit_opts *);
	/* The warnings about the files it writes, given after emit -- or
	 * instead of it, when the tree is found current; may be NULL. */
	void		(*warn)(const struct ir *, struct diag *);
};

extern const struct backend *const backends[];

/* ---- common.c: the backends of servers that hold accounts */

/* ztopo_secret_<name>: the variable a companion file (out_add_split)
 * holds secret S's value in. */
const char	*secret_var_name(struct arena *, const struct ir_secret *);

/* Does credential C have a consumer whose server is SI? */
int	cred_serves(const struct ir_credential *, const struct ir_sinst *);
/* The credentials of KIND that have a consumer on SI, in declaration
 * order; *N of them. */
const struct ir_credential **creds_served(const struct ir *,
	    const struct ir_sinst *, enum ir_credkind, size_t *n);

/*
 * The located checks of the servers of one role whose accounts come from
 * credentials of one kind (mysql, rabbitmq): a zone runs at most one such
 * server (ztopo writes one `file' per zone), and two credentials of one
 * user used on one server must not conflict.
 */
struct server_check {
	enum ir_role		 role;
	enum ir_credkind	 kind;
	const char		*server_kind;	/* "MySQL", in messages */
	const char		*file;		/* "grants.sql", in messages */
	/* Do A and B, declared in that order, with the same user and both
	 * used on one server, conflict? */
	int			(*conflict)(const struct ir_credential *a,
				    const struct ir_credential *b);
	/* Report that conflict, found on SI, at B (check_servers adds the
	 * note on A); called once for each pair. */
	void			(*report)(struct diag *,
				    const struct ir_credential *a,
				    const struct ir_credential *b,
				    const struct ir_sinst *si);
};

/*
 * Check every server of CK->role, in order: a second server in a zone
 * is an error, then so is each conflicting pair of credentials on it
 * (earlier credential first, then later) not reported on a server
 * before.  Returns the number of errors.
 */
int	check_servers(const struct ir *, struct diag *,
	    const struct server_check *);

#endif
