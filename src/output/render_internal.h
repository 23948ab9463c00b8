/*
 * render_internal.h — render.c's JSON record writer and the fast path of
 * its string writer, open to the tests: they check them against jansson and
 * against the rule the fast path stands for, byte by byte.
 */
#ifndef MARSAD_RENDER_INTERNAL_H
#define MARSAD_RENDER_INTERNAL_H

#include "marsad.h"

#include <stddef.h>

/* The JSON Lines record of ev (without its newline), as
 * marsad_events_render writes it, ev's evidence spans being offsets into
 * text[0..tlen); malloc'd, NULL when memory runs out. Here ev's strings need
 * not be UTF-8 (those of a marsad_events are, but not those of a model). */
char *render_json_event(const marsad_event *ev, const char *text, size_t tlen);

/* How many bytes from p the JSON string writer copies at once: those of a
 * window of render_json_width() bytes up to the first that is not ASCII
 * needing no escape ('"', '\\' or a control character) or part of a whole
 * two-byte UTF-8 sequence (lead C2..DF, then a continuation byte), leaving
 * out a lead whose continuation is past the window; 0 sends the writer to
 * read one character at a time. p starts a character (p[-1] and p[0] are
 * not such a lead and its continuation) and left bytes of the string follow
 * it; when left is less than the width, the window is those bytes and the
 * width - left bytes before p are read too (the writer has them whenever
 * the string is at least the width long). */
size_t render_json_run(const char *p, size_t left);
size_t render_json_width(void);

/* The same on eight-byte words (the writer's way without SSE2). */
size_t render_json_run_words(const char *p, size_t left);

#endif
