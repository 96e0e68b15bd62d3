/* hello: prints a greeting and its command-line arguments, exits 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("Hello from graft!\n");
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return 0;
}
