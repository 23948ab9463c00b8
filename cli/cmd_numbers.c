/* cmd_numbers.c — `marsad numbers FILE...`: every count in a text (figures,
 * number words, vague words, bare count nouns) with its offsets, value,
 * qualifier and kind, for debugging the numbers module. */
#include "cli.h"
#include "lex/numbers.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad numbers [--data DIR] FILE...   (- for standard input)\n"
    "\n"
    "Prints one line per count:\n"
    "  START END TEXT VALUE QUALIFIER KIND [noun=LEMMA/CLASS/NUMBER]\n"
    "START and END are byte offsets in the file; TEXT is the mention as\n"
    "written; QUALIFIER is exact, at_least, at_most or about; KIND is figure,\n"
    "vague, bare_plural, singular or dual (spec/EVENTS.md counting rules).\n"
    "--data DIR reads the tables from DIR (default $MARSAD_DATA or the\n"
    "built-in data directory).\n";

typedef struct {
    const numbers *nb;
    int nfiles;
} numbers_run;

/* One article's counts. */
static int print_counts(void *ctx, const char *path, const char *text,
                        marsad_doc *doc) {
    const numbers_run *run = ctx;
    static const char *const NUMBER_NAMES[] = {"", "sg", "du", "pl"};
    if (run->nfiles > 1) printf("# %s\n", path);
    size_t nt;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    num_mention *m;
    size_t nm = numbers_find(run->nb, doc, &m);
    for (size_t i = 0; i < nm; i++) {
        cli_put_span(text, t[m[i].tok_start].start, t[m[i].tok_end - 1].end);
        printf("\t%.15g\t%s\t%s", m[i].value,
               numbers_qualifier_name(m[i].qualifier),
               numbers_kind_name(m[i].vague));
        if (m[i].noun_tok >= 0)
            printf("\tnoun=%s/%s/%s", m[i].noun_lemma, m[i].noun_class,
                   NUMBER_NAMES[m[i].noun_number & 3]);
        putchar('\n');
    }
    free(m);
    return EXIT_OK;
}

MARSAD_COMMAND(numbers, "print the counts in a text with their values")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *datadir = NULL;
    numbers_run run = {NULL, 0};
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--data") == 0) {
            if (a + 1 >= argc) {
                cli_error("numbers: --data needs a directory");
                return EXIT_USAGE;
            }
            datadir = argv[a + 1];
            argv[a] = argv[a + 1] = NULL;
            a++;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("numbers: unknown option '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else {
            run.nfiles++;
        }
    }
    if (run.nfiles == 0) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    char err[512];
    numbers *nb = numbers_load(cli_datadir(datadir), err, sizeof err);
    if (!nb) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    run.nb = nb;
    int status = cli_each_article(argc, argv, print_counts, &run);
    numbers_free(nb);
    return status;
}
