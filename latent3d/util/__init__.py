"""Low-level helpers under every layer: safe file writing and reading, machine limits, signal handling."""
