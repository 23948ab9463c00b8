/* cmd_actors.c — `marsad actors FILE...`: every actor mention with its
 * offsets and resolution, for debugging the actor lexicon (src/lex/actors.h). */
#include "cli.h"
#include "lex/actors.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad actors [--data DIR] [--country CC] FILE...   (- for stdin)\n"
    "       marsad actors [--data DIR] --stats\n"
    "\n"
    "Prints one line per actor mention, tab-separated:\n"
    "  START END TEXT NAME TYPE COUNTRY HOW\n"
    "START and END are byte offsets in the file, TEXT the mention as written,\n"
    "NAME the canonical actor, COUNTRY its main ISO2 code, HOW how it was\n"
    "resolved: name, generic (the generic actor of a country), short (a\n"
    "short form; '->OFFSET' gives its antecedent's start), +cue when the\n"
    "country came from a country named nearby rather than from --country.\n"
    "--country is the article's ISO2 code (LY, SY...); without it generic\n"
    "actors get the unknown country. --data defaults to $MARSAD_DATA, then\n"
    "the build's data directory. --stats prints the lexicon's size.\n";

typedef struct {
    const actors *lex;
    const char *country; /* --country, or NULL */
    int nfiles;
} actors_run;

/* One article's actor mentions. */
static int print_actors(void *ctx, const char *path, const char *text,
                        marsad_doc *doc) {
    const actors_run *run = ctx;
    actor_mention *m = NULL;
    size_t nm = actors_find(run->lex, doc, run->country, &m);
    if (run->nfiles > 1) printf("# %s\n", path);
    for (size_t i = 0; i < nm; i++) {
        const actor_info *ai = actors_info(run->lex, m[i].actor);
        cli_put_span(text, m[i].start, m[i].end);
        printf("\t%s\t%s\t%s\t", ai->name, ai->type, ai->country);
        if (m[i].short_form) {
            printf("short");
            if (m[i].antecedent != ACTORS_NONE)
                printf("->%zu", m[m[i].antecedent].start);
            if (m[i].generic) printf(",generic");
        } else {
            printf(m[i].generic ? "generic" : "name");
        }
        if (m[i].by_cue) printf("+cue");
        putchar('\n');
    }
    free(m);
    return EXIT_OK;
}

MARSAD_COMMAND(actors, "print actor mentions with offsets and resolution")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    const char *datadir = getenv("MARSAD_DATA");
    if (!datadir || !*datadir) datadir = MARSAD_DATADIR;
    actors_run run = {NULL, NULL, 0};
    int stats = 0;
    for (int a = 1; a < argc; a++) {
        if ((strcmp(argv[a], "--data") == 0 ||
             strcmp(argv[a], "--country") == 0) && a + 1 < argc) {
            if (argv[a][2] == 'd') datadir = argv[a + 1];
            else run.country = argv[a + 1];
            argv[a] = argv[a + 1] = NULL;
            a++;
        } else if (strcmp(argv[a], "--stats") == 0) {
            stats = 1;
            argv[a] = NULL;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("actors: unknown option or missing value '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else {
            run.nfiles++;
        }
    }
    char err[512];
    actors *lex = actors_load(datadir, err, sizeof err);
    if (!lex) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (run.country && !actors_country_name(lex, run.country))
        cli_error("actors: warning: country '%s' is not in countries.tsv",
                  run.country);
    if (stats) {
        size_t generic = 0;
        for (uint32_t i = 0; i < actors_count(lex); i++)
            generic += actors_info(lex, i)->generic != 0;
        printf("actors\t%zu\ngeneric\t%zu\nnamed\t%zu\nphrases\t%zu\n",
               actors_count(lex), generic, actors_count(lex) - generic,
               actors_alias_count(lex));
    }
    run.lex = lex;
    int status = cli_each_article(argc, argv, print_actors, &run);
    actors_free(lex);
    if (run.nfiles == 0 && !stats) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    return status;
}
