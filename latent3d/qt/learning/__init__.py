"""The learning analysis: class separation, learning events, learned-at, the data map, the hardest list."""
