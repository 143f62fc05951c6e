"""Citizens' data: the per-session vault, masking for screens and logs, and wiping."""
