/* Calls a function that no kernel and no module exports: refused at load
 * with a message naming the symbol. */
#include <graft/module.h>

GRAFT_MODULE("needs-missing", "1.0", "MIT");

int graft_no_such_function(int x);

static int needs_missing_init(void)
{
	return graft_no_such_function(1);
}
GRAFT_MODULE_INIT(needs_missing_init);
