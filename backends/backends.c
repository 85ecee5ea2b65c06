/*
 * backends.c -- the table of backends, in the order they run.
 */
#include "backend.h"

const struct backend *const backends[] = {
	NULL
};
