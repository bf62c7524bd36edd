"""What a call decides, free of I/O: the operation and its arguments (`operation`,
`checks`, `namespace`), the pipeline of effects a driver carries out (`pipeline`),
retries and rate limits (`retry`, `buckets`), the ETag cache, hooks, answers and
errors (`response`, `errors`, `media`) and redaction of secrets (`redaction`)."""
