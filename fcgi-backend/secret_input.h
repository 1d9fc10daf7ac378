/*
 * secret_input: how the command line takes a password — from a file (the first line:
 * a Kubernetes Secret mounted as a file, an Ansible-managed file) or from standard
 * input (a pipe, or a terminal with echo turned off), never from argv, which every
 * user of the machine can read in /proc/PID/cmdline and which shells keep in history.
 */
#ifndef BACKEND_SECRET_INPUT_H
#define BACKEND_SECRET_INPUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Read one line from in: up to the first newline (a trailing "\r\n" or "\n" is not
 * part of the secret) or the end. When in is a terminal, prompt (on the terminal's
 * stderr) and turn echo off while reading. Returns the length, or -1 with the reason
 * in why: nothing to read, a line longer than cap - 1 bytes (never truncated: a cut
 * password would differ from what the person typed), a NUL byte.
 */
long secret_read_stream(FILE *in, const char *prompt, char *out, size_t cap, char *why,
                        size_t whylen);

/* The same from the file at path ("-": standard input). */
long secret_read_file(const char *path, const char *prompt, char *out, size_t cap, char *why,
                      size_t whylen);

#endif
