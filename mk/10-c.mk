# C build: the shared libraries — fcgi-pool/ (the process manager, settings, log),
# fcgi-http/ (the request layer) and contract/ (what both services agree on about
# users) — the two services, the Check unit tests. Sources are found by wildcard per
# folder: a new .c file in a folder is built without editing this file. Each
# service's main.c is kept out of its library so tests can link the rest.
# `make SAN=1` builds with ASan + UBSan into build/san/ (used by `make unit-san`).

CC := gcc
PKGS := libcjson libmariadb libcurl libcrypto icu-uc icu-i18n libargon2 libsystemd check
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs libcjson libmariadb libcurl libcrypto icu-uc icu-i18n libargon2 libsystemd 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

CFLAGS_WARN := -std=c17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla
CPPFLAGS_DEF := -D_GNU_SOURCE -Ifcgi-pool -Ifcgi-http -Icontract -Ibuild/gen
ifeq ($(SAN),1)
BUILD := build/san
CFLAGS_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
else
CFLAGS_OPT := -O2 -g -D_FORTIFY_SOURCE=2
endif
CFLAGS_HARDEN := -fstack-protector-strong -fPIE -fstack-clash-protection -fcf-protection
LDFLAGS_HARDEN := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack

ALL_CFLAGS = $(CFLAGS_WARN) $(CFLAGS_OPT) $(CFLAGS_HARDEN) $(CPPFLAGS_DEF) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS_HARDEN) $(LDFLAGS_SAN) $(LDFLAGS)
LIBS_ALL = -lfcgi $(PKG_LIBS) -lm

POOL_SRC     := $(wildcard fcgi-pool/*.c)
HTTP_SRC     := $(wildcard fcgi-http/*.c)
CONTRACT_SRC := $(wildcard contract/*.c)
BACKEND_SRC  := $(filter-out fcgi-backend/main.c,$(wildcard fcgi-backend/*.c))
FRONTEND_SRC := $(filter-out fcgi-frontend/main.c,$(wildcard fcgi-frontend/*.c))
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BINS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))
# build/gen/: headers made by the build (mk/40-frontend.mk: the static assets' names).
GEN_HEADERS  := build/gen/static_assets.h
HEADERS      := $(wildcard fcgi-pool/*.h fcgi-http/*.h contract/*.h fcgi-backend/*.h \
	fcgi-frontend/*.h tests/unit/*.h tests/support/*.h) $(GEN_HEADERS)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_POOL     := $(BUILD)/libfcgi-pool.a
LIB_HTTP     := $(BUILD)/libfcgi-http.a
LIB_CONTRACT := $(BUILD)/libcontract.a
# The three shared libraries in link order (each uses only those after it).
LIB_SHARED   := $(LIB_CONTRACT) $(LIB_HTTP) $(LIB_POOL)
LIB_BACKEND  := $(BUILD)/libbackend.a
LIB_FRONTEND := $(BUILD)/libfrontend.a
BINS := $(if $(wildcard fcgi-backend/main.c),$(BUILD)/fcgi-backend) \
	$(if $(wildcard fcgi-frontend/main.c),$(BUILD)/fcgi-frontend)

.PHONY: all
all: $(BINS) ## build both services

$(BUILD)/obj/%.o: %.c $(HEADERS) | $(BUILD)/.dir
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ifcgi-backend -Ifcgi-frontend -Itests/support -c -o $@ $<

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

$(LIB_POOL): $(call obj,$(POOL_SRC))
	@rm -f $@ && ar rcs $@ $^
$(LIB_HTTP): $(call obj,$(HTTP_SRC))
	@rm -f $@ && ar rcs $@ $^
$(LIB_CONTRACT): $(call obj,$(CONTRACT_SRC))
	@rm -f $@ && ar rcs $@ $^
$(LIB_BACKEND): $(call obj,$(BACKEND_SRC))
	@rm -f $@ && ar rcs $@ $^
$(LIB_FRONTEND): $(call obj,$(FRONTEND_SRC))
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/fcgi-backend: $(call obj,fcgi-backend/main.c) $(LIB_BACKEND) $(LIB_SHARED)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL)
$(BUILD)/fcgi-frontend: $(call obj,fcgi-frontend/main.c) $(LIB_FRONTEND) $(LIB_SHARED)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL)

# Unit tests link every library and the in-memory request double (tests/support/); the
# linker takes only what each test uses.
TEST_DOUBLE := $(call obj,$(wildcard tests/support/*.c))
$(BUILD)/tests/unit/%: $(call obj,tests/unit/%.c) $(TEST_DOUBLE) $(LIB_BACKEND) $(LIB_FRONTEND) \
		$(LIB_SHARED)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_ALL) $(CHECK_LIBS)

.PHONY: unit-build unit unit-san
unit-build: $(UNIT_BINS)
unit: unit-build ## Check unit tests
	@set -e; for t in $(UNIT_BINS); do echo "-- $$t"; CK_DEFAULT_TIMEOUT=30 $$t; done
unit-san: ## the unit tests again under ASan + UBSan
	@$(MAKE) --no-print-directory SAN=1 unit
TEST_STEPS += build unit unit-san

.PHONY: build
build: all

.PHONY: install
install: all ## install binaries, migrations, nginx config (static files: mk/40-frontend.mk)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fcgi-users/sql \
		$(DESTDIR)$(PREFIX)/share/fcgi-users/static $(DESTDIR)$(PREFIX)/share/fcgi-users/nginx
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/fcgi-users/sql/
	$(if $(wildcard nginx/*),cp -r nginx/. $(DESTDIR)$(PREFIX)/share/fcgi-users/nginx/)

.PHONY: clean
clean: ## remove build output (keeps .run/ state; `make stop` first)
	rm -rf build
