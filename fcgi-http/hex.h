/*
 * hex: bytes as lowercase hex digits and back — signatures, random tokens and the
 * flash cookie's text. Percent-encoding (urlencoded.c) reads its digits with
 * hex_value too.
 */
#ifndef FCGI_HEX_H
#define FCGI_HEX_H

#include <stddef.h>

/* n bytes of in as 2n lowercase hex digits and a NUL into out (2n + 1 bytes). */
void hex_encode(const void *in, size_t n, char *out);

/* The value of one hex digit (0-9, a-f, A-F), or -1. */
int hex_value(char c);

/* 2n hex digits of in into n bytes of out. 0, or -1 when a digit is not hex. */
int hex_decode(const char *in, size_t n, void *out);

#endif
