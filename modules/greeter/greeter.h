/* What greeter.o exports to the modules loaded after it: native modules
 * link against each other by name, as against the kernel. */
#ifndef GREETER_H
#define GREETER_H

int greeter_greet(const char *who);

#endif
