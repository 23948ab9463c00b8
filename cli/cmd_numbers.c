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

MARSAD_COMMAND(numbers, "print the counts in a text with their values")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *datadir = NULL;
    int nfiles = 0, status = EXIT_OK;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--data") == 0) {
            if (a + 1 >= argc) {
                cli_error("numbers: --data needs a directory");
                return EXIT_USAGE;
            }
            datadir = argv[++a];
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("numbers: unknown option '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    char err[512];
    numbers *nb = numbers_load(cli_datadir(datadir), err, sizeof err);
    if (!nb) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    static const char *const NUMBER_NAMES[] = {"", "sg", "du", "pl"};
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--data") == 0) {
            a++;
            continue;
        }
        size_t len;
        char *text = cli_read_file(argv[a], &len);
        if (!text) {
            status = EXIT_INPUT;
            continue;
        }
        if (cli_check_text(argv[a], text, len)) status = EXIT_INPUT;
        marsad_doc *doc = marsad_doc_new(text, len);
        if (!doc) {
            cli_error("%s: out of memory", argv[a]);
            free(text);
            status = EXIT_INPUT;
            continue;
        }
        if (nfiles > 1) printf("# %s\n", argv[a]);
        size_t nt;
        const marsad_token *t = marsad_doc_tokens(doc, &nt);
        num_mention *m;
        size_t nm = numbers_find(nb, doc, &m);
        for (size_t i = 0; i < nm; i++) {
            size_t s = t[m[i].tok_start].start, e = t[m[i].tok_end - 1].end;
            printf("%zu\t%zu\t", s, e);
            cli_put_clean(stdout, text + s, e - s);
            printf("\t%.15g\t%s\t%s", m[i].value,
                   numbers_qualifier_name(m[i].qualifier),
                   numbers_kind_name(m[i].vague));
            if (m[i].noun_tok >= 0)
                printf("\tnoun=%s/%s/%s", m[i].noun_lemma, m[i].noun_class,
                       NUMBER_NAMES[m[i].noun_number & 3]);
            putchar('\n');
        }
        free(m);
        marsad_doc_free(doc);
        free(text);
    }
    numbers_free(nb);
    return status;
}
