/*
 * fuzz_name_rules: the user-name rule (fcgi-common/name_rules.c) against its own
 * promises. Properties:
 *   - an accepted name is canonical: applying the rule to its text gives the same
 *     text and skeleton (normalization is idempotent), and the text is NFC, 1 to 30
 *     code points, without surrounding spaces;
 *   - name_rules_normalize (what the search box does) agrees with the accepted text;
 *   - a refused name stays refused once trimmed and normalized (so storing the
 *     normalized form can never let a refused name in);
 *   - every spoof of an accepted name the attack used (NFD, a zero-width space, a bidi
 *     override, full-width letters, Cyrillic/Greek look-alikes, doubled spaces, case)
 *     is either refused or has the same skeleton: it can never sit beside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "name_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A variant of the accepted name must be refused or collide with it. */
static void spoof_must_fail(const struct user_name *orig, const char *v, size_t n)
{
	struct user_name u;
	if (name_rules_apply(v, n, &u) == NAME_OK &&
	    (u.skeleton_len != orig->skeleton_len ||
	     memcmp(u.skeleton, orig->skeleton, u.skeleton_len) != 0))
		abort(); /* a look-alike with a skeleton of its own */
}

/* NFD of text via ICU: must come back to the same name. */
static void nfd_is_same_name(const struct user_name *orig)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
	UChar u[NAME_TEXT_MAX + 1], d[8 * NAME_TEXT_MAX];
	int32_t n = 0, bytes = 0;
	u_strFromUTF8(u, NAME_TEXT_MAX + 1, &n, orig->text, (int32_t)orig->len, &e);
	int32_t m = unorm2_normalize(nfd, u, n, d, (int32_t)(sizeof d / sizeof d[0]), &e);
	char out[4 * 8 * NAME_TEXT_MAX];
	u_strToUTF8(out, (int32_t)sizeof out, &bytes, d, m, &e);
	if (U_FAILURE(e))
		return;
	struct user_name v;
	if (name_rules_apply(out, (size_t)bytes, &v) != NAME_OK)
		return; /* NFD can make a name too long to count? no: counted after NFC */
	if (v.len != orig->len || memcmp(v.text, orig->text, v.len) != 0 ||
	    strcmp(v.skeleton, orig->skeleton) != 0)
		abort();
}

/* Replace each ASCII letter of text that has a look-alike with it. */
static void swap_lookalikes(const struct user_name *orig)
{
	static const struct {
		char ascii;
		const char *other;
	} table[] = {
		{ 'B', "\xd0\x92" }, { 'o', "\xd0\xbe" }, { 'a', "\xd0\xb0" }, { 'e', "\xd0\xb5" },
		{ 'p', "\xd1\x80" }, { 'c', "\xd1\x81" }, { 'A', "\xce\x91" }, { 'O', "0" },
		{ 'l', "I" },        { 'x', "\xd1\x85" }, { 'H', "\xce\x97" }, { 'M', "\xd0\x9c" },
	};
	char v[4 * NAME_TEXT_MAX + 1];
	size_t n = 0;
	for (size_t i = 0; i < orig->len; i++) {
		const char *rep = NULL;
		for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
			if (orig->text[i] == table[k].ascii)
				rep = table[k].other;
		size_t rl = rep ? strlen(rep) : 1;
		if (n + rl > sizeof v)
			return;
		memcpy(v + n, rep ? rep : orig->text + i, rl);
		n += rl;
	}
	spoof_must_fail(orig, v, n);
}

/* Full-width forms of ASCII letters and digits. */
static void full_width(const struct user_name *orig)
{
	char v[3 * NAME_TEXT_MAX + 1];
	size_t n = 0;
	int changed = 0;
	for (size_t i = 0; i < orig->len; i++) {
		unsigned char c = (unsigned char)orig->text[i];
		if (c > 0x20 && c < 0x7F) {
			unsigned cp = 0xFF01 + (c - 0x21);
			v[n++] = (char)(0xE0 | (cp >> 12));
			v[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			v[n++] = (char)(0x80 | (cp & 0x3F));
			changed = 1;
		} else {
			v[n++] = (char)c;
		}
	}
	if (changed)
		spoof_must_fail(orig, v, n);
}

/* The text with ins inserted at byte offset at (a code point boundary). */
static void insert_at(const struct user_name *orig, size_t at, const char *ins)
{
	char v[NAME_TEXT_MAX + 16];
	size_t il = strlen(ins);
	memcpy(v, orig->text, at);
	memcpy(v + at, ins, il);
	memcpy(v + at + il, orig->text + at, orig->len - at);
	spoof_must_fail(orig, v, orig->len + il);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct user_name u;
	enum name_problem p = name_rules_apply(in, size, &u);
	char norm[4 * NAME_INPUT_MAX];
	long nl = name_rules_normalize(in, size, norm, sizeof norm);
	if (p != NAME_OK) {
		if (name_problem_message(p) == NULL)
			abort();
		struct user_name again;
		if (nl >= 0 && name_rules_apply(norm, (size_t)nl, &again) == NAME_OK)
			abort(); /* refused, yet accepted once normalized */
		return 0;
	}
	/* Canonical and idempotent. */
	if (u.len == 0 || u.len > NAME_TEXT_MAX || u.text[u.len] != '\0' || u.skeleton_len == 0 ||
	    u.skeleton_len > NAME_SKELETON_MAX || strlen(u.skeleton) != u.skeleton_len)
		abort();
	if (u.text[0] == ' ' || u.text[u.len - 1] == ' ')
		abort();
	if (nl != (long)u.len || memcmp(norm, u.text, u.len) != 0)
		abort();
	struct user_name again;
	if (name_rules_apply(u.text, u.len, &again) != NAME_OK || again.len != u.len ||
	    memcmp(again.text, u.text, u.len) != 0 || strcmp(again.skeleton, u.skeleton) != 0)
		abort();
	/* The attack's spoofs. */
	nfd_is_same_name(&u);
	swap_lookalikes(&u);
	full_width(&u);
	static const char *const inserts[] = {
		"\xe2\x80\x8b", /* ZERO WIDTH SPACE */
		"\xe2\x80\xae", /* RIGHT-TO-LEFT OVERRIDE */
		"\xe2\x81\xa6", /* LEFT-TO-RIGHT ISOLATE */
		"\xc2\xad",     /* SOFT HYPHEN */
		"\xe3\x85\xa4", /* HANGUL FILLER */
		"\xef\xbb\xbf", /* BYTE ORDER MARK */
	};
	for (size_t i = 0; i < sizeof inserts / sizeof inserts[0]; i++) {
		insert_at(&u, 0, inserts[i]);
		insert_at(&u, u.len, inserts[i]);
		/* Inside, at the first code point boundary after the first character. */
		size_t at = 1;
		while (at < u.len && ((unsigned char)u.text[at] & 0xC0) == 0x80)
			at++;
		if (at < u.len)
			insert_at(&u, at, inserts[i]);
	}
	/* A second space beside each space. */
	for (size_t i = 0; i < u.len; i++)
		if (u.text[i] == ' ') {
			insert_at(&u, i, " ");
			break;
		}
	return 0;
}
