/* Hostile: spincall.c with a loop that calls a leaf only (its header keeps its poll). */
#define SPIN_LEAF 1
#include "spincall.c"
