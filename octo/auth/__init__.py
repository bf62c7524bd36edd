"""Credentials: GitHub App tokens (`app`), user sign-in by OAuth (`oauth`) and the
tokens `octo auth login` keeps on disk (`tokenstore`)."""
