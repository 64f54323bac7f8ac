#!/usr/bin/env python3
"""heapsite.py - where the heap of held sessions goes, by allocation site.

    heapsite.py -k SESSIONS -e EXECUTABLE BEFORE AFTER

BEFORE and AFTER are two dumps of bench/heapsite.so (live bytes per
call stack, taken at the two mallinfo2() calls of probe_bench mem: the
baseline and with SESSIONS more sessions held). Their difference is what
the held sessions hold. Prints bytes per session:

  - by library: the module of the first frame that is not an allocation
    wrapper (CRYPTO_malloc, ossl_malloc, event_mm_malloc_, ...);
  - by site: that frame's function, and the first function in the
    executable on the stack (the engine's entry point, e.g.
    smtp_session_start, conn_starttls), with blocks per session.

Functions in EXECUTABLE are named with addr2line (its own symbols and
debug info); in shared libraries by dladdr's nearest exported symbol,
marked "~" (a static function inside shows as the export before it).
"""

import collections
import getopt
import os
import subprocess
import sys

WRAPPERS = {
    "ossl_malloc", "ossl_realloc", "ossl_free",
    "CRYPTO_malloc", "CRYPTO_zalloc", "CRYPTO_realloc", "CRYPTO_clear_realloc",
    "CRYPTO_memdup", "CRYPTO_strdup", "CRYPTO_strndup", "CRYPTO_secure_malloc",
    "CRYPTO_secure_zalloc",
    "event_mm_malloc_", "event_mm_calloc_", "event_mm_realloc_",
    "event_mm_strdup_",
    "strdup", "strndup", "__strdup", "__strndup", "xmalloc", "xcalloc",
    "xrealloc", "xstrdup", "reallocarray", "realloc", "malloc", "calloc",
}


DRIVER = {"main", "cmd_mem", "cmd_cpu", "bench_run", "bench_kick",
          "hold_read"}


def load(path, mi):
    sites = {}
    with open(path) as f:
        for line in f:
            if line.startswith("# mallinfo2 "):
                w = line.split()[2:]
                mi.update({w[i]: int(w[i + 1]) for i in range(0, len(w), 2)})
                continue
            if line.startswith("#"):
                if "broken" in line:
                    sys.stderr.write("heapsite: %s: tables overflowed\n" % path)
                continue
            w = line.split()
            if len(w) < 2:
                continue
            b, c = int(w[0]), int(w[1])
            frames = tuple(tuple(w[i:i + 3]) for i in range(2, len(w) - 2, 3))
            sites[frames] = (b, c)
    return sites


def main():
    opts, args = getopt.getopt(sys.argv[1:], "e:k:")
    o = dict(opts)
    if "-k" not in o or "-e" not in o or len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    k = int(o["-k"])
    exe = os.path.realpath(o["-e"])
    mi0, mi1 = {}, {}
    before, after = load(args[0], mi0), load(args[1], mi1)

    delta = {}
    for fr in set(before) | set(after):
        b0, c0 = before.get(fr, (0, 0))
        b1, c1 = after.get(fr, (0, 0))
        if b1 != b0 or c1 != c0:
            delta[fr] = (b1 - b0, c1 - c0)

    # symbols of the executable's frames, with addr2line
    offs = sorted({f[1] for fr in delta for f in fr
                   if os.path.realpath(f[0]) == exe})
    names = {}
    if offs:
        # return addresses point after the call: look up the call itself
        q = ["%#x" % (int(x, 16) - 1) for x in offs]
        try:
            out = subprocess.run(["addr2line", "-f", "-e", exe] + q,
                                 capture_output=True, text=True,
                                 check=True).stdout.split("\n")
            for i, x in enumerate(offs):
                names[x] = out[2 * i]
        except (OSError, subprocess.CalledProcessError):
            pass

    def fname(f):
        if os.path.realpath(f[0]) == exe:
            return names.get(f[1], f[2] if f[2] != "-" else f[1])
        return "~" + f[2] if f[2] != "-" else "?" + f[1]

    def module(f):
        m = os.path.basename(f[0])
        if os.path.realpath(f[0]) == exe:
            return "engine (lib/ in %s)" % m
        return m.split(".so")[0]

    by_lib = collections.Counter()
    by_site = collections.Counter()
    blocks = collections.Counter()
    total = 0
    for fr, (b, c) in delta.items():
        total += b
        owner = None
        for f in fr:
            n = fname(f).lstrip("~")
            if n not in WRAPPERS:
                owner = f
                break
        if owner is None:
            owner = fr[0]
        entry = next((fname(f) for f in fr
                      if os.path.realpath(f[0]) == exe and
                      fname(f) not in WRAPPERS), "-")
        # no engine function between the allocation and the benchmark's
        # loop: libevent called OpenSSL itself (bufferevent_openssl)
        if entry in DRIVER:
            entry = "(loop: bufferevent_openssl)"
        # an unnamed (static) function: add the first named one above it
        fn = fname(owner)
        if fn.startswith("?"):
            i = fr.index(owner)
            up = next((fname(f) for f in fr[i + 1:]
                       if not fname(f).startswith("?")), None)
            if up:
                fn += " in " + up
        by_lib[module(owner)] += b
        key = (module(owner), fn, entry)
        by_site[key] += b
        blocks[key] += c

    print("heap held per session: %.0f bytes (%d sessions)" % (total / k, k))
    if mi0 and mi1:
        print("glibc per session: in use %.0f B, free but kept in the arenas"
              " %.0f B, arena growth %.0f B" % (
                  (mi1["uordblks"] + mi1["hblkhd"] - mi0["uordblks"] -
                   mi0["hblkhd"]) / k,
                  (mi1["fordblks"] - mi0["fordblks"]) / k,
                  (mi1["arena"] - mi0["arena"]) / k))
    print()
    print("by library (first frame past the allocation wrappers)")
    for lib, b in by_lib.most_common():
        if abs(b) / k >= 1:
            print("  %-40s %8.0f B  %5.1f%%" % (lib, b / k, 100.0 * b / total))
    print()
    print("by site: allocating function <- first engine function on the stack")
    print("  %8s %7s  %s" % ("B/sess", "blocks", "site"))
    shown = 0
    for key, b in by_site.most_common():
        if b / k < 16 or shown >= 25:
            break
        lib, fn, entry = key
        print("  %8.0f %7.2f  %s: %s <- %s" % (b / k, blocks[key] / k,
                                              lib.split(" ")[0], fn, entry))
        shown += 1
    rest = total - sum(b for key, b in by_site.most_common(shown))
    print("  %8.0f          (the rest)" % (rest / k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
