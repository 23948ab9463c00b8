/*
 * maxrss.c — runs a command and reports its wall time, CPU time and peak
 * resident memory (getrusage of the child), for bench/run.sh on machines
 * without GNU time.
 *
 *   maxrss [-o REPORT] COMMAND [ARG...]
 *
 * The report is one line "wall_s=W user_s=U sys_s=S maxrss_kb=K status=X",
 * written to REPORT (or standard error); the command's own output is left
 * alone. Exit status: the command's, or 127 when it could not be run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *report = NULL;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "-o") == 0) {
        report = argv[a + 1];
        a += 2;
    }
    if (a >= argc) {
        fputs("usage: maxrss [-o REPORT] COMMAND [ARG...]\n", stderr);
        return 2;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[a], argv + a);
        perror("maxrss: exec");
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("maxrss: wait4");
        return 127;
    }
    double wall = now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = report ? fopen(report, "w") : stderr;
    if (!f) {
        perror("maxrss: report");
        return 127;
    }
    fprintf(f, "wall_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld status=%d\n",
            wall, (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
            ru.ru_maxrss, code);
    if (f != stderr) fclose(f);
    return code;
}
