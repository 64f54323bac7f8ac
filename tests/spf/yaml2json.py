#!/usr/bin/env python3
"""yaml2json.py - turn the RFC 7208 test suite (YAML, several documents)
into one JSON array on stdout, for tests/tools/spf_suite.

    python3 tests/spf/yaml2json.py [tests/spf/rfc7208-tests.yml]

Needs PyYAML (Debian: python3-yaml). Strings are written with \\u escapes
(ensure_ascii) so the bytes the suite spells as "\\x80" or "\\0" survive
as code points the driver can see; the driver treats any of them as the
non-ASCII or NUL byte it stands for.
"""
import json
import os
import sys

import yaml


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "rfc7208-tests.yml")
    with open(path, "rb") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    json.dump(docs, sys.stdout, ensure_ascii=True, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
