/* A library module: exports greeter_greet to later modules. */
#include <stdio.h>

#include <graft/module.h>

#include "greeter.h"

GRAFT_MODULE("greeter", "1.0", "MIT");

static int greeted;

int greeter_greet(const char *who)
{
	printf("greeter: hello, %s\n", who);
	return ++greeted;
}
GRAFT_EXPORT(greeter_greet);
