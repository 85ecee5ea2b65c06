/*
 * ztopo.h -- types and prototypes shared by the front end: the arena,
 * source files and locations, diagnostics, the generic syntax tree and
 * small utilities (hash table, edit distance, IPv4 helpers).
 *
 * The syntax tree is deliberately generic (nginx-like): every statement
 * is a directive -- a word, zero or more values, and an optional block of
 * nested directives.  What a directive means is decided by the semantic
 * pass (resolve.c) against per-block property tables, which gives better
 * messages ("unknown property "memroy" in zone; did you mean "memory"?")
 * than a grammar with a rule per keyword could.
 */
#ifndef ZTOPO_H
#define ZTOPO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ZTOPO_VERSION "0.1.0"

/* Exit statuses (ztopo(1)). */
enum exit_status {
	EXIT_OK = 0,		/* success */
	EXIT_INPUT = 1,		/* errors in the input */
	EXIT_USAGE = 2,		/* usage or system error */
	EXIT_CHANGED = 3	/* compile --check: the tree would change */
};

/* ---- arena.c: one bump allocator per run; everything is freed at once */

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena *);	/* and its children */
/* An arena freed with PARENT; releasing PARENT's marks leaves it be. */
struct arena	*arena_child(struct arena *parent);
/* Everything allocated after a mark goes at once when it is released. */
struct arena_mark {
	void		*chunk;
	size_t		 used;
};
struct arena_mark arena_mark(struct arena *);
void		 arena_release(struct arena *, struct arena_mark);
void		*arena_alloc(struct arena *, size_t);	/* zeroed */
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Room for element N of P, an array of N elements of SIZE bytes that
 * grows by doubling (its capacity, 8, 16, 32, ..., follows from N): P
 * itself or a larger copy; slots from N on are not cleared. */
void		*arena_grow(struct arena *, void *p, size_t n, size_t size);
void		*xmalloc(size_t);
void		*xrealloc(void *, size_t);
char		*xstrdup(const char *);

/* A growable array of pointers, arena-backed. */
struct vec {
	void	**v;
	size_t	  n, cap;
};
void		 vec_push(struct arena *, struct vec *, void *);

/* ---- source files and locations */

/* Limits of what the load pass reads (ztopo(5), LIMITS). */
#define SRC_MAX			(16L << 20)	/* bytes of one file */
#define SRC_MAX_TEXT		"16 MiB"
#define INCLUDE_MAX_DEPTH	32		/* files nested by include */
#define NEST_MAX		100		/* blocks and lists in a file */

struct src {
	const char	*path;		/* as the user (or include) named it */
	const char	*real;		/* realpath(3), to detect cycles */
	char		*text;		/* whole file, NUL-terminated */
	size_t		 len;
	size_t		*lines;		/* offset of each line start */
	size_t		 nlines;
	struct loc	*included_at;	/* NULL for the root file */
	int		 is_stdin;	/* includes relative to the cwd */
};

struct loc {
	const struct src	*src;	/* NULL: no location */
	int			 line;	/* 1-based */
	int			 col;	/* 1-based, in bytes */
	int			 len;	/* bytes underlined, >= 1 */
};

/* ---- diag.c: collected as data, printed in one place */

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* One diagnostic as reported: an error or warning and its notes. */
/* The classes of warnings: each can be silenced where it applies, by
 * `allow NAME;' in the .zt (ztopo(5), Warnings).  diag.c names them. */
enum diag_class {
	W_UNUSED,		/* a declaration nothing uses */
	W_UNPLACED,		/* a zone the target does not place */
	W_NO_CREDENTIAL,	/* a server used without a credential */
	W_NO_ADMIN,		/* keystone without an admin credential */
	W_EMPTY_SECRET,		/* ZTOPO_SECRET_X set but empty */
	W_SECRET_VARIABLE,	/* ZTOPO_SECRET_X naming no secret */
	W_DEPRECATED,		/* a deprecated option */
	W_UNREADABLE_METADATA,	/* a secret mdata-get will not serve */
	W_DHCP_RESOLVERS,	/* more resolvers than a guest gets */
	W_SECRET_PAYLOAD,	/* a payload holding a secret (0600) */
	W__COUNT
};
extern const char *const diag_class_names[W__COUNT];

struct diag_entry {
	enum diag_level		 level;
	struct loc		 loc;
	const char		*text;
	int			 cls;		/* warnings: enum diag_class */
	int			 as_error;	/* a warning under -W */
	struct vec		 notes;		/* struct diag_entry * */
};

struct diag {
	int	 errors;		/* distinct errors reported */
	int	 raised;		/* every error report, repeats and
					 * unprinted ones included: what a
					 * pass counts (diag_since) */
	int	 warnings;
	int	 printed_errors;
	int	 printed_warnings;
	int	 capped_warnings;	/* not printed: over the cap */
	int	 max_errors;		/* print at most this many errors,
					 * and as many warnings */
	int	 werror;		/* warnings count as errors */
	int	 cmdline;		/* an error was about the command line
					 * (-t): exit 2, not 1 */
	int	 quiet_warnings;
	int	 json;			/* one JSON object per line */
	int	 color;			/* text with ANSI colours */
	FILE	*out;
	struct arena	*arena;		/* entries and the index of them */
	struct vec	 entries;	/* struct diag_entry *, in order */
	/* diagnostics already reported: checks that run once per target
	 * report a problem of a shared declaration only once */
	struct hash	*seen;
	struct diag_entry *last;	/* where a note attaches; NULL: the
					 * last report was a repeat or not
					 * printed, and so are its notes */
	struct diag_entry *pending;	/* json: printed once its notes are
					 * all in */
	struct vec	 allows;	/* struct diag_allow *: silenced */
	int		 cls;		/* the class of the warning being
					 * reported */
};

void	diag_init(struct diag *, FILE *);
void	diag_error(struct diag *, struct loc, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	diag_warning(struct diag *, enum diag_class, struct loc,
	    const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	diag_note(struct diag *, struct loc, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Warnings of the classes in MASK at lines FROM..TO of SRC are silenced
 * (an `allow' in that block). */
void	diag_allow(struct diag *, const struct src *, int from, int to,
	    unsigned mask);
/* The class named S, or -1. */
int	diag_class(const char *);
void	diag_vreport(struct diag *, enum diag_level, struct loc,
	    const char *, va_list);
void	diag_finish(struct diag *);
int	diag_failed(const struct diag *);
/* A pass's own error count: errors reported since MARK = diag_mark(). */
int	diag_mark(const struct diag *);
int	diag_since(const struct diag *, int mark);

/* ---- load.c: the generic syntax tree */

enum ast_vkind {
	AV_WORD,	/* s: a bare word (identifier, keyword, name) */
	AV_STRING,	/* s: a quoted string, escapes decoded */
	AV_INT,		/* i: an integer */
	AV_SIZE,	/* i: a size in bytes, written with a unit (4G) */
	AV_ADDR,	/* s: a dotted quad, optionally /prefix */
	AV_LIST,	/* items/nitems: a bracketed list */
	AV_FLOAT	/* s: a decimal number with a fraction, as written */
};

struct ast_value {
	enum ast_vkind		 kind;
	struct loc		 loc;
	const char		*s;
	long long		 i;
	struct ast_value	**items;
	size_t			 nitems;
	struct ast_value	*next;		/* next argument */
};

struct ast_dir {
	const char		*name;
	struct loc		 loc;		/* of the directive word */
	struct ast_value	*args;		/* linked by ->next */
	size_t			 nargs;
	int			 has_block;
	struct ast_dir		*children;	/* linked by ->next */
	struct ast_dir		*next;
	struct loc		 open, end;	/* its '{' (if a block), and
						 * its ';' or '}' (fmt.c) */
};

/* The state shared by the lexer and the parser of one file. */
struct zt_parse {
	struct arena	*arena;
	struct diag	*diag;
	struct src	*src;
	struct ast_dir	*top;		/* result, in source order */
	struct vec	 comments;	/* struct loc *: each '#' comment */
	struct ast_dir	**tail;
	int		 depth;		/* open '{' and '[' */
	struct loc	 opened[NEST_MAX + 1];	/* where each one opened */
	int		 stopped;	/* nested too deep: the lexer ended
					 * the file; say nothing more */
};

struct ast_value	*ast_value_new(struct zt_parse *, enum ast_vkind,
			    struct loc);
struct ast_value	*ast_list_add(struct zt_parse *, struct ast_value *,
			    struct ast_value *);
struct ast_dir		*ast_dir_new(struct zt_parse *, const char *,
			    struct loc, struct ast_value *);
struct ast_value	*ast_args_append(struct ast_value *, struct ast_value *);
struct ast_dir		*ast_dirs_append(struct ast_dir *, struct ast_dir *);
const char		*ast_vkind_name(enum ast_vkind);
struct loc		 loc_span(struct loc, struct loc);

/* Load FILE and everything it includes; -1 if FILE cannot be read. */
int		 ast_load(struct arena *, struct diag *, const char *path,
		    struct ast_dir **);
/* The same for LEN bytes of TEXT in memory, named NAME in messages; an
 * include is an error (for the fuzzer, which reads no file). */
int		 ast_load_text(struct arena *, struct diag *, const char *name,
		    const char *text, size_t len, struct ast_dir **);
struct src	*src_read(struct arena *, const char *path, struct loc *from);
int		 src_check(struct diag *, const struct src *);
struct ast_dir	*ast_parse_alone(struct arena *, struct diag *, struct src *,
		    struct vec *comments);
/* A source named NAME holding LEN bytes of TEXT (copied), for tests. */
struct src	*src_text(struct arena *, const char *name, const char *text,
		    size_t len);
/* Index of the first byte of S[0..N) that is not valid UTF-8 (overlong
 * forms and surrogates included), or -1. */
long		 utf8_check(const unsigned char *, size_t);
const char	*src_strerror(int);	/* for src_read's errno */
int		 zt_parse_src(struct zt_parse *);	/* parser.y */

/* ---- util.c */

struct hash;
struct hash	*hash_new(struct arena *);
void		*hash_get(const struct hash *, const char *);
int		 hash_put(struct hash *, const char *, void *); /* 0 if existed */
size_t		 hash_count(const struct hash *);
/* Integer keys; values are never NULL. */
struct ihash;
struct ihash	*ihash_new(struct arena *);
void		*ihash_get(const struct ihash *, uint64_t);
int		 ihash_put(struct ihash *, uint64_t, void *); /* 0 if existed */

int		 edit_distance(const char *, const char *);
/* Closest of NAMES (NULL-terminated or n entries) to S, or NULL. */
const char	*suggest(const char *, const char *const *, size_t);

int		 ipv4_parse(const char *, uint32_t *);
int		 cidr_parse(const char *, uint32_t *, int *);
const char	*ipv4_str(struct arena *, uint32_t);
uint32_t	 prefix_mask(int);
int		 valid_name(const char *);
char		*secret_env_name(struct arena *, const char *);
char		*secret_placeholder(struct arena *, const char *);

#endif
