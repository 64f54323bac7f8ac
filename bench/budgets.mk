# bench/budgets.mk - the programs of the budget benchmarks of issues 3
# and 4 (audit_bench.sh, dns_bench.sh, daemon_bench.sh), built into
# bench/out/. Run "make" at the top first: they link lib/libsmtprobe.a.
#
#	make -C bench -f budgets.mk
#
# Kept apart from bench/Makefile (the session-engine benchmark) so the
# two sets build and change independently. GNU make.

CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config

PKGS	 = libevent libevent_openssl openssl jansson ldns sqlite3
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2
XCFLAGS	 = -std=c11 -D_GNU_SOURCE -pthread $(WARN) -I../lib $(PKG_CFLAGS)

LIB	 = ../lib/libsmtprobe.a
OUT	 = out
PROGS	 = $(OUT)/audit_bench $(OUT)/dns_bench $(OUT)/udp_flood \
	   $(OUT)/smtp_responder $(OUT)/tt_bench $(OUT)/sqlite_base \
	   $(OUT)/store_rate

.PHONY: all clean

all: $(PROGS)

$(OUT):
	mkdir -p $(OUT)

# Programs over lib/libsmtprobe.a.
$(OUT)/audit_bench $(OUT)/dns_bench $(OUT)/tt_bench $(OUT)/store_rate: $(OUT)/%: %.c $(LIB) | $(OUT)
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lm

# Stand-alone: the baselines and the SMTP responder.
$(OUT)/udp_flood $(OUT)/smtp_responder $(OUT)/sqlite_base: $(OUT)/%: %.c | $(OUT)
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $< $(PKG_LIBS)

$(LIB):
	@echo "bench: $(LIB) missing: run make at the top first" >&2
	@false

clean:
	rm -f $(PROGS)
