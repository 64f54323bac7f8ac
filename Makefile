# smtprobe - see README.md. GNU make.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
# /etc for PREFIX=/usr; PREFIX/etc otherwise, as the GNU conventions have it
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/usr/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DESTDIR	?=

# The version --version prints and smtprobe_build_info carries; the
# revision is the commit built (lib/version.c alone is rebuilt for it).
VERSION	 = 0.1
REVISION := $(shell git describe --always --dirty --abbrev=12 2>/dev/null)

CC	?= cc
AR	?= ar
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config

PKGS	 = libevent libevent_openssl openssl jansson ldns sqlite3 libsystemd zlib \
	   libpsl libidn2
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2
XCFLAGS	 = -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Ilib $(PKG_CFLAGS) -MMD -MP
XLDFLAGS = -pthread

ifneq ($(SANITIZE),)
XCFLAGS	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
XLDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRCS  = $(sort $(wildcard lib/*.c))
LIB_OBJS  = $(LIB_SRCS:.c=.o)
LIB	  = lib/libsmtprobe.a

PROBE_SRCS = probe/smtprobe.c probe/render.c probe/client.c probe/explain.c \
	probe/logs.c
PROBE_OBJS = $(PROBE_SRCS:.c=.o)

UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_SRCS:.c=)
TOOL_SRCS = $(sort $(wildcard tests/tools/*.c))
TOOL_BINS = $(TOOL_SRCS:.c=)

BINS	  = probe/smtprobe probe/smtprobed

# Rebuild everything when the compiler or flags change (SANITIZE=...).
STAMP	  = .build-flags
FLAGS_NOW = $(CC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) $(XLDFLAGS) $(CLI_STATIC)

.PHONY: all check unit scenario clean install uninstall deps exim fuzz \
	fuzz-build demo lint FORCE

all: $(LIB) $(BINS)

$(STAMP): FORCE
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

%.o: %.c $(STAMP)
	$(CC) $(CFLAGS) $(XCFLAGS) -c -o $@ $<

# What is compiled into two files only: the version and revision
# (lib/version.o) and the configuration's place (probe/smtprobed.o).
VSTAMP	  = .build-version
VSTAMP_NOW = $(VERSION) $(REVISION) $(SYSCONFDIR)
$(VSTAMP): FORCE
	@echo '$(VSTAMP_NOW)' | cmp -s - $@ || echo '$(VSTAMP_NOW)' > $@

lib/version.o: lib/version.c $(STAMP) $(VSTAMP)
	$(CC) $(CFLAGS) $(XCFLAGS) -DSMTPROBE_VERSION='"$(VERSION)"' \
	    -DSMTPROBE_REVISION='"$(REVISION)"' -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

# smtprobe is a process per check (a monitoring system starts it every
# few minutes per service), and for a one-shot the dynamic loader is a
# good part of the cost: every library mapped, and every one of its
# symbols looked up through every library before it, at each start.
# libevent, ldns and jansson are linked into it from their Debian
# archives (OpenSSL and libc stay shared); bench/oneshot.sh measures
# the difference. CLI_STATIC= links them shared, as the daemon is (a
# security update of one of them then needs no rebuild of smtprobe).
CLI_STATIC ?= yes
ifeq ($(CLI_STATIC),yes)
CLI_LIBS = -Wl,-Bstatic -levent_openssl -levent_extra -levent_core -lldns \
	   -ljansson -Wl,-Bdynamic \
	   $(filter-out -levent -levent_openssl -lldns -ljansson -lsystemd -lpsl \
	   -lidn2,$(PKG_LIBS))
else
CLI_LIBS = $(filter-out -lsystemd -lpsl -lidn2,$(PKG_LIBS))
endif

probe/smtprobe: $(PROBE_OBJS) $(LIB) $(STAMP)
	$(CC) $(LDFLAGS) $(XLDFLAGS) -o $@ $(PROBE_OBJS) $(LIB) $(CLI_LIBS)

DAEMON_OBJS = probe/smtprobed.o probe/runs.o probe/control.o \
	probe/exporter.o probe/metrics.o probe/logwatch.o probe/logquery.o

# The configuration the daemon reads without -f is where make install puts it.
probe/smtprobed.o: probe/smtprobed.c $(STAMP) $(VSTAMP)
	$(CC) $(CFLAGS) $(XCFLAGS) \
	    -DDEFAULT_CONF='"$(SYSCONFDIR)/smtprobed/smtprobed.conf"' -c -o $@ $<

probe/smtprobed: $(DAEMON_OBJS) $(LIB)
	$(CC) $(LDFLAGS) $(XLDFLAGS) -o $@ $(DAEMON_OBJS) $(LIB) $(PKG_LIBS) -lm

tests/unit/test_%: tests/unit/test_%.c $(LIB) $(STAMP)
	$(CC) $(CFLAGS) $(XCFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) $(XLDFLAGS) \
	    -o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

tests/tools/%: tests/tools/%.c $(LIB) $(STAMP)
	$(CC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) $(XLDFLAGS) \
	    -o $@ $< $(LIB) $(PKG_LIBS)

# The one test command (README, .ci/run): unit tests, then scenarios
# against a private Postfix and scripted servers. Ends "N skipped", then
# "N passed, N failed" (a row that cannot run here is a SKIP; .ci/run
# fails on it).
check: all $(UNIT_BINS) $(TOOL_BINS)
	sh tests/run.sh

unit: $(UNIT_BINS)
	sh tests/run.sh unit

scenario: all $(TOOL_BINS)
	sh tests/run.sh scenario

# Every Debian package needed to build, test, fuzz and lint.
DEPS_DEB = build-essential pkg-config clang libclang-rt-14-dev \
	libevent-dev libssl-dev libjansson-dev libcmocka-dev libldns-dev \
	libsystemd-dev nsd openssl ca-certificates postfix python3 python3-yaml mandoc \
	ldnsutils unbound libsqlite3-dev sqlite3 prometheus systemd \
	monitoring-plugins-standard zlib1g-dev pflogsumm libpsl-dev publicsuffix \
	nftables iproute2 libidn2-dev systemd-journal-remote

deps:
	echo "postfix postfix/main_mailer_type select No configuration" | \
	    debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $(DEPS_DEB)
	sh tests/lib/exim-fetch.sh $(EXIM_ROOT)

# Exim for tests/scenario/exim.sh: exim4-daemon-light conflicts with
# postfix through apt, so it is unpacked here (apt-get download and
# dpkg-deb -x, with the libraries it needs that are not installed), not
# installed. "make exim" fetches only it.
EXIM_ROOT = /var/cache/smtprobe/exim/root

exim:
	sh tests/lib/exim-fetch.sh $(EXIM_ROOT)

FUZZ_SRCS = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS = $(patsubst tests/fuzz/%.c,tests/fuzz/build/%,$(FUZZ_SRCS))
FUZZ_TIME ?= 600
FUZZ_BASE = -std=c11 -D_GNU_SOURCE -pthread -g -O1 -Ilib $(PKG_CFLAGS) \
	-fno-sanitize-recover=all
FUZZ_CFLAGS = $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined
# The library is compiled once for every fuzzer (instrumented, not linked
# with libFuzzer's main), then each harness is linked against it.
FUZZ_LIB_OBJS = $(patsubst lib/%.c,tests/fuzz/build/lib/%.o,$(LIB_SRCS))

tests/fuzz/build/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p tests/fuzz/build/lib
	clang $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

tests/fuzz/build/%: tests/fuzz/%.c $(FUZZ_LIB_OBJS)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_OBJS) $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

# Long campaign by hand: make fuzz FUZZ_TIME=3600
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_TIME)

lint:
	mandoc -T lint -W warning man/*.[1-8]


install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/smtprobed
	install -m 0755 probe/smtprobe $(DESTDIR)$(BINDIR)/smtprobe
	install -m 0755 probe/smtprobed $(DESTDIR)$(SBINDIR)/smtprobed
	for m in man/*.[1-8]; do \
		s=$${m##*.}; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/etc/smtprobed|$(SYSCONFDIR)/smtprobed|g' \
	    systemd/smtprobed.service >$(DESTDIR)$(UNITDIR)/smtprobed.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/smtprobed.service
	install -m 0644 systemd/smtprobed.socket $(DESTDIR)$(UNITDIR)/smtprobed.socket
	test -e $(DESTDIR)$(SYSCONFDIR)/smtprobed/smtprobed.conf || \
	    install -m 0644 conf/smtprobed.conf \
	    $(DESTDIR)$(SYSCONFDIR)/smtprobed/smtprobed.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/smtprobe $(DESTDIR)$(SBINDIR)/smtprobed \
	    $(DESTDIR)$(UNITDIR)/smtprobed.service \
	    $(DESTDIR)$(UNITDIR)/smtprobed.socket
	for m in man/*.[1-8]; do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/smtprobed (your configuration)"

# An offline demonstration: local Postfix and NSD, smtprobed against them.
demo: all tests/tools/dnsq
	bash tests/demo.sh

clean:
	rm -f $(LIB) $(LIB_OBJS) $(PROBE_OBJS) $(DAEMON_OBJS) $(BINS) $(UNIT_BINS) \
	    $(TOOL_BINS) $(STAMP) $(VSTAMP) lib/*.d probe/*.d tests/*/*.d
	rm -rf tests/fuzz/build

FORCE:

-include $(LIB_OBJS:.o=.d) $(PROBE_OBJS:.o=.d) $(DAEMON_OBJS:.o=.d)
