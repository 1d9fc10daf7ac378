/*
 * Unit tests of the user-name rule (fcgi-common/name_rules.c): every impersonation
 * the attack on the running stack found (issue 20, point 3) is refused or meets its
 * original under the skeleton, and the names people really have still pass.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "name_rules.h"

static enum name_problem apply(const char *s, struct user_name *u)
{
	return name_rules_apply(s, strlen(s), u);
}

/* Assert that s passes, and return its canonical text and skeleton. */
static struct user_name accepted(const char *s)
{
	struct user_name u;
	enum name_problem p = apply(s, &u);
	ck_assert_msg(p == NAME_OK, "\"%s\" refused: %s", s, name_problem_message(p));
	return u;
}

static void refused(const char *s, enum name_problem want)
{
	struct user_name u;
	enum name_problem p = apply(s, &u);
	ck_assert_msg(p == want, "\"%s\": got %d (%s), want %d (%s)", s, p,
	              p ? name_problem_message(p) : "accepted", want, name_problem_message(want));
}

static void same_skeleton(const char *a, const char *b)
{
	struct user_name x = accepted(a), y = accepted(b);
	ck_assert_msg(strcmp(x.skeleton, y.skeleton) == 0, "\"%s\" (%s) and \"%s\" (%s) differ", a,
	              x.skeleton, b, y.skeleton);
}

static void different_skeleton(const char *a, const char *b)
{
	struct user_name x = accepted(a), y = accepted(b);
	ck_assert_msg(strcmp(x.skeleton, y.skeleton) != 0, "\"%s\" and \"%s\" collide (%s)", a, b,
	              x.skeleton);
}

START_TEST(nfc_and_nfd_are_one_name)
{
	struct user_name nfc = accepted("Jos\u00E9"), nfd = accepted("Jose\u0301");
	ck_assert_str_eq(nfd.text, "Jos\u00E9"); /* stored as NFC */
	ck_assert_uint_eq(nfd.len, 5);
	ck_assert_str_eq(nfc.text, nfd.text);
	ck_assert_str_eq(nfc.skeleton, nfd.skeleton);
	different_skeleton("Jos\u00E9", "Jose"); /* an accent still makes another name */
}
END_TEST

START_TEST(zero_width_and_invisible_refused)
{
	refused("Bob\u200B", NAME_INVISIBLE);       /* Bob U+200B ZERO WIDTH SPACE */
	refused("B\u200Cob", NAME_INVISIBLE);       /* U+200C ZWNJ inside */
	refused("Bo\u2060b", NAME_INVISIBLE);       /* U+2060 WORD JOINER */
	refused("\uFEFFBob", NAME_INVISIBLE);       /* U+FEFF BOM */
	refused("Bob\u00AD", NAME_INVISIBLE);       /* U+00AD SOFT HYPHEN */
	refused("B\u034Fob", NAME_INVISIBLE);       /* U+034F COMBINING GRAPHEME JOINER */
	refused("Anne\u00A0Marie", NAME_INVISIBLE); /* NO-BREAK SPACE inside */
	refused("Anne\u3000Marie", NAME_INVISIBLE); /* IDEOGRAPHIC SPACE inside */
	refused("Bob\u2028x", NAME_INVISIBLE);      /* LINE SEPARATOR */
	refused("Bob\U000E0001", NAME_INVISIBLE);   /* U+E0001 LANGUAGE TAG */
	refused("a\uFE0F", NAME_INVISIBLE);         /* a variation selector after a letter */
}
END_TEST

START_TEST(names_made_only_of_invisible_characters)
{
	refused("\u3164", NAME_INVISIBLE);       /* U+3164 HANGUL FILLER */
	refused("\u115F", NAME_INVISIBLE);       /* U+115F HANGUL CHOSEONG FILLER */
	refused("\uFFA0", NAME_INVISIBLE);       /* U+FFA0 HALFWIDTH HANGUL FILLER */
	refused("\u2800\u2800", NAME_INVISIBLE); /* U+2800 BRAILLE PATTERN BLANK */
	refused("\u200B\u200B", NAME_INVISIBLE); /* zero width spaces only */
	refused("\u180E", NAME_INVISIBLE);       /* U+180E MONGOLIAN VOWEL SEPARATOR */
	/* Spaces only: trimmed to nothing. */
	refused("   ", NAME_LENGTH);
	refused("\u00A0\u3000\u2003", NAME_LENGTH);
	refused("", NAME_LENGTH);
}
END_TEST

START_TEST(bidi_controls_refused)
{
	refused("\u202EboB", NAME_BIDI); /* U+202E RIGHT-TO-LEFT OVERRIDE: shows "Bob" */
	refused("Bob\u202D", NAME_BIDI); /* U+202D LRO */
	refused("\u202ABob", NAME_BIDI); /* U+202A LRE */
	refused("\u202CBob", NAME_BIDI); /* U+202C PDF */
	refused("\u2066Bob", NAME_BIDI); /* U+2066 LRI */
	refused("\u2069Bob", NAME_BIDI); /* U+2069 PDI */
	refused("Bob\u200F", NAME_BIDI); /* U+200F RLM */
	refused("Bob\u200E", NAME_BIDI); /* U+200E LRM */
	refused("\u061CBob", NAME_BIDI); /* U+061C ARABIC LETTER MARK */
}
END_TEST

START_TEST(confusables_share_a_skeleton)
{
	/* Cyrillic В (U+0412) and о (U+043E) with a Latin b. */
	struct user_name cyr = accepted("\u0412\u043Eb");
	ck_assert_str_eq(cyr.text, "\u0412\u043Eb"); /* stored as typed */
	same_skeleton("\u0412\u043Eb", "Bob");
	same_skeleton("\u0412\u041E\u0412", "BOB"); /* all Cyrillic capitals */
	same_skeleton("B0b", "Bob");                /* digit zero */
	same_skeleton("Ian", "lan");                /* capital I, small L */
	same_skeleton("Tim", "Tirn");               /* m and r n */
	same_skeleton("Bob", "BOB");                /* case, as before */
	same_skeleton("Bob", "bob");
	same_skeleton("Bob Smith", "Bob  Smith"); /* HTML shows both as one space */
	same_skeleton("\u0391nn", "Ann");         /* Greek capital alpha */
}
END_TEST

START_TEST(compatibility_forms_refused)
{
	refused("\uFF22\uFF4F\uFF42", NAME_COMPAT); /* full-width Ｂｏｂ */
	refused("Bob\uFF01", NAME_COMPAT);          /* full-width ! */
	refused("\U0001D401ob", NAME_COMPAT);       /* U+1D401 MATHEMATICAL BOLD B */
	refused("\uFB01nn", NAME_COMPAT);           /* U+FB01 ﬁ ligature */
	refused("Bob\u00B2", NAME_COMPAT);          /* superscript two */
	refused("\u24B7ob", NAME_COMPAT);           /* U+24B7 CIRCLED B */
	refused("\uFF71", NAME_COMPAT);             /* half-width katakana A */
}
END_TEST

START_TEST(marks_and_restricted_scripts)
{
	refused("\u0301Bob", NAME_MARKS);     /* starts with U+0301 */
	refused("e\u0301\u0301", NAME_MARKS); /* the same accent twice */
	/* x has no precomposed forms: NFC leaves every mark in place. */
	refused("x\u0300\u0301\u0302\u0303\u0304", NAME_MARKS); /* five stacked */
	accepted("x\u0300\u0301\u0302\u0303");                  /* four is the limit */
	refused("\u13F4\u13BE\u13F4", NAME_RESTRICTED);         /* Cherokee ᏴᎾᏴ */
	refused("Bob\uE000", NAME_RESTRICTED);                  /* U+E000 private use */
	refused("Bob\u0378", NAME_RESTRICTED);                  /* U+0378 unassigned */
	refused("\U00010330", NAME_RESTRICTED);                 /* U+10330 GOTHIC LETTER AHSA */
}
END_TEST

START_TEST(controls_and_bytes)
{
	refused("Bob\n", NAME_CONTROL);
	refused("\tBob", NAME_CONTROL);
	refused("B\x7fob", NAME_CONTROL);
	refused("Bob\xc2\x85", NAME_CONTROL); /* NEL, a C1 control */
	refused("\xff", NAME_NOT_UTF8);
	refused("\xc0\xaf", NAME_NOT_UTF8);         /* overlong '/' */
	refused("\xed\xa0\x80", NAME_NOT_UTF8);     /* a surrogate */
	refused("\xf4\x90\x80\x80", NAME_NOT_UTF8); /* past U+10FFFF */
	struct user_name u;
	ck_assert_int_eq(name_rules_apply("Bob\0x", 5, &u), NAME_CONTROL); /* NUL inside */
	char big[NAME_INPUT_MAX + 2];
	memset(big, 'a', sizeof big);
	ck_assert_int_eq(name_rules_apply(big, sizeof big, &u), NAME_LENGTH);
}
END_TEST

START_TEST(trimmed_and_counted)
{
	struct user_name u = accepted("  Bob  ");
	ck_assert_str_eq(u.text, "Bob");
	u = accepted("\u00A0Bob\u3000"); /* NBSP before, ideographic space after */
	ck_assert_str_eq(u.text, "Bob");
	accepted("abcdefghijklmnopqrstuvwxyzabcd"); /* 30 */
	refused("abcdefghijklmnopqrstuvwxyzabcde", NAME_LENGTH);
	/* 30 four-byte characters: 120 bytes, 30 characters. */
	char emoji[4 * 30 + 1] = "";
	for (int i = 0; i < 30; i++)
		strcat(emoji, "\U0001F600");
	u = accepted(emoji);
	ck_assert_uint_eq(u.len, 120);
	/* Counted after NFC: 30 letters with accents typed as two code points each. */
	char nfd[3 * 30 + 1] = "";
	for (int i = 0; i < 30; i++)
		strcat(nfd, "e\u0301");
	u = accepted(nfd);
	ck_assert_uint_eq(u.len, 60);
}
END_TEST

START_TEST(real_names_pass)
{
	static const char *const names[] = {
		"Bob",
		"Jay",
		"Matt",
		"Ferg",
		"Mo",
		"O'Brien",
		"Anne-Marie",
		"Mary Jane",
		"Zo\u00EB",                                         /* Zoë */
		"\u00D8rsted",                                      /* Ørsted */
		"Nguy\u1EC5n V\u0103n",                             /* Nguyễn Văn */
		"\u674E\u5C0F\u9F99",                               /* 李小龙 */
		"\uAE40\uBBFC\uC900",                               /* 김민준 */
		"\u0645\u062D\u0645\u062F",                         /* محمد */
		"\u05E9\u05DC\u05D5\u05DD",                         /* שלום */
		"\u0394\u03B7\u03BC\u03AE\u03C4\u03C1\u03B7\u03C2", /* Δημήτρης */
		"\u0418\u0432\u0430\u043D",                         /* Иван */
		"\u0930\u093E\u091C\u0947\u0936",                   /* राजेश */
		"\U0001F600",                                       /* 😀 */
		"\U0001F389",                                       /* 🎉 */
		"\u2764\uFE0F",                                     /* ❤️ with VS16 */
		"\U0001F468\u200D\U0001F469\u200D\U0001F467",       /* 👨‍👩‍👧
		                                                     */
		"\U0001F44D\U0001F3FD",                             /* 👍🏽 */
		"1\uFE0F\u20E3",                                    /* 1️⃣ keycap */
		"<script>alert(1)</script>",
		"'; DROP TABLE users; --",
		"100%_!",
		"a\\b\"c",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct user_name u = accepted(names[i]);
		ck_assert_str_eq(u.text, names[i]); /* already canonical: stored as sent */
		ck_assert_uint_eq(u.len, strlen(names[i]));
		ck_assert_uint_gt(u.skeleton_len, 0);
		ck_assert_uint_le(u.skeleton_len, NAME_SKELETON_MAX);
	}
	different_skeleton("\U0001F600", "\U0001F389"); /* 😀 and 🎉 are two */
	same_skeleton("\u2764\uFE0F", "\u2764");        /* ❤️ and ❤ are one */
	different_skeleton("Bob", "Rob");
}
END_TEST

START_TEST(messages)
{
	ck_assert_ptr_null(name_problem_message(NAME_OK));
	for (int p = NAME_NOT_UTF8; p <= NAME_FAILED; p++) {
		const char *m = name_problem_message((enum name_problem)p);
		ck_assert_ptr_nonnull(m);
		ck_assert_msg(strncmp(m, "must ", 5) == 0 || strncmp(m, "could ", 6) == 0, "%s", m);
	}
	ck_assert_str_eq(name_problem_message(NAME_LENGTH), "must be 1 to 30 characters");
}
END_TEST

START_TEST(normalize_for_search)
{
	char out[64];
	ck_assert_int_eq(name_rules_normalize(" Jose\u0301 ", 8, out, sizeof out), 5);
	ck_assert_str_eq(out, "Jos\u00E9");
	ck_assert_int_eq(name_rules_normalize("\xff", 1, out, sizeof out), -1);
	ck_assert_int_eq(name_rules_normalize("abc", 3, out, 3), -1); /* no room for NUL */
	ck_assert_int_eq(name_rules_normalize("", 0, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(describe_spells_out_the_invisible)
{
	char out[128];
	name_rules_describe("Bob\u200B", 6, out, sizeof out);
	ck_assert_str_eq(out, "Bob\\u{200B}");
	name_rules_describe("\u202EboB", 6, out, sizeof out);
	ck_assert_str_eq(out, "\\u{202E}boB");
	name_rules_describe("a\xff"
	                    "b\\",
	                    4, out, sizeof out);
	ck_assert_str_eq(out, "a\\xFFb\\\\");
	name_rules_describe("Jos\u00E9 \u0412", 8, out, sizeof out);
	ck_assert_str_eq(out, "Jos\u00E9 \u0412"); /* visible characters as they are */
	name_rules_describe("abcdef", 6, out, 4);
	ck_assert_str_eq(out, "abc"); /* cut, terminated */
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { nfc_and_nfd_are_one_name,
		                            zero_width_and_invisible_refused,
		                            names_made_only_of_invisible_characters,
		                            bidi_controls_refused,
		                            confusables_share_a_skeleton,
		                            compatibility_forms_refused,
		                            marks_and_restricted_scripts,
		                            controls_and_bytes,
		                            trimmed_and_counted,
		                            real_names_pass,
		                            messages,
		                            normalize_for_search,
		                            describe_spells_out_the_invisible,
		                            NULL };
	Suite *s = check_suite(
	        "name_rules",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
