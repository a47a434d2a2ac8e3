"""The placard pages (pages): list, detail, status actions, batch printing, and the public verify page."""
