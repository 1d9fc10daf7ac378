# Frontend checks. Its C sources and unit tests (tests/unit/test_frontend_*.c,
# test_html_escape.c) are built and run by mk/10-c.mk's wildcards; its integration test
# (tests/integration/test_pages.c) by `make integration`. This file adds the browser
# test: headless Chromium against a private stack on 127.0.0.1:18097 with axe-core and
# Lighthouse audits, screenshots in tests/browser/screenshots/ (see tests/browser/run.sh).

.PHONY: browser-test
browser-test: all ## headless Chromium walk of every page state: axe-core, Lighthouse, screenshots (phone, wide)
	@tests/browser/run.sh
TEST_STEPS += browser-test

# `make install` also puts the stylesheet (fcgi-frontend/static/) where DESIGN.md says:
# $(PREFIX)/share/fcgi-users/static.
.PHONY: install-static
install-static:
	install -d $(DESTDIR)$(PREFIX)/share/fcgi-users/static
	cp -r fcgi-frontend/static/. $(DESTDIR)$(PREFIX)/share/fcgi-users/static/
install: install-static
