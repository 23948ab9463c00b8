/*
 * jsonl.h — one JSON Lines article read without passing its long "text"
 * string through jansson's lexer.
 *
 * jansson reads a string one byte at a time through its stream layer (UTF-8
 * checks, a position counter and a buffer append for every byte, then a
 * second copy), about 160 instructions per byte of Arabic text: on a JSON
 * Lines corpus that is a third of all the time extraction takes. Here the
 * line is split instead: the top-level "text" member's string is decoded in
 * one pass, and jansson parses the rest of the line (the metadata, a few
 * hundred bytes) with that string replaced by null. When the other members
 * are all strings (the usual id, published, source, url, title; up to 16,
 * short), they are decoded the same way and the object is made with
 * jansson's constructors, without its parser.
 *
 * The split is taken only when it is sure to give what
 * json_loadb(line, len, JSON_ALLOW_NUL) gives: the line is an object whose
 * top-level keys are written without escapes, exactly one of them is "text"
 * and its value is a string, that string is valid (strict UTF-8, no control
 * byte, known escapes, paired surrogates) and the rest parses. Otherwise
 * jsonl_load_split declines and the caller parses the whole line with
 * json_loadb, as it would have anyway. fuzz/fuzz_jsonl.c and
 * tests/test_io.c check that both ways agree.
 */
#ifndef MARSAD_JSONL_H
#define MARSAD_JSONL_H

#include <jansson.h>
#include <stddef.h>

/* Parses the line s[0..len) (no newline) as above. On success returns the
 * object (the caller json_decref's it), whose "text" member is null, and sets
 * *text to a malloc'd NUL-terminated copy of the decoded string (the caller
 * frees it; it may hold NUL bytes written as \u0000) and *text_len to its
 * length. Returns NULL, with *text NULL, when the split does not apply or
 * memory runs out: the caller then uses json_loadb. */
json_t *jsonl_load_split(const char *s, size_t len, char **text, size_t *text_len);

/* For tests and the fuzzer: whether jsonl_load_split and
 * json_loadb(s, len, JSON_ALLOW_NUL) agree on the line: 1 when the split
 * declines, or when it applies and json_loadb gives the same object with the
 * same "text"; 0 when they differ. *applied (may be NULL) tells whether the
 * split applied. */
int jsonl_split_agrees(const char *s, size_t len, int *applied);

#endif
