/* cmd_eval.c — `marsad eval GOLD_DIR EVENTS.jsonl`: precision, recall, F1
 * and the field figures of spec/EVAL.md, overall and per article. */
#include "cli.h"
#include "eval/eval.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: marsad eval [--per-doc] [--json] GOLD_DIR EVENTS.jsonl\n"
    "\n"
    "Scores system events (JSON Lines, one event per line, - for standard\n"
    "input) against the gold files GOLD_DIR/ID.json as spec/EVAL.md says:\n"
    "event precision, recall and F1, then on matched required events the\n"
    "sub-event type, exact fatalities/injured/captured/date, actor recall\n"
    "and the median location error, pooled over articles.\n"
    "\n"
    "  --per-doc  also list, per article, each gold event (matched to which\n"
    "             system event and how far, or MISSED with the nearest\n"
    "             system event and what failed) and each FALSE system event\n"
    "  --json     print a JSON object {\"overall\", \"per_doc\"} instead\n"
    "\n"
    "A system event with a null event_date matches only gold events without\n"
    "date and window. Events of articles with no gold file are counted as\n"
    "unscored and left out of every figure. Gold articles without system\n"
    "events count: their required events are missed.\n"
    "\n"
    "Exit status: 0 when every line and file was read, 1 when some were\n"
    "skipped (each named on standard error with FILE:LINE), 2 on usage\n"
    "errors or when the gold directory or events file cannot be read.\n";

/* Prints the diagnostics not yet shown (errors and warnings alike). */
static void print_diags(const eval_diags *d, size_t *shown) {
    for (; *shown < d->n; (*shown)++) cli_error("%s", d->items[*shown].msg);
}

MARSAD_COMMAND(eval, "score events against gold: precision, recall, F1, fields")
{
    if (cli_wants_help(argc, argv, USAGE)) return EXIT_OK;
    int per_doc = 0, as_json = 0;
    const char *pos[2];
    int npos = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--per-doc") == 0) {
            per_doc = 1;
        } else if (strcmp(argv[a], "--json") == 0) {
            as_json = 1;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            cli_error("eval: unknown option '%s'", argv[a]);
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        } else if (npos < 2) {
            pos[npos++] = argv[a];
        } else {
            cli_error("eval: too many arguments");
            fputs(USAGE, stderr);
            return EXIT_USAGE;
        }
    }
    if (npos != 2) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }

    int status = EXIT_OK;
    eval_diags diags = {0};
    eval_gold *gold = NULL;
    eval_events *events = eval_events_new();
    eval_result *res = NULL;
    size_t shown = 0;
    marsad_status st = eval_gold_load_dir(pos[0], &gold, &diags);
    if (st != MARSAD_OK || !events) {
        status = EXIT_USAGE;
        goto out;
    }
    size_t len;
    char *text = cli_read_file(pos[1], &len);
    if (!text) {
        status = EXIT_USAGE;
        goto out;
    }
    st = eval_events_parse_jsonl(events, pos[1], text, len, &diags);
    free(text);
    if (st != MARSAD_OK) {
        status = EXIT_USAGE;
        goto out;
    }
    if (gold->ndocs == 0)
        cli_error("eval: warning: no gold files (*.json) in %s", pos[0]);
    res = eval_score(gold, events, NULL);
    print_diags(&diags, &shown);
    if (!res) {
        cli_error("eval: out of memory");
        status = EXIT_USAGE;
        goto out;
    }
    if (as_json) {
        json_t *j = eval_report_json(res, per_doc);
        if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                            JSON_REAL_PRECISION(6)) != 0) {
            cli_error("eval: cannot write the JSON report");
            status = EXIT_USAGE;
        }
        putchar('\n');
        json_decref(j);
    } else {
        char *t = eval_report_text(res, per_doc);
        if (!t) {
            cli_error("eval: out of memory");
            status = EXIT_USAGE;
        } else {
            fputs(t, stdout);
            free(t);
        }
    }
out:
    print_diags(&diags, &shown);
    if (status == EXIT_OK && diags.nerrors) status = EXIT_INPUT;
    eval_result_free(res);
    eval_events_free(events);
    eval_gold_free(gold);
    eval_diags_free(&diags);
    return status;
}
