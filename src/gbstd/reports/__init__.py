"""Reports built from a catalog: the half-year/annual bulletin (通报) and the static catalog site.

``period`` parses report periods, ``figures`` computes the bulletin's numbers, ``compose`` merges them with
the human-written notes into a document, and ``markdown``/``html``/``docx`` write it; ``site`` builds the
browsable site. Templates are jinja2 files found by ``templating``.
"""
