/*
 * name_rules: see name_rules.h for the rule and why each part is there. The work is
 * done in UTF-16 because that is what ICU's normalizer and spoof checker take; the
 * input is first checked with the project's strict UTF-8 decoder (utf8.c), so ICU
 * never has to guess about ill-formed bytes.
 */
#include "name_rules.h"

#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uset.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "utf8.h"

/* UTF-16 units for NAME_INPUT_MAX bytes, and NFC's worst growth (3x) of a name
 * after the length check. */
#define U16_CAP (NAME_INPUT_MAX + 1)

/* ICU's data, opened on the first call. Immutable afterwards (uspoof_check2 and
 * uspoof_getSkeleton take a const checker), so workers forked later share it. */
struct icu {
	int tried;
	const UNormalizer2 *nfc, *nfkc;
	USpoofChecker *spoof;
	const USet *recommended;
};

static const struct icu *icu_get(void)
{
	static struct icu icu;
	if (!icu.tried) {
		icu.tried = 1;
		UErrorCode e = U_ZERO_ERROR;
		icu.nfc = unorm2_getNFCInstance(&e);
		icu.nfkc = unorm2_getNFKCInstance(&e);
		icu.recommended = uspoof_getRecommendedSet(&e);
		icu.spoof = uspoof_open(&e);
		if (U_SUCCESS(e))
			uspoof_setChecks(icu.spoof, USPOOF_INVISIBLE, &e);
		if (U_FAILURE(e)) {
			if (icu.spoof)
				uspoof_close(icu.spoof);
			memset(&icu, 0, sizeof icu);
			icu.tried = 1;
		}
	}
	return icu.spoof ? &icu : NULL;
}

const char *name_problem_message(enum name_problem p)
{
	switch (p) {
	case NAME_OK:
		return NULL;
	case NAME_NOT_UTF8:
		return "must be valid UTF-8";
	case NAME_CONTROL:
		return "must not contain control characters";
	case NAME_LENGTH:
		return "must be 1 to 30 characters";
	case NAME_BIDI:
		return "must not contain text-direction controls";
	case NAME_INVISIBLE:
		return "must not contain invisible or formatting characters";
	case NAME_MARKS:
		return "must not start with an accent or stack many accents on one letter";
	case NAME_COMPAT:
		return "must use plain letters, not full-width or other compatibility forms";
	case NAME_RESTRICTED:
		return "must not contain unassigned, private-use or historic characters";
	case NAME_FAILED:
		return "could not be checked";
	}
	return "is not allowed";
}

static int is_control(UChar32 c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static int is_variation_selector(UChar32 c)
{
	return c == 0xFE0E || c == 0xFE0F;
}

/* Characters that show nothing, or nothing of their own, or move others around:
 * refused (bidi controls have their own message, checked first). */
static int is_invisible(UChar32 c)
{
	int8_t type = u_charType(c);
	return type == U_FORMAT_CHAR || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR ||
	       (type == U_SPACE_SEPARATOR && c != ' ') ||
	       u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
	       c == 0x2800 /* BRAILLE PATTERN BLANK: a blank glyph, not a space */;
}

#define ZWJ    0x200D
#define KEYCAP 0x20E3 /* COMBINING ENCLOSING KEYCAP: 1 U+FE0F U+20E3 is an emoji */

/*
 * Steps 1-3 into u (capacity U16_CAP): validity, controls, trim, NFC. Returns the
 * length in UTF-16 units, or -(problem).
 */
static int32_t canonical(const struct icu *icu, const char *in, size_t len, UChar *u)
{
	if (len > NAME_INPUT_MAX)
		return -NAME_LENGTH;
	if (utf8_count(in, len) < 0)
		return -NAME_NOT_UTF8;
	if (utf8_has_control(in, len))
		return -NAME_CONTROL;
	UChar raw[U16_CAP];
	int32_t n = 0;
	UErrorCode e = U_ZERO_ERROR;
	u_strFromUTF8(raw, U16_CAP, &n, in, (int32_t)len, &e);
	if (U_FAILURE(e))
		return -NAME_FAILED;
	int32_t start = 0, end = n;
	while (start < end) {
		UChar32 c;
		int32_t at = start;
		U16_NEXT(raw, at, end, c);
		if (!u_isUWhiteSpace(c))
			break;
		start = at;
	}
	while (end > start) {
		UChar32 c;
		int32_t at = end;
		U16_PREV(raw, start, at, c);
		if (!u_isUWhiteSpace(c))
			break;
		end = at;
	}
	int32_t m = unorm2_normalize(icu->nfc, raw + start, end - start, u, U16_CAP, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR)
		return -NAME_LENGTH;
	if (U_FAILURE(e))
		return -NAME_FAILED;
	return m;
}

/* Step 5 over the normalized u[0..n): the first refusal, or NAME_OK. */
static enum name_problem refusals(const struct icu *icu, const UChar *u, int32_t n)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar32 prev = 0;
	int marks = 0;
	for (int32_t i = 0; i < n;) {
		UChar32 c;
		U16_NEXT(u, i, n, c);
		UChar32 next = 0;
		if (i < n)
			U16_GET(u, 0, i, n, next);
		int8_t type = u_charType(c);
		if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
			return NAME_BIDI;
		int emoji_glue =
		        (is_variation_selector(c) && u_hasBinaryProperty(prev, UCHAR_EMOJI)) ||
		        (c == ZWJ &&
		         (u_hasBinaryProperty(prev, UCHAR_EXTENDED_PICTOGRAPHIC) ||
		          u_hasBinaryProperty(prev, UCHAR_EMOJI_MODIFIER) ||
		          is_variation_selector(prev)) &&
		         u_hasBinaryProperty(next, UCHAR_EXTENDED_PICTOGRAPHIC)) ||
		        (c == KEYCAP && is_variation_selector(prev));
		if (!emoji_glue && is_invisible(c))
			return NAME_INVISIBLE;
		if (type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR || type == U_SURROGATE)
			return NAME_RESTRICTED;
		int is_mark = type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
		              type == U_COMBINING_SPACING_MARK;
		if (is_mark && !emoji_glue) {
			if (prev == 0 || ++marks > NAME_MAX_MARKS)
				return NAME_MARKS;
		} else {
			marks = 0;
		}
		/* Letters, marks and digits: UTS #39's recommended set only. Symbols,
		 * punctuation and emoji have no script to confuse; the skeleton covers
		 * their look-alikes. */
		int letterlike =
		        (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
		if (letterlike && !emoji_glue && !uset_contains(icu->recommended, c))
			return is_mark || unorm2_isNormalized(icu->nfkc, u + i - U16_LENGTH(c),
			                                      U16_LENGTH(c), &e)
			               ? NAME_RESTRICTED
			               : NAME_COMPAT;
		prev = c;
	}
	if (!unorm2_isNormalized(icu->nfkc, u, n, &e))
		return U_FAILURE(e) ? NAME_FAILED : NAME_COMPAT;
	/* The same nonspacing mark twice on one letter, and what else ICU counts as
	 * invisible in context. */
	int32_t checks = uspoof_check2(icu->spoof, u, n, NULL, &e);
	if (U_FAILURE(e))
		return NAME_FAILED;
	if (checks & USPOOF_INVISIBLE)
		return NAME_MARKS;
	return NAME_OK;
}

/* The folded skeleton of u[0..n) as UTF-8 into out. */
static enum name_problem skeleton(const struct icu *icu, const UChar *u, int32_t n,
                                  struct user_name *out)
{
	UErrorCode e = U_ZERO_ERROR;
	UChar sk[4 * NAME_SKELETON_MAX], folded[4 * NAME_SKELETON_MAX];
	int32_t k = uspoof_getSkeleton(icu->spoof, 0, u, n, sk, (int32_t)(sizeof sk / sizeof sk[0]),
	                               &e);
	if (U_SUCCESS(e))
		k = u_strFoldCase(folded, (int32_t)(sizeof folded / sizeof folded[0]), sk, k,
		                  U_FOLD_CASE_DEFAULT, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR)
		return NAME_LENGTH;
	if (U_FAILURE(e))
		return NAME_FAILED;
	/* Drop the emoji glue and squeeze spaces, in place. */
	int32_t j = 0;
	for (int32_t i = 0; i < k;) {
		UChar32 c;
		U16_NEXT(folded, i, k, c);
		if (is_variation_selector(c) || c == ZWJ)
			continue;
		if (c == ' ' && j > 0 && folded[j - 1] == ' ')
			continue;
		U16_APPEND_UNSAFE(folded, j, c);
	}
	int32_t bytes = 0;
	u_strToUTF8(out->skeleton, (int32_t)sizeof out->skeleton, &bytes, folded, j, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR || e == U_STRING_NOT_TERMINATED_WARNING ||
	    bytes > NAME_SKELETON_MAX)
		return NAME_LENGTH;
	if (U_FAILURE(e))
		return NAME_FAILED;
	out->skeleton_len = (size_t)bytes;
	return NAME_OK;
}

enum name_problem name_rules_apply(const char *in, size_t len, struct user_name *out)
{
	const struct icu *icu = icu_get();
	if (!icu)
		return NAME_FAILED;
	UChar u[U16_CAP];
	int32_t n = canonical(icu, in, len, u);
	if (n < 0)
		return (enum name_problem) - n;
	int32_t chars = u_countChar32(u, n);
	if (chars < 1 || chars > USER_NAME_MAX_CHARS)
		return NAME_LENGTH;
	enum name_problem p = refusals(icu, u, n);
	if (p != NAME_OK)
		return p;
	UErrorCode e = U_ZERO_ERROR;
	int32_t bytes = 0;
	u_strToUTF8(out->text, (int32_t)sizeof out->text, &bytes, u, n, &e);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING)
		return NAME_FAILED; /* cannot happen: 30 code points fit */
	out->len = (size_t)bytes;
	return skeleton(icu, u, n, out);
}

long name_rules_normalize(const char *in, size_t len, char *out, size_t cap)
{
	const struct icu *icu = icu_get();
	if (!icu || cap == 0)
		return -1;
	UChar u[U16_CAP];
	int32_t n = canonical(icu, in, len, u);
	if (n < 0)
		return -1;
	UErrorCode e = U_ZERO_ERROR;
	int32_t bytes = 0;
	u_strToUTF8(out, (int32_t)cap, &bytes, u, n, &e);
	if (U_FAILURE(e) || (size_t)bytes >= cap)
		return -1;
	return bytes;
}

void name_rules_describe(const char *in, size_t len, char *out, size_t cap)
{
	size_t at = 0;
	if (cap == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < len;) {
		char piece[16];
		size_t take = 1;
		long one = -1;
		/* The longest valid sequence here (1 to 4 bytes). */
		for (size_t k = 1; k <= 4 && i + k <= len; k++)
			if ((one = utf8_count(in + i, k)) == 1) {
				take = k;
				break;
			}
		if (one != 1) {
			snprintf(piece, sizeof piece, "\\x%02X", (unsigned char)in[i]);
		} else {
			UChar32 c;
			int32_t off = 0;
			U8_NEXT((const uint8_t *)in + i, off, (int32_t)take, c);
			int8_t type = u_charType(c);
			if (c == '\\')
				snprintf(piece, sizeof piece, "\\\\");
			else if (is_control(c) || u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL) ||
			         is_invisible(c) || type == U_UNASSIGNED ||
			         type == U_PRIVATE_USE_CHAR)
				snprintf(piece, sizeof piece, "\\u{%04X}", (unsigned)c);
			else
				snprintf(piece, sizeof piece, "%.*s", (int)take, in + i);
		}
		size_t pl = strlen(piece);
		if (at + pl + 1 > cap)
			break;
		memcpy(out + at, piece, pl + 1);
		at += pl;
		i += take;
	}
}
