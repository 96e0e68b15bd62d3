/* trivial: a static process that does nothing; bench/boot times its exec
 * to exit as the baseline for graft-unix's boot-to-exit. */
int main(void)
{
	return 0;
}
