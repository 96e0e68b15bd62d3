/* What greeter.o exports to the modules loaded after it. */
#ifndef GREETER_H
#define GREETER_H

int greeter_greet(const char *who);

#endif
