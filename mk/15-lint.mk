# make lint: formatting (clang-format, check mode), static analysis (cppcheck) and
# shell scripts (shellcheck, and no pipe into grep -q under pipefail). Part of `make test`.
C_FILES = $(wildcard fcgi-pool/*.[ch] fcgi-http/*.[ch] contract/*.[ch] fcgi-backend/*.[ch] \
	fcgi-frontend/*.[ch] tests/*/*.[ch] bench/*/*.c fuzz/*.c)
SH_FILES = $(shell git ls-files '*.sh' 2>/dev/null) .ci/run

.PHONY: lint
lint: ## clang-format --dry-run, cppcheck, shellcheck, no pipe into grep -q
	clang-format --dry-run --Werror $(C_FILES)
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem --suppress=varFuncNullUB -Ifcgi-pool -Ifcgi-http -Icontract $(filter %.c,$(C_FILES))
	shellcheck -x $(SH_FILES)
	tests/lint/pipe-into-grep-q.sh $(SH_FILES)
	@# The lint itself must catch the pattern: its fixture holds three cases it must flag.
	@n=$$(tests/lint/pipe-into-grep-q.sh tests/lint/pipe-into-grep-q.fixture 2>/dev/null | wc -l); \
		test "$$n" = 3 || { echo "pipe-into-grep-q flags $$n of the fixture's 3 cases" >&2; exit 1; }
TEST_STEPS += lint
