/*
 * parser.y -- the .zt syntax: statements only, no meaning.
 *
 *	file	:= stmt*
 *	stmt	:= WORD value* ';'
 *		 | WORD value* '{' stmt* '}'
 *	value	:= WORD | STRING | INT | FLOAT | SIZE | ADDR
 *		 | '[' value,* ']'
 *
 * What a directive means, which values it takes and where it may appear
 * is decided by resolve.c.  Errors resynchronise at ';' or at the '}'
 * closing the enclosing block, so one run reports every syntax error.
 */
%define api.pure full
%locations
%define parse.error detailed
%expect 0
%param {yyscan_t scanner}
%parse-param {struct zt_parse *p}

%code requires {
#include "../compiler/ztopo.h"
typedef void *yyscan_t;
}

%code provides {
int	ztlex(YYSTYPE *, YYLTYPE *, yyscan_t);
}

%code {
#include <string.h>

#define yylex ztlex

static void	yyerror(YYLTYPE *, yyscan_t, struct zt_parse *, const char *);
static struct loc tloc(struct zt_parse *, YYLTYPE);
static struct ast_value *rev_values(struct ast_value *);
static struct ast_dir *rev_dirs(struct ast_dir *);
}

%union {
	struct ast_value	*val;
	struct ast_dir		*dir;
}

%token <val>	WORD	"word"
%token <val>	STRING	"string"
%token <val>	INT	"integer"
%token <val>	FLOAT	"number"
%token <val>	SIZE	"size"
%token <val>	ADDR	"address"

%type <val>	args value item_l
%type <dir>	stmts stmt

%%

file	: stmts			{ p->top = rev_dirs($1); }
	;

/* Lists are built backwards (O(1) per item) and reversed once. */
stmts	: %empty		{ $$ = NULL; }
	| stmts stmt		{
					if ($2 != NULL) {
						$2->next = $1;
						$$ = $2;
					} else
						$$ = $1;
				}
	;

stmt	: WORD args ';'		{
					$$ = ast_dir_new(p, $1->s, $1->loc,
					    rev_values($2));
					$$->end = tloc(p, @3);
				}
	| WORD args '{' stmts '}' {
					$$ = ast_dir_new(p, $1->s, $1->loc,
					    rev_values($2));
					$$->has_block = 1;
					$$->children = rev_dirs($4);
					$$->open = tloc(p, @3);
					$$->end = tloc(p, @5);
				}
	| WORD args '{' stmts error '}' {
					$$ = ast_dir_new(p, $1->s, $1->loc,
					    rev_values($2));
					$$->has_block = 1;
					$$->children = rev_dirs($4);
					$$->open = tloc(p, @3);
					$$->end = tloc(p, @6);
				}
	| error ';'		{ $$ = NULL; }
	;

args	: %empty		{ $$ = NULL; }
	| args value		{ $2->next = $1; $$ = $2; }
	;

value	: WORD
	| STRING
	| INT
	| FLOAT
	| SIZE
	| ADDR
	| '[' ']'		{ $$ = ast_value_new(p, AV_LIST, tloc(p, @1)); }
	| '[' item_l ']'	{ $$ = $2; }
	| '[' item_l ',' ']'	{ $$ = $2; }
	;

item_l	: value			{
					$$ = ast_value_new(p, AV_LIST,
					    tloc(p, @$));
					ast_list_add(p, $$, $1);
				}
	| item_l ',' value	{ $$ = ast_list_add(p, $1, $3); }
	;

%%

static struct loc
tloc(struct zt_parse *pp, YYLTYPE l)
{
	struct loc loc;

	loc.src = pp->src;
	loc.line = l.first_line;
	loc.col = l.first_column;
	loc.len = l.first_line == l.last_line ?
	    l.last_column - l.first_column : 1;
	if (loc.len < 1)
		loc.len = 1;
	return loc;
}

static void
yyerror(YYLTYPE *l, yyscan_t sc, struct zt_parse *pp, const char *msg)
{
	(void)sc;
	if (pp->stopped)	/* the lexer said why the file ends early */
		return;
	/* the end of the file inside a block or list: say which one */
	if (pp->depth > 0 && pp->depth <= NEST_MAX &&
	    strstr(msg, "unexpected end of file") != NULL) {
		struct loc o = pp->opened[pp->depth - 1];
		int brace = pp->src->text[pp->src->lines[o.line - 1] +
		    (size_t)(o.col - 1)] == '{';

		diag_error(pp->diag, tloc(pp, *l), "end of file inside a %s: "
		    "expected '%c'", brace ? "block" : "list", brace ? '}' :
		    ']');
		diag_note(pp->diag, o, "the %s opened here is not closed",
		    brace ? "block" : "list");
		return;
	}
	diag_error(pp->diag, tloc(pp, *l), "%s", msg);
}

static struct ast_value *
rev_values(struct ast_value *v)
{
	struct ast_value *r = NULL, *n;

	for (; v != NULL; v = n) {
		n = v->next;
		v->next = r;
		r = v;
	}
	return r;
}

static struct ast_dir *
rev_dirs(struct ast_dir *d)
{
	struct ast_dir *r = NULL, *n;

	for (; d != NULL; d = n) {
		n = d->next;
		d->next = r;
		r = d;
	}
	return r;
}

/* lexer.l's reentrant interface, declared here to avoid its header. */
int	ztlex_init_extra(struct zt_parse *, yyscan_t *);
int	ztlex_destroy(yyscan_t);
void	*zt_scan_bytes(const char *, int, yyscan_t);

int
zt_parse_src(struct zt_parse *pp)
{
	yyscan_t sc;
	int rc;

	if (ztlex_init_extra(pp, &sc) != 0)
		return -1;
	zt_scan_bytes(pp->src->text, (int)pp->src->len, sc);
	rc = yyparse(sc, pp);
	ztlex_destroy(sc);
	return rc;
}
