/*
 * name_rules: what a user name may be, in its one canonical form, and the key that
 * says when two names look alike. Both services call name_rules_apply() (the backend
 * before it stores a name, the frontend before it sends one), and the migration
 * runner calls it over an existing table, so all three agree byte for byte.
 *
 * The rule, in order (each refusal has its own message, see name_problem_message):
 *
 *   1. valid UTF-8 (strict), no control characters (C0, DEL, C1);
 *   2. White_Space at either end is trimmed (the API documents it: " Bob " is "Bob");
 *   3. Unicode Normalization Form C (UAX #15): "José" typed as e + U+0301 is stored as
 *      the same bytes as "José" typed with U+00E9;
 *   4. 1 to USER_NAME_MAX_CHARS code points of the normalized form;
 *   5. refused, after Unicode's identifier and security profiles (UAX #31, UTS #39),
 *      adapted to display names (spaces, ASCII punctuation and emoji stay allowed):
 *      bidi controls (Bidi_Control: U+202E turns "boB" into "Bob" on screen);
 *      format and invisible characters (General_Category Cf, Zl, Zp, spaces other
 *      than U+0020, Default_Ignorable_Code_Point, U+2800 BRAILLE PATTERN BLANK) except
 *      a variation selector after an emoji and a ZWJ between two emoji;
 *      a combining mark at the start or more than NAME_MAX_MARKS in a row, and the
 *      same mark twice on one letter (uspoof's USPOOF_INVISIBLE check);
 *      compatibility forms (Identifier_Type Not_NFKC: full-width "Ｂｏｂ", ligatures,
 *      mathematical letters, superscripts);
 *      letters, marks and digits outside UTS #39's recommended set (Identifier_Status
 *      Restricted: historic and limited-use scripts), unassigned and private-use code
 *      points.
 *
 * The skeleton is UTS #39's confusable skeleton (ICU uspoof_getSkeleton: "Воb" with
 * Cyrillic В and о, "B0b" and "Bob" all become "Bob"), then case-folded (so "BOB"
 * and "Воb" meet too), with variation selectors and ZWJ dropped and runs of spaces
 * made one (HTML shows "a  b" as "a b"). The database holds it in a unique column:
 * a name whose skeleton is taken is refused like a taken name (409).
 *
 * ICU (Debian's libicu) holds the Unicode data; its checker is immutable once opened
 * and opened once per process (the first call), which is why there is no handle to
 * pass around.
 */
#ifndef FCGI_NAME_RULES_H
#define FCGI_NAME_RULES_H

#include <stddef.h>

#include "users_contract.h"

/* Bytes of the normalized name: USER_NAME_MAX_CHARS code points of at most 4 bytes. */
#define NAME_TEXT_MAX USER_NAME_MAX_BYTES
/* Bytes of a skeleton: the database column (VARBINARY(720), sql/005) holds this
 * many; with ICU 72's data the longest a 30-character name makes is 630. */
#define NAME_SKELETON_MAX 720
/* Combining marks in a row after one base character (Vietnamese needs 2, Hebrew
 * with points and Tibetan stacks 3). */
#define NAME_MAX_MARKS 4
/* Input longer than this is refused before any work (as too long). */
#define NAME_INPUT_MAX 1024

enum name_problem {
	NAME_OK = 0,
	NAME_NOT_UTF8,
	NAME_CONTROL,
	NAME_LENGTH,
	NAME_BIDI,
	NAME_INVISIBLE,
	NAME_MARKS,
	NAME_COMPAT,
	NAME_RESTRICTED,
	NAME_FAILED, /* ICU could not do its part (out of memory, missing data) */
};

/* A name that passed: its canonical text (trimmed, NFC) and its skeleton. */
struct user_name {
	char text[NAME_TEXT_MAX + 1];
	size_t len;
	char skeleton[NAME_SKELETON_MAX + 1];
	size_t skeleton_len;
};

/*
 * Apply the rule to len bytes at in. NAME_OK fills out; anything else says why the
 * name is refused (out is then unspecified).
 */
enum name_problem name_rules_apply(const char *in, size_t len, struct user_name *out);

/* The message for a refusal, a fragment for "The name …": "must be 1 to 30
 * characters". NULL for NAME_OK. */
const char *name_problem_message(enum name_problem p);

/* Trim and normalize only (steps 1-3, without the refusals of 4-5), into out
 * (capacity cap, NUL-terminated): what a search box does with its text so that a
 * prefix typed in NFD finds names stored in NFC. Returns the length, or -1 when the
 * input is not valid UTF-8, too long for out, or ICU failed. */
long name_rules_normalize(const char *in, size_t len, char *out, size_t cap);

/* "Bob\u200b" as "Bob\u{200B}": every code point that is not a printable character
 * of the rule (controls, invisible, bidi, non-ASCII spaces) spelled out, so that
 * reports to a terminal show what a name holds. Invalid bytes as \xFF. */
void name_rules_describe(const char *in, size_t len, char *out, size_t cap);

#endif
