"""The circular as rules: one module per theme, one function per article or paragraph."""
