/*
 * graph.h -- a target as a Graphviz picture (graph.c).
 */
#ifndef ZTOPO_GRAPH_H
#define ZTOPO_GRAPH_H

#include <stdio.h>

#include "ir.h"

/* DOT: hosts as clusters, zones nested in them, services as nodes, uses
 * as edges labelled with their credential.  -1 on a write error. */
int	graph_print_dot(const struct ir *, FILE *);

#endif
