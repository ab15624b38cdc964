"""spine-assist: decision support for metastatic spine disease (MISS, OSS or nonoperative)."""

__version__ = "0.1.0"
