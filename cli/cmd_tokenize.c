/* cmd_tokenize.c — `marsad tokenize FILE...`: tokens with offsets and folded
 * forms, sentence by sentence, for debugging the text layer. */
#include "cli.h"

#include <string.h>

static const char USAGE[] =
    "usage: marsad tokenize [--sentences] FILE...   (- for standard input)\n"
    "\n"
    "Prints one line per token: START END KIND TEXT FOLDED, where START and\n"
    "END are byte offsets in the file. A line '# sentence N [START,END)\n"
    "paragraph P' precedes each sentence. --sentences prints sentences only.\n";

/* One article's tokens, sentence by sentence; ctx: int, sentences only. */
static int print_tokens(void *ctx, const char *path, const char *text,
                        marsad_doc *doc) {
    int only_sentences = *(const int *)ctx;
    size_t nt, ns;
    const marsad_token *t = marsad_doc_tokens(doc, &nt);
    const marsad_sentence *s = marsad_doc_sentences(doc, &ns);
    for (size_t i = 0; i < ns; i++) {
        printf("# sentence %zu [%zu,%zu) paragraph %u\n", i, s[i].start,
               s[i].end, s[i].paragraph);
        if (only_sentences) {
            cli_put_clean(stdout, text + s[i].start, s[i].end - s[i].start);
            putchar('\n');
            continue;
        }
        for (uint32_t k = s[i].first_token;
             k < s[i].first_token + s[i].ntokens; k++) {
            printf("%zu\t%zu\t%s\t", t[k].start, t[k].end,
                   marsad_token_kind_name(t[k].kind));
            cli_put_clean(stdout, text + t[k].start, t[k].end - t[k].start);
            putchar('\t');
            cli_put_clean(stdout, t[k].norm, t[k].norm_len);
            putchar('\n');
        }
    }
    return EXIT_OK;
}

MARSAD_COMMAND(tokenize, "print tokens, offsets, folded forms and sentences")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    int only_sentences = 0, nfiles = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--sentences") == 0) {
            only_sentences = 1;
            argv[a] = NULL;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("tokenize: unknown option '%s'", argv[a]);
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
    return cli_each_article(argc, argv, print_tokens, &only_sentences);
}
