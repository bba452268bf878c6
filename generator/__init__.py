"""Timeline: an event store of YAML files and a static site generator built on mkdocs."""
