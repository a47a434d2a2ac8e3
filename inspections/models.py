"""Field work (inspections, problems, stop-work findings) comes here, on top of every other layer. The
patrol teams moved down to ``org`` and the liaison assignments to ``enterprises``, with their tables."""
