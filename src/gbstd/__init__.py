"""gbstd: a catalog of government-affairs standards (机关事务标准) kept as YAML in git."""

__version__ = "0.1.0"
