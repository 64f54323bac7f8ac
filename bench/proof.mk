# bench/proof.mk - what bench/proof.sh needs beyond bench/Makefile:
# heapsite.so, the allocation-site accounting shim. GNU make.
#
#	make -C bench -f proof.mk

CC	?= cc
CFLAGS	?= -O2 -g

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2
XCFLAGS	 = -std=c11 -D_GNU_SOURCE $(WARN)

OUT	 = out

.PHONY: all clean

all: $(OUT)/heapsite.so

$(OUT):
	mkdir -p $(OUT)

$(OUT)/heapsite.so: heapsite.c | $(OUT)
	$(CC) $(CFLAGS) $(XCFLAGS) -fPIC -shared -o $@ heapsite.c -ldl

clean:
	rm -f $(OUT)/heapsite.so
