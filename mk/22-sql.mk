# SQL portability: RDS runs MySQL 8.0, this machine MariaDB 10.11, so the project's SQL
# (sql/*.sql and the C code's string literals) stays in what both accept.
#   make sql-check   scripts/sql-compat.py over the project, with its self-test
.PHONY: sql-check
sql-check: ## SQL in sql/ and the C code stays in the MySQL 8.0 / MariaDB 10.11 common subset
	@bash tests/sql/sql-check-test.sh
TEST_STEPS += sql-check
