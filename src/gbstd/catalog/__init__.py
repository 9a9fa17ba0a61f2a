"""Reading a catalog from disk: finding its root and config, loading files with positions, writing safely."""
