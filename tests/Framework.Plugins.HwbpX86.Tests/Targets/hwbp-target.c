/* The process the watch tests (and the kernel lab) watch by pid: a counter that a function
 * increments (one read and one write of it per call), four variables written in turn, and a line
 * on stdout with the pid and their addresses so that a test can compare them with what symbol
 * lookup finds.
 * Usage: hwbp-target [iterations (0: forever)] [interval in microseconds] [go file]
 * With a go file it waits until that file exists (the watcher is armed), runs the iterations,
 * prints "done" and then waits to be killed, so that a test knows the exact number of accesses.
 * With HWBP_TARGET_PTRACER=any in its environment it first declares, through Yama's
 * prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY), that any process of its user may attach to it (the lab's
 * ptrace_scope 1 test), and exits 1 if the kernel refuses (no Yama). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

volatile long hwbp_counter;
volatile long hwbp_vars[4];

__attribute__((noinline)) void hwbp_tick(void)
{
    hwbp_counter++;
}

int main(int argc, char **argv)
{
    long iterations = argc > 1 ? atol(argv[1]) : 0;
    long interval = argc > 2 ? atol(argv[2]) : 100000;
    const char *go = argc > 3 ? argv[3] : NULL;
    const char *ptracer = getenv("HWBP_TARGET_PTRACER");
    setvbuf(stdout, NULL, _IONBF, 0);
    if (ptracer && strcmp(ptracer, "any") == 0 && prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0) != 0) {
        perror("hwbp-target: prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY)");
        return 1;
    }
    printf("%d %p %p %p\n", getpid(), (void *)&hwbp_counter, (void *)hwbp_tick, (void *)hwbp_vars);
    while (go && access(go, F_OK) != 0)
        usleep(10000);
    for (long i = 0; iterations == 0 || i < iterations; i++) {
        hwbp_tick();
        hwbp_vars[i % 4] = i;
        usleep(interval);
    }
    if (go) {
        printf("done\n");
        for (;;)
            pause();
    }
    return 0;
}
