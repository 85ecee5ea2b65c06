/*
 * graph.c -- `ztopo graph`: the services of a target as Graphviz DOT.
 *
 * Every host is a cluster labelled with its name and admin address; its
 * zones are clusters nested in it (rounded, blue), its global zone a
 * cluster of its own that looks different (dashed, orange), so what runs
 * on the bare host stands out.  Services are nodes (data stores drawn as
 * cylinders); every "uses" is an edge from the client instance to each
 * server instance, labelled with the credential it uses and coloured by
 * its kind (MySQL blue, RabbitMQ green, none grey), so a label can be
 * matched to its edge in a busy picture.  A use the role does not need in
 * this release (zed nova-compute -> mysql) is drawn dashed and light
 * grey: it is declared, but grants nothing.
 *
 * Everything comes out in the IR's order, so the text is the same on
 * every run; every string is escaped for a DOT quoted string.
 */
#include <string.h>

#include "graph.h"

#define FONT		"Helvetica,Arial,sans-serif"
#define MYSQL_COLOR	"#1f5fa8"	/* edges with a MySQL credential */
#define RABBIT_COLOR	"#2e7d32"	/* ... with a RabbitMQ one */

/* Write S as a DOT quoted string. */
static void
dot_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', fp);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static const char *
node_id(struct arena *a, const struct ir_sinst *si)
{
	return arena_printf(a, "%s/%s/%s", si->host->name, si->zone_name,
	    si->service->name);
}

static void
service_node(struct arena *a, FILE *fp, const struct ir_sinst *si,
    const char *indent)
{
	const struct ir_service *s = si->service;
	const char *role = role_table[s->role].name;
	const char *label = s->name;

	if (s->role != ROLE_NONE && strcmp(role, s->name) != 0)
		label = arena_printf(a, "%s\n(%s)", s->name, role);
	fputs(indent, fp);
	dot_str(fp, node_id(a, si));
	fputs(" [label=", fp);
	dot_str(fp, label);
	if (role_table[s->role].store)
		fputs(", shape=cylinder", fp);
	fputs("];\n", fp);
}

int
graph_print_dot(const struct ir *ir, FILE *fp)
{
	struct arena *a = ir->arena;
	size_t i, j, k;

	fputs("// The services of target ", fp);
	fprintf(fp, "%s (OpenStack %s), drawn by ztopo graph.\n", ir->target,
	    release_name(ir->release));
	fputs("// Render: dot -Tsvg -o topology.svg\n", fp);
	fputs("digraph ", fp);
	dot_str(fp, ir->target);
	fputs(" {\n", fp);
	fputs("\tgraph [fontname=\"" FONT "\", fontsize=14, rankdir=LR, "
	    "newrank=true,\n\t    nodesep=0.3, ranksep=0.9, labelloc=t, "
	    "label=", fp);
	dot_str(fp, arena_printf(a, "target %s (OpenStack %s)", ir->target,
	    release_name(ir->release)));
	fputs("];\n", fp);
	fputs("\tnode [fontname=\"" FONT "\", fontsize=11, shape=box, "
	    "style=\"rounded,filled\",\n\t    fillcolor=\"#ffffff\", "
	    "color=\"#3c5a78\"];\n", fp);
	fputs("\tedge [fontname=\"" FONT "\", fontsize=9, "
	    "color=\"#595959\", arrowsize=0.7];\n", fp);

	for (i = 0; i < ir->nhosts; i++) {
		const struct ir_host *h = ir->hosts[i];
		const char *label = h->naddrs ? arena_printf(a, "host %s\n%s",
		    h->name, ir_addr(ir, h->addrs[0].addr)) :
		    arena_printf(a, "host %s", h->name);

		fputs("\n\tsubgraph ", fp);
		dot_str(fp, arena_printf(a, "cluster_host_%s", h->name));
		fputs(" {\n\t\tlabel=", fp);
		dot_str(fp, label);
		fputs(";\n\t\tstyle=filled; fillcolor=\"#f2f2f2\"; "
		    "color=\"#7f7f7f\"; fontsize=13;\n", fp);
		for (j = 0; j < h->nzones; j++) {
			const struct ir_zinst *zi = h->zones[j];
			const char *zl = arena_printf(a, "zone %s", zi->zone->name);

			for (k = 0; k < zi->nnics; k++)
				if (zi->nics[k].primary)
					zl = arena_printf(a, "%s\n%s", zl,
					    ir_addr(ir, zi->nics[k].addr));
			fputs("\t\tsubgraph ", fp);
			dot_str(fp, arena_printf(a, "cluster_zone_%s_%s",
			    h->name, zi->zone->name));
			fputs(" {\n\t\t\tlabel=", fp);
			dot_str(fp, zl);
			fputs(";\n\t\t\tstyle=\"rounded,filled\"; "
			    "fillcolor=\"#dce9f5\"; color=\"#3c5a78\"; "
			    "fontsize=11;\n", fp);
			for (k = 0; k < zi->nservices; k++)
				service_node(a, fp, zi->services[k], "\t\t\t");
			if (zi->nservices == 0) {
				/* an empty cluster is not drawn: hold it open */
				fputs("\t\t\t", fp);
				dot_str(fp, arena_printf(a, "%s/%s/", h->name,
				    zi->zone->name));
				fputs(" [label=\"(no services)\", "
				    "shape=plaintext, style=\"\"];\n", fp);
			}
			fputs("\t\t}\n", fp);
		}
		if (h->nglobal > 0) {
			fputs("\t\tsubgraph ", fp);
			dot_str(fp, arena_printf(a, "cluster_global_%s",
			    h->name));
			fputs(" {\n\t\t\tlabel=\"global zone\";\n\t\t\t"
			    "style=\"dashed,filled\"; fillcolor=\"#fde9d4\"; "
			    "color=\"#b35900\"; penwidth=2;\n\t\t\t"
			    "fontsize=11; fontcolor=\"#b35900\";\n", fp);
			for (k = 0; k < h->nglobal; k++)
				service_node(a, fp, h->global[k], "\t\t\t");
			fputs("\t\t}\n", fp);
		}
		fputs("\t}\n", fp);
	}

	if (ir->nedges > 0)
		fputc('\n', fp);
	for (i = 0; i < ir->nedges; i++) {
		const struct ir_edge *e = ir->edges[i];
		const struct ir_use *u = e->use;
		int sep = 0;

		fputc('\t', fp);
		dot_str(fp, node_id(a, e->client));
		fputs(" -> ", fp);
		dot_str(fp, node_id(a, e->server));
		if (u->cred != NULL) {
			fputs(" [label=", fp);
			dot_str(fp, u->needed ? u->cred->name :
			    arena_printf(a, "%s\n(unused in %s)", u->cred->name,
			    release_name(ir->release)));
			sep = 1;
		}
		if (!u->needed)
			fprintf(fp, "%sstyle=dashed, color=\"#b3b3b3\", "
			    "fontcolor=\"#999999\"", sep ? ", " : " [");
		else if (u->cred != NULL && u->cred->kind == CRED_MYSQL)
			fputs(", color=\"" MYSQL_COLOR "\", fontcolor=\""
			    MYSQL_COLOR "\"", fp);
		else if (u->cred != NULL)
			fputs(", color=\"" RABBIT_COLOR "\", fontcolor=\""
			    RABBIT_COLOR "\"", fp);
		sep |= !u->needed;
		fputs(sep ? "];\n" : ";\n", fp);
	}
	fputs("}\n", fp);
	return ferror(fp) ? -1 : 0;
}
