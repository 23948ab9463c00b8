/*
 * cli.h — what the command-line front end shares between its commands.
 *
 * Each command lives in cli/cmd_NAME.c and is declared by a line
 *     MARSAD_COMMAND(name, "one-line summary")
 * directly followed by its body; tools/gen_registry.sh collects them.
 * Exit codes: 0 ok, 1 input errors reported but processing finished,
 * 2 usage error (or nothing could be processed).
 */
#ifndef MARSAD_CLI_H
#define MARSAD_CLI_H

#include "marsad.h"

#include <stdio.h>

#define MARSAD_COMMAND(name, summary) int cmd_##name(int argc, char **argv)

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* Reads a whole file ("-" is standard input) into a malloc'd buffer with a
 * NUL after the end. Prints "marsad: PATH: reason" and returns NULL on error. */
char *cli_read_file(const char *path, size_t *len);

/* Warns on stderr about text read from path that will not read well, naming
 * the file and the line: invalid UTF-8 bytes and NUL bytes (then returns 1,
 * an input error), and, returning 0, an empty file, text without any letter
 * or digit (all diacritics, binary), a line over 1 MiB. Linear time. */
int cli_check_text(const char *path, const char *text, size_t len);

/* 1-based line number of byte offset off in text. */
size_t cli_line_of(const char *text, size_t len, size_t off);

/* Prints a reader's or extraction's problem as "marsad: FILE:LINE: msg"
 * ("marsad: FILE: msg" when line is 0) to stderr. */
void cli_print_diag(const char *file, size_t line, const char *msg);

/* Seconds on a monotonic clock. */
double cli_now(void);
/* Sleeps ms milliseconds. */
void cli_sleep_ms(long ms);

/* Prints "marsad: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True, after printing usage on standard output, when argv holds -h or
 * --help (before any "--"). Commands call it first:
 *     if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK; */
int cli_wants_help(int argc, char **argv, const char *usage);

/* Prints s (len bytes) to f as a JSON-safe/terminal-safe string: invalid UTF-8
 * becomes U+FFFD; control characters (C0, DEL, C1) and the Unicode line and
 * paragraph separators become spaces, so output stays one record per line. */
void cli_put_clean(FILE *f, const char *s, size_t len);

/* What a command does with one article: text (len bytes, NUL after) read
 * from path, and its document. Returns EXIT_OK, or EXIT_INPUT after
 * reporting a problem. */
typedef int (*cli_article_fn)(void *ctx, const char *path, const char *text,
                              marsad_doc *doc);

/* Runs fn(ctx, ...) on each file named in argv[1..argc), in order, skipping
 * NULL entries (a command sets the options it has read to NULL): reads it
 * (cli_read_file), warns about it (cli_check_text) and makes its document,
 * freed after fn returns. A file that cannot be read or made into a
 * document is reported and skipped. Returns EXIT_OK, or EXIT_INPUT when any
 * file had a problem. */
int cli_each_article(int argc, char **argv, cli_article_fn fn, void *ctx);

/* Prints "START\tEND\t" and text[start, end) made clean (cli_put_clean) to
 * standard output: how the debugging commands begin a mention's line. */
void cli_put_span(const char *text, size_t start, size_t end);

/* An option of a command: name ("--db"), an optional alias ("-v"), and
 * where it goes: value, for an option taking one, or flag, set to 1. */
typedef struct {
    const char *name, *alias;
    const char **value;
    int *flag;
} cli_option;

/* Reads argv[1..argc) against opts (ended by an entry with name NULL). Any
 * other argument is a path, put in paths[(*npaths)++] (paths has room for
 * argc); with paths NULL, or for one starting with '-' other than "-", it is
 * an error. Returns 0, or prints "CMD: unknown option 'X' (see marsad CMD
 * --help)" ("unknown argument" when the command takes no paths) or "CMD:
 * OPT needs a value" and returns -1. */
int cli_parse_options(const char *cmd, int argc, char **argv,
                      const cli_option *opts, char **paths, int *npaths);

/* Reads s, the value of option opt, as a whole number from lo to hi into
 * *out. Returns 0, or prints "CMD: OPT must be a number from LO to HI, not
 * 'S'" ("a positive number" when lo is 1 and hi LONG_MAX) and returns -1. */
int cli_number_option(const char *cmd, const char *opt, const char *s,
                      long lo, long hi, long *out);

/* The data directory: dir when given (--data DIR), else $MARSAD_DATA, else
 * the repository's data/ compiled in as MARSAD_DATADIR. */
const char *cli_datadir(const char *dir);

#endif
