"""Steps of reading a CSV import: decoding, header, rows, cells and merging.

The public entry points are in `domain.imports`.
"""
