/*
 * fuzz_log_line: log lines from hostile values (log_line.c). The input is split at
 * '\x1f' bytes into up to 8 values (the first is also tried as the message). Properties, for both
 * formats: one line, at most LOG_LINE_MAX bytes, valid UTF-8. JSON: cJSON parses it and every field
 * is a string; a value that was valid UTF-8 and short comes back unchanged. Text: a strict logfmt
 * reader (below) finds exactly the keys written, in order, and the same round trip holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "log_line.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };

/* Reads the value after "key=" at *p (quoted or not), unescaping into out; 0 or -1. */
static int logfmt_value(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;
	if (*s != '"') {
		while (*s && *s != ' ' && *s != '\n') {
			if (*s == '"' || *s == '=' || n + 1 >= cap)
				return -1;
			out[n++] = *s++;
		}
	} else {
		for (s++; *s != '"'; s++) {
			if (!*s || *s == '\n' || n + 7 >= cap)
				return -1;
			if (*s != '\\') {
				out[n++] = *s;
				continue;
			}
			s++;
			if (*s == 'n')
				out[n++] = '\n';
			else if (*s == 'r')
				out[n++] = '\r';
			else if (*s == 't')
				out[n++] = '\t';
			else if (*s == '"' || *s == '\\')
				out[n++] = *s;
			else if (*s == 'u') {
				unsigned cp = (unsigned)strtoul(
				        (char[5]){ s[1], s[2], s[3], s[4], 0 }, NULL, 16);
				if (cp < 0x80)
					out[n++] = (char)cp;
				else { /* C1 control as UTF-8 */
					out[n++] = (char)0xC2;
					out[n++] = (char)cp;
				}
				s += 4;
			} else
				return -1;
		}
		s++;
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 20000)
		return 0;
	char *in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';
	char *parts[9];
	size_t nparts = 0;
	char *save = NULL;
	for (char *t = strtok_r(in, "\x1f", &save); t && nparts < 9;
	     t = strtok_r(NULL, "\x1f", &save))
		parts[nparts++] = t;
	static const char fixed_msg[] = "m";
	struct log_line_head h = { "2026-01-01T00:00:00.000Z", "info", "fuzz", 1, fixed_msg };
	struct log_field f[8];
	size_t nf = nparts > 8 ? 8 : nparts;
	for (size_t i = 0; i < nf; i++)
		f[i] = (struct log_field){ keys[i], parts[i] };

	static char line[LOG_LINE_MAX + 1];
	/* Once with the first part as the message (one line, size, UTF-8, JSON), once with
	 * a fixed message so that the text line can be read back strictly. */
	for (int round = 0; round < 2; round++) {
		h.msg = round == 0 && nparts ? parts[0] : fixed_msg;
		for (int json = 0; json <= 1; json++) {
			size_t len = log_line_build(line, json, &h, f, nf);
			if (len == 0 || len > LOG_LINE_MAX || line[len - 1] != '\n' ||
			    strchr(line, '\n') != line + len - 1 || utf8_count(line, len) < 0)
				abort();
			if (json) {
				cJSON *o = cJSON_Parse(line);
				if (!o)
					abort();
				for (size_t i = 0; i < nf; i++) {
					cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
					if (!cJSON_IsString(v))
						abort();
					size_t vl = strlen(f[i].value);
					if (vl < 100 && utf8_count(f[i].value, vl) >= 0 &&
					    strcmp(v->valuestring, f[i].value) != 0)
						abort();
				}
				cJSON_Delete(o);
				continue;
			}
			/* Text, read strictly left to right: the fixed message, then " k0=v0
			 * k1=v1…\n". */
			if (h.msg != fixed_msg)
				continue;
			const char *p = strstr(line, "]: m");
			if (!p)
				abort();
			p += 4;
			static char val[LOG_LINE_MAX * 2];
			for (size_t i = 0; i < nf; i++) {
				char want[8];
				size_t wl = (size_t)snprintf(want, sizeof want, " %s=", keys[i]);
				if (strncmp(p, want, wl) != 0)
					abort();
				p += wl;
				if (logfmt_value(&p, val, sizeof val) != 0)
					abort();
				size_t vl = strlen(f[i].value);
				if (vl < 100 && utf8_count(f[i].value, vl) >= 0 &&
				    strcmp(val, f[i].value) != 0)
					abort();
			}
			if (strcmp(p, "\n") != 0)
				abort();
		}
	}
	free(in);
	return 0;
}
