"""kv.py - the key=value result files the benchmarks write, read back.

Shared by report.py, proof_report.py and daemon_report.py.
"""


def load(path):
    """Every key=value line of path, as a dict of strings."""
    kv = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                kv[k] = v
    return kv


def num(kv, key, default=None):
    """kv[key] as a number, or default when missing or not a number."""
    try:
        return float(kv[key])
    except (KeyError, ValueError):
        return default
