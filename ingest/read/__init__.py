"""Reading delivered files. `careful` reads any CSV a person exported (encodings, ragged records) in Python;
`streamed` reads large well-formed CSV files in batches through DuckDB, with flat memory, and refuses
(NeedsCarefulParse) what it cannot read exactly as the careful reader would. `records` gives both as the same
batches of string columns, so a source writes its rules once, vectorized, and never chooses a reader."""
