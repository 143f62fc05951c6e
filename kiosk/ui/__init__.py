"""The booth's touchscreen app: the only package that imports Qt."""
