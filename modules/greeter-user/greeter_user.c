/* Depends on greeter and calls it from its init: while it is loaded,
 * greeter cannot be unloaded. */
#include <graft/module.h>

#include "../greeter/greeter.h"

GRAFT_MODULE("greeter-user", "1.0", "MIT");
GRAFT_MODULE_DEPENDS("greeter");

static int user_init(void)
{
	return greeter_greet("greeter-user") > 0 ? 0 : -1;
}
GRAFT_MODULE_INIT(user_init);
