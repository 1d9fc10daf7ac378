# Frontend checks. Its C sources and unit tests (tests/unit/test_frontend_*.c,
# test_html_escape.c) are built and run by mk/10-c.mk's wildcards; its integration test
# (tests/integration/test_pages.c) by `make integration`. This file adds the browser
# test: headless Chromium against a private stack on 127.0.0.1:18097 with axe-core and
# Lighthouse audits, screenshots in tests/browser/screenshots/ (see tests/browser/run.sh).

.PHONY: browser-test
browser-test: all ## headless Chromium walk of every page state: axe-core, Lighthouse, screenshots (phone, wide)
	@tests/browser/run.sh
TEST_STEPS += browser-test

# Static files as served: build/static holds each file of fcgi-frontend/static under
# its name and under a fingerprinted one (style.<sha256:10>.css), and
# build/gen/static_assets.h the fingerprinted paths the layout links (a new stylesheet
# is a new name, so nginx can let browsers keep it for a year: docs/frontend.md).
STATIC_SRC := $(wildcard fcgi-frontend/static/*)
build/gen/static_assets.h: $(STATIC_SRC) scripts/static-assets.sh
	@scripts/static-assets.sh fcgi-frontend/static build/static $@
all: build/gen/static_assets.h

# `make install` also puts the static files (build/static) where DESIGN.md says:
# $(PREFIX)/share/fcgi-users/static.
.PHONY: install-static
install-static: build/gen/static_assets.h
	install -d $(DESTDIR)$(PREFIX)/share/fcgi-users/static
	cp -r build/static/. $(DESTDIR)$(PREFIX)/share/fcgi-users/static/
install: install-static
