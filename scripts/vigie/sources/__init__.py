"""Read and judge what staff wrote: sources, settings, the published record.

The wing flows one way, each module importing only those on the lines above it:
- read: `load` (files to plain data, with the line of each value), `config_file` (the
  part of `mkdocs.yml` Vigie judges, read the same way, MkDocs' tags tolerated);
- rules: `dates` (moments), `structure` (the JSON Schemas of `schemas/`), `links` (where a
  link may lead);
- judges: `placeholders`, `breach`, `safety` (the HTML staff's text makes), `settings`
  (the options in `mkdocs.yml`), `guard` (what was published stays published);
- assembly: `validate` gathers every verdict on the sources and makes the model.
`workflow` (scaffolding, what the site says) reads sources without judging them.
"""
