"""The registry pages: list, detail, forms and surveys (registry), closing (close), import and export (import_export)."""
