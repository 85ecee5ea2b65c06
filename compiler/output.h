/*
 * output.h -- artifacts and the output tree (output.c).
 *
 * A backend never writes files: it publishes artifacts into an output set.
 * An artifact is a file of the tree (path relative to the output
 * directory, bytes, mode, whether it holds a secret) together with what
 * it is and how it is deployed: its kind, the host, zone instance and
 * service instance it belongs to, where it is installed and as whom, the
 * FMRI it defines, how it is applied, and for a zone's payload the
 * identity vmadm will know it by.  The plan, the playbook and
 * `compile --zone' read these fields; nothing re-parses the bytes.  With
 * a tree open (out_open_tree), each file goes to it as it is published
 * and its bytes are not kept; the driver swaps the whole tree in once
 * every backend succeeded (out_close_tree) -- or writes nothing at all
 * when any backend reported an error.
 */
#ifndef ZTOPO_OUTPUT_H
#define ZTOPO_OUTPUT_H

#include <stdio.h>
#include <sys/types.h>

#include "ir.h"

/* A growable byte buffer (util.c). */
struct strbuf {
	char	*buf;
	size_t	 len, cap;
};
void	sb_init(struct strbuf *);
void	sb_free(struct strbuf *);
void	sb_putc(struct strbuf *, int);
void	sb_puts(struct strbuf *, const char *);
void	sb_putn(struct strbuf *, const char *, size_t);
void	sb_shquote(struct strbuf *, const char *);	/* single-quoted */
const char *sh_word(struct arena *, const char *);	/* quoted if need be */
/* DATA to PATH, atomically and durably, with MODE; -1: error, printed */
int	write_atomic(struct arena *, const char *path, const char *data,
	    size_t len, mode_t mode);
void	sb_urlencode(struct strbuf *, const char *);	/* percent-encoded */
void	sb_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

enum art_kind {
	ART_TREE,	/* the tree's own: MANIFEST, .gitignore */
	ART_PAYLOAD,	/* vmadm payload of a zone instance */
	ART_MANIFEST,	/* SMF manifest of a service instance */
	ART_CONFIG,	/* a configuration file of the services of a zone
			 * instance or global zone (nova.conf fragments) */
	ART_GRANTS,	/* MySQL accounts of a server instance */
	ART_BROKER,	/* RabbitMQ accounts of a server instance */
	ART_BOOTSTRAP,	/* a script run once by a service instance's zone,
			 * before it starts (.before_start) or after */
	ART_ROLLOUT	/* the playbook and its inventory */
};

/* How a deployment applies an artifact, after installing it at dest. */
enum art_apply {
	APPLY_NONE,	/* not deployed (ART_TREE, ART_ROLLOUT) */
	APPLY_CREATE,	/* vmadm create < payload (not installed) */
	APPLY_INSTALL,	/* installed; the services reading it reload */
	APPLY_IMPORT,	/* installed, then svccfg import */
	APPLY_MYSQL,	/* installed, then fed to the mysql client */
	APPLY_RUN	/* installed, then run */
};

/* A file against the old tree's (tree.c). */
enum out_state { OUT_NEW, OUT_SAME, OUT_CHANGED };

struct outfile {
	struct arena		*arena;		/* the outset's (out_keep) */
	const char		*path;		/* relative, '/'-separated */
	char			*data;		/* arena-owned; NULL once a tree
						 * has it (but --check --diff
						 * keeps what changed) */
	size_t			 len;
	const char		*hash;		/* SHA-256, hex, once a tree has
						 * it; else NULL */
	enum out_state		 state;		/* once a tree has it */
	struct filestat		*staged;	/* written into a tree's stage:
						 * what fstat said of it
						 * (tree.c), or NULL */
	unsigned		 mode;		/* 0644, 0600, 0700, ... */
	int			 secret;	/* holds a secret value */
	enum art_kind		 kind;
	const struct ir_host	*host;		/* NULL: not a host's */
	const struct ir_zinst	*zinst;		/* NULL: a global zone's,
						 * or no zone's */
	const struct ir_sinst	*sinst;		/* the service instance it
						 * is for, or NULL */
	enum art_apply		 apply;
	const char		*dest;		/* installed here inside its
						 * zone, or NULL */
	const char		*owner, *group;	/* ...owned by, or NULL */
	const char		*fmri;		/* ART_MANIFEST: the instance
						 * it defines */
	const char		*zone_uuid;	/* ART_PAYLOAD: vmadm's uuid */
	const char		*zpool;		/* ART_PAYLOAD: its pool */
	int			 before_start;	/* ART_BOOTSTRAP */
	struct outfile		*companion;	/* the secrets it reads when it
						 * is applied (out_add_split) */
	const char		*title;		/* ART_BOOTSTRAP: what it does,
						 * for the plan */
};

/*
 * A file that holds secrets, or that only its owner may read: with
 * --redact a backend may clear `secret' (placeholders are no secret), but
 * the mode stays, and MANIFEST must be the same either way (output.c).
 */
int	out_is_secret(const struct outfile *);
/* MANIFEST's line for a secret file, before its path (not hashed). */
#define SECRET_LINE	"# secret, not hashed: "

struct tree;

struct outset {
	struct arena	*arena;
	struct tree	*tree;		/* open: files go there (tree.c) */
	struct vec	 files;		/* struct outfile *, in emit order */
	struct hash	*index;		/* path -> struct outfile * */
	int		 redacted;	/* secrets are placeholders */
	int		 diff;		/* --check: a unified diff of each
					 * change, after the list */
};

/* Options of one run that backends may consult. */
struct emit_opts {
	int		 redact;	/* placeholders instead of secrets */
	const char	*smf_dtd;	/* validate manifests against it */
};

/*
 * The set keeps its files in an arena of its own, a child of A: a backend
 * may release what it allocated in A for one file (arena_release) once
 * it is published.  So every string an artifact's fields point to is
 * the IR's, a literal, or kept in the set's arena: out_for and
 * out_companion_for copy DEST; out_keep copies the rest.
 */
void		 out_init(struct outset *, struct arena *a);
const char	*out_keep(const struct outfile *, const char *);
/*
 * Publish an artifact of KIND: data is copied, or with a tree open handed
 * to it; the caller fills in the fields its kind has.  Adding a path
 * twice is a bug (aborts).
 */
struct outfile	*out_add(struct outset *, enum art_kind, const char *path,
		    const char *data, size_t len, unsigned mode, int secret);
struct outfile	*out_find(const struct outset *, const char *path);
/*
 * Structure and secrets, kept apart: a file that would mix what a review
 * must see (accounts, grants, users, permissions) with passwords is
 * published as two artifacts.  PATH (kind KIND, mode MODE, no secret:
 * committed, in MANIFEST) holds the structure and reads the values it
 * needs at apply time from the companion SECRET_PATH (an ART_CONFIG, mode
 * 0600, listed in .gitignore), which holds nothing else.  The companion
 * belongs where the first is applied: the caller's out_for() on the
 * first is copied to it, installed at SECRET_DEST.  Returns the first;
 * ->companion is the second.
 */
struct outfile	*out_add_split(struct outset *, enum art_kind,
		    const char *path, const struct strbuf *structure,
		    unsigned mode, const char *secret_path,
		    const struct strbuf *secrets);
/* After out_for() on F: its companion is installed at DEST alongside. */
void		 out_companion_for(struct outfile *f, const char *dest);
/* F belongs to service instance SI: its host, zone instance and SI; it is
 * applied as APPLY after being installed at DEST (NULL: not installed). */
void		 out_for(struct outfile *, const struct ir_sinst *,
		    enum art_apply, const char *dest);

/* Sort the files by path (the order MANIFEST and --check use). */
void	out_sort(struct outset *);
/* Add MANIFEST: sha256sum lines for every file so far. */
void	out_manifest(struct outset *);
/* udiff.c: A (named LA) to B (named LB) as diff -u shows it; 1 when the
 * difference is too large to show, and it says so */
int	udiff(FILE *, const char *la, const char *a, size_t alen,
	    const char *lb, const char *b, size_t blen);
/*
 * tree.c: from now on, OS's files replace DIR, atomically; unchanged
 * files keep their inode and mtime.  CHECK_ONLY: write nothing; list the
 * differences on REPORT.  Errors are kept until out_close_tree; -1 only
 * when not even that could start.  The emit options redacted and diff
 * must be set before.
 */
int	out_open_tree(struct outset *, const char *dir, int check_only,
	    FILE *report);
void	tree_add(struct tree *, struct outfile *, const char *data,
	    size_t len);
/* 1 if the old tree is what inputs with fingerprint INPUTS (stamp.c)
 * make, every file intact: then nothing need be generated, and
 * out_close_tree changes nothing. */
int	out_tree_current(struct outset *, const char *inputs);
/*
 * COMMIT: every file is published: swap the new tree in (0, or for
 * CHECK_ONLY 1 when the tree would change).  Else (the backends failed)
 * drop it, silently.  -1: an error, printed.
 */
int	out_close_tree(struct outset *, int commit);

#endif
