"""Standards as data: loading criteria/ files, the NOS importer, its CLI."""
