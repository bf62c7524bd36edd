"""Contract tests: octo's requests checked by Prism against GitHub's OpenAPI description."""
