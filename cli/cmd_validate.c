/* cmd_validate.c — `marsad validate`: loads every resource of a data
 * directory and reports the first malformed line as FILE:LINE. The build
 * runs it, so a broken data file fails `make`. */
#include "cli.h"

#include <string.h>
#include <time.h>

static const char USAGE[] =
    "usage: marsad validate [--data DIR] [--quiet]\n"
    "\n"
    "Loads the gazetteer, actors, numbers, dates and triggers of DIR\n"
    "(default: $MARSAD_DATA or the build's data/) and reports the first\n"
    "malformed line as FILE:LINE: reason. Exit status 0 when everything\n"
    "loads, 1 otherwise.\n";

MARSAD_COMMAND(validate, "check every data file loads (FILE:LINE on errors)")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    int quiet = 0;
    const char *datadir = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--quiet") == 0) quiet = 1;
        else if (strcmp(argv[a], "--data") == 0 && a + 1 < argc) datadir = argv[++a];
        else {
            cli_error("validate: unknown argument '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        }
    }
    const char *dir = cli_datadir(datadir);
    char err[1024];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    marsad_model *m = marsad_model_load(dir, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!m) {
        cli_error("%s", err);
        return EXIT_INPUT;
    }
    if (!quiet)
        printf("marsad: %s: every resource loads (%.0f ms)\n", dir,
               (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    marsad_model_free(m);
    return EXIT_OK;
}
