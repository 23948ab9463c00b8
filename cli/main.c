/*
 * main.c — `marsad <command> [options]`: dispatches to the commands found in
 * cli/cmd_*.c (registry generated at build time into build/gen/commands.h).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define X(name, summary) int cmd_##name(int argc, char **argv);
#include "commands.h"
#undef X

static const struct {
    const char *name, *summary;
    int (*run)(int, char **);
} COMMANDS[] = {
#define X(name, summary) {#name, summary, cmd_##name},
#include "commands.h"
#undef X
};

static void usage(FILE *f) {
    fprintf(f, "marsad %s — conflict events from Arabic news\n\n"
               "usage: marsad <command> [options] [args]\n"
               "       marsad <command> --help\n"
               "       marsad --version\n\ncommands:\n",
            MARSAD_VERSION);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("marsad %s\n", MARSAD_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see marsad --help)", argv[1]);
    return EXIT_USAGE;
}
