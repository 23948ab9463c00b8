/*
 * reader.h — the article reader's internal entry points (the public ones are
 * in marsad.h, "Reading articles from files"): readers that borrow
 * boilerplate rules loaded once, so that fuzzers and tests that open
 * thousands of readers, and the pipeline that opens one per path, do not
 * reload data/boilerplate.tsv each time; and
 * the last step of reading text input (blanking boilerplate, tokenizing)
 * left for another thread to do.
 */
#ifndef MARSAD_READER_H
#define MARSAD_READER_H

#include "io/boilerplate.h"
#include "marsad.h"

/* Like marsad_reader_open_mem, with bp borrowed (it must outlive the reader;
 * NULL: no boilerplate rules) instead of loaded from a data directory. */
marsad_reader *reader_open_mem_shared(const char *name, const void *data,
                                      size_t len, const boilerplate *bp,
                                      int keep_boilerplate, marsad_diag_fn diag,
                                      void *ctx);

/* Like marsad_reader_open_ex, with bp borrowed (it must outlive the
 * reader) instead of loaded, unless it is NULL. */
marsad_reader *reader_open_shared(const char *path,
                                  const marsad_reader_options *opt,
                                  const boilerplate *bp, marsad_diag_fn diag,
                                  void *ctx);

/* A reader of the whole lines data[0..len) of a JSON Lines file called
 * name, of which first_line lines come before them: it reads them as the
 * reader of the file would (messages name the file and the line in it, an
 * id made up for an article without one is the same), without copying
 * data, which must outlive the reader. bp is borrowed as above. */
marsad_reader *reader_open_jsonl_part(const char *name, const char *data,
                                      size_t len, size_t first_line,
                                      const marsad_reader_options *opt,
                                      const boilerplate *bp, marsad_diag_fn diag,
                                      void *ctx);

/* 1 when a reader reads path, a file, as plain JSON Lines by its name
 * (.jsonl, .ndjson, .json; not gzip'd by name; the data may still be). */
int reader_path_is_jsonl(const char *path);

/* The message for a JSON Lines line over MARSAD_READER_MAX_DOC bytes (a
 * line so long is skipped), with that size in MB. */
#define READER_HUGE_LINE "line longer than %zu MB; skipped"

/* Sets marsad_reader_options.tokenize on a reader made by
 * reader_open_mem_shared (for the fuzzers). */
void reader_set_tokenize(marsad_reader *r, int on);

/* The doc of the article last returned (marsad_article.doc), now the
 * caller's to free with marsad_doc_free; the reader forgets it. NULL when
 * it has none. The article's doc pointer stays as it was. */
marsad_doc *reader_take_doc(marsad_reader *r);

/* With defer on, the reader leaves the blanking of boilerplate and the
 * tokenizing of text input to its caller: reader_deferred then says whether
 * the article last returned still needs them (its text as read, no doc),
 * and reader_blank_text does them, on the caller's copy of the text (so
 * that another thread can). Its lines blanked are not in the reader's
 * stats. */
void reader_set_defer(marsad_reader *r, int on);
int reader_deferred(const marsad_reader *r);

/* Blanks the boilerplate lines of text in place (unless keep_boilerplate)
 * as bp says and, with tokenize, sets *doc to the doc of the blanked text
 * (from one tokenization that the boilerplate pass reads too), else to
 * NULL; also NULL when memory runs out. Returns the lines blanked. */
size_t reader_blank_text(const boilerplate *bp, int keep_boilerplate,
                         int tokenize, char *text, size_t len, marsad_doc **doc);

#endif
